"""Every registered admin changelist and every export, fuzzed: never a 5xx.

A changelist's query string is Django's filter language: any `<field>__<lookup>=<value>` on the
model's own fields passes the admin's lookup_allowed(), and an unreadable value (a year past
9999, a broken regular expression, a 30-digit key) must end as Django's "?e=1" redirect or a
400, not as an error from the database while the list renders. The ModelAdmins are taken from
the admin site's registry, the export URLs from their URL patterns, so a new one is fuzzed
without editing this file. The test client raises a view's exception instead of answering 500,
so a failure shows the traceback and the request (hypothesis prints the falsifying example).
"""

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from deployments.coverage import coverage_recompute
from tests.api.helpers import linmas_pair_at, polri_pair_covering
from tests.factories import MeetingFactory, PolsekFactory, SprinFactory
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz import value
from tests.hardening.fuzz_forms import check_answer

LOOKUPS = ["exact", "in", "gte", "lte", "year", "month", "day", "isnull", "range", "contains"]
LOOKUPS += ["regex", "iexact", "icontains", "startswith", "lt", "gt"]
# Values at the edges of what the lookups above parse: dates past Python's and PostgreSQL's
# ranges, keys past bigint, broken regular expressions, lists for __in and __range.
EDGES = [
    "2024-11-27",
    "2024-11-27 09:00",
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "99999",
    "-1",
    "0",
    "13",
    "32",
    "9" * 30,
    "-9223372036854775809",
    "9223372036854775808",
    "1,2",
    "1,",
    ",",
    "a,b",
    "2024-01-01,2024-12-31",
    "2024-12-31,99999-01-01",
    "1,2,3",
    "True",
    "False",
    "true",
    "1.5",
    "(",
    "[",
    "*",
    "\\",
    "a{99999999}",
    "(?<",
    "\x00",
]
lookup_value = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    value,
)
# The changelist's own parameters: order by column indices, search, page, error flag, all.
ordering = st.one_of(
    st.lists(st.integers(min_value=-40, max_value=40), min_size=1, max_size=4).map(
        lambda columns: ".".join(str(c) for c in columns)
    ),
    value,
)
CHANGELIST_PARAMS = {
    "o": ordering,
    "q": value,
    "p": st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), value),
    "e": st.one_of(st.just("1"), value),
    "all": st.just(""),
}
REGISTRY = sorted(admin.site._registry.values(), key=lambda a: a.model._meta.label)


def _lookup_names(model_admin) -> list[str]:
    """`<field>` and `<field>__<lookup>` for the model's own fields, and the admin's filters."""
    names = []
    for field in model_admin.model._meta.get_fields():
        if not field.concrete and not isinstance(field, models.ForeignObjectRel):
            continue
        names.append(field.name)
        names.extend(f"{field.name}__{lookup}" for lookup in LOOKUPS)
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, str):
            names.append(list_filter)
        elif isinstance(list_filter, tuple):
            names.append(list_filter[0])
        elif hasattr(list_filter, "parameter_name"):
            names.append(list_filter.parameter_name)
    return names


def changelist_query(model_admin):
    lookups = st.dictionaries(
        st.sampled_from(_lookup_names(model_admin)),
        st.one_of(lookup_value, st.lists(lookup_value, min_size=2, max_size=3)),
        max_size=3,
    )
    own = st.fixed_dictionaries({}, optional=CHANGELIST_PARAMS)
    return st.tuples(lookups, own).map(lambda parts: {**parts[0], **parts[1]})


def _path(model_admin) -> str:
    return f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"


def _export_urls() -> list[tuple[str, object]]:
    """Each admin URL named for an export or the Sprin annex, with the ModelAdmin it is of."""
    urls = []
    for model_admin in REGISTRY:
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None) or ""
            route = str(pattern.pattern)
            if ("export" in name or "annex" in name) and "<" not in route:
                urls.append((_path(model_admin) + route.lstrip("^").rstrip("$"), model_admin))
    return urls


ADMIN_EXPORTS = _export_urls()


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="opsboard.auth.OpsboardBackend")
    return client


@pytest.fixture
def picture(election_day, field_officer, tps_a, tps_b):
    """Rows for the changelists to list and filter: TPS, people and assignments in both
    kecamatan, a snapshot, a Sprin, a Polsek and a meeting."""
    PolsekFactory(kecamatan=tps_a.desa.kecamatan)
    SprinFactory(number="Sprin/1/XI/2024")
    for tps in (tps_a, tps_b):
        polri_pair_covering([tps])
        linmas_pair_at(tps)
    coverage_recompute()
    return {"meeting": MeetingFactory(minutes="# Notulen\n\nIsi."), "tps": [tps_a, tps_b]}


def test_every_registered_admin_reads_its_input_through_the_project_mixin():
    # The fuzz below finds a missing guard only when it draws the bad value (a broken regular
    # expression made a logistics list answer 500 in one run of five); this finds it always.
    from core.admin_input import ReadableInputAdminMixin

    bare = [a.model._meta.label for a in REGISTRY if not isinstance(a, ReadableInputAdminMixin)]

    assert bare == []


@pytest.mark.parametrize("model_admin", REGISTRY, ids=lambda a: a.model._meta.label)
@pytest.mark.django_db
def test_every_admin_changelist_answers_any_field_lookup_without_a_5xx(
    model_admin, picture, ops_admin, superuser
):
    path = _path(model_admin)
    clients = [_client(ops_admin), _client(superuser)]
    seen: set[int] = set()

    @FUZZ
    @given(client=st.sampled_from(clients), params=changelist_query(model_admin))
    def answers(client, params):
        response = client.get(path, params)

        seen.add(response.status_code)
        check_answer(response, (path, params), allowed=(200, 302, 400, 403))
        if response.status_code == 302:  # the changelist's "?e=1": a filter it cannot read
            assert response["Location"].endswith("?e=1"), (response["Location"], params)

    answers()

    assert 200 in seen  # the superuser at least reaches the list


@pytest.mark.parametrize(
    ("path", "model_admin"), ADMIN_EXPORTS, ids=[path for path, _admin in ADMIN_EXPORTS]
)
@pytest.mark.django_db
def test_every_admin_export_answers_any_query_without_a_5xx(
    path, model_admin, picture, ops_admin, superuser, command_staff, polsek_editor_other
):
    clients = [_client(u) for u in (ops_admin, superuser, command_staff, polsek_editor_other)]
    kecamatan = {str(t.desa.kecamatan_id) for t in picture["tps"]}
    extra = st.fixed_dictionaries(
        {},
        optional={
            "_format": st.one_of(st.sampled_from(["csv", "xlsx", "pdf", ""]), value),
            "kecamatan": st.one_of(st.sampled_from(sorted(kecamatan)), lookup_value),
            "phase": lookup_value,
        },
    )

    @FUZZ
    @given(
        client=st.sampled_from(clients),
        params=st.tuples(changelist_query(model_admin), extra).map(lambda p: {**p[0], **p[1]}),
    )
    def answers(client, params):
        response = client.get(path, params)

        check_answer(response, (path, params), allowed=(200, 302, 400, 403, 404))

    answers()


DASHBOARD_FILTERS = ["kabkota", "kecamatan", "desa", "kerawanan", "status", "phase", "bbox"]


@pytest.mark.parametrize("path", ["/export/gaps/", "/export/areas/"])
@pytest.mark.django_db
def test_dashboard_exports_answer_any_format_and_filter_without_a_5xx(
    path, picture, command_staff, polsek_staff
):
    clients = [_client(command_staff), _client(polsek_staff)]
    params = st.fixed_dictionaries(
        {},
        optional={
            "format": st.one_of(st.sampled_from(["csv", "xlsx", "CSV", "json", ""]), value),
            "sort": value,
            "page": lookup_value,
            **dict.fromkeys(DASHBOARD_FILTERS, lookup_value),
        },
    )

    @FUZZ
    @given(client=st.sampled_from(clients), params=params)
    def answers(client, params):
        response = client.get(path, params)

        check_answer(response, (path, params), allowed=(200, 400))

    answers()


@pytest.mark.django_db
def test_the_minutes_print_answers_any_query_without_a_5xx(picture, command_staff, ops_admin):
    path = f"/rapat/{picture['meeting'].pk}/cetak/"
    clients = [_client(command_staff), _client(ops_admin)]
    params = st.dictionaries(
        st.sampled_from(["revisi", "revision", "format", "x"]), lookup_value, max_size=3
    )

    @FUZZ
    @given(client=st.sampled_from(clients), params=params)
    def answers(client, params):
        response = client.get(path, params)

        check_answer(response, (path, params), allowed=(200, 400, 404))

    answers()


@pytest.mark.django_db
def test_the_sign_in_cards_print_answers_any_submission_without_a_5xx(
    picture, ops_admin, command_staff
):
    clients = [_client(ops_admin), _client(command_staff)]
    tps_a = picture["tps"][0]
    good = st.sampled_from([str(tps_a.desa.kecamatan_id), str(tps_a.desa_id), ""])
    data = st.dictionaries(
        st.sampled_from(["kecamatan", "desa", "x"]), st.one_of(good, lookup_value), max_size=3
    )

    @FUZZ
    @given(client=st.sampled_from(clients), data=data)
    def answers(client, data):
        response = client.post("/lapangan/kartu/cetak/", data)

        check_answer(response, ("/lapangan/kartu/cetak/", data), allowed=(200, 302, 403, 422))

    answers()
