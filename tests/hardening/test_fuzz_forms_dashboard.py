"""The dashboard's filters and htmx parts, the TPS pages, the exports, and the command's field
views (incident feed, marking a report handled, instructions), fuzzed: a 2xx/3xx, or a 4xx
with a message; never a 500; reads write nothing, and a refused form writes nothing.

htmx picks the dashboard's part by its HX-Target header, so the headers are fuzzed with the
query string. The test client raises a view's exception instead of answering 500.
"""

import uuid

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from deployments.coverage import coverage_recompute
from field.models import SituationReport
from tests.api.helpers import linmas_pair_at, polri_pair_covering
from tests.factories import (
    ELECTION_DAY_9AM,
    InstructionFactory,
    LinmasFactory,
    SatlinmasFactory,
)
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz_forms import check_answer, form_data, garbage, query, row_counts, written
from tests.hardening.test_fuzz_login_and_language import OFF_SITE, _is_on_site

FILTERS = ["kabkota", "kecamatan", "desa", "kerawanan", "status", "phase", "bbox", "fields"]
# Each test fuzzes one group of URLs that read the same parameters (one test per URL would
# spend the suite's time on pages that share their parsing).
READS = {
    # The dashboard, its parts and the wall: the filters, the gap table's order and page.
    "dashboard": (["/", "/wall/"], [*FILTERS, "sort", "page"]),
    "exports": (["/export/gaps/", "/export/areas/"], [*FILTERS, "sort", "page", "format"]),
    "incidents": (["/lapangan/insiden/"], ["kind", "open"]),
    # These take no parameters: whatever comes is ignored.
    "field": (["/lapangan/checkin/", "/api/tps-field-status.json"], ["kecamatan", "page", "since"]),
}
EXPORTS = ("/export/gaps/", "/export/areas/")
htmx_headers = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {
            "HX-Request": st.sampled_from(["true", "false", ""]),
            "HX-Target": st.one_of(
                st.sampled_from(["figures", "gaps", "areas", "wall-live", "incident-feed"]),
                garbage,
            ),
        },
        optional={"X-Opsboard-Poll": st.sampled_from(["1", "0", "\x00"])},
    ),
)


@pytest.fixture
def picture(election_day, tps_a, tps_b):
    """Both kecamatan guarded, a snapshot, and a report in each."""
    for tps in (tps_a, tps_b):
        polri_pair_covering([tps])
        linmas_pair_at(tps)
    coverage_recompute()
    reports = [
        SituationReport.objects.create(
            person=LinmasFactory(unit=SatlinmasFactory(desa=tps.desa)),
            tps=tps,
            kind=SituationReport.Kind.GANGGUAN,
            text="Kerumunan di depan TPS.",
            at=ELECTION_DAY_9AM,
            idempotency_key=uuid.uuid4(),
        )
        for tps in (tps_a, tps_b)
    ]
    return {"tps": [tps_a, tps_b], "reports": reports}


@pytest.fixture
def readers(command_staff, polsek_staff):
    """Command staff (everything) and Polsek staff of Mojoroto, each signed in on a client."""
    clients = []
    for user in (command_staff, polsek_staff):
        clients.append(Client())
        clients[-1].force_login(user, backend="opsboard.auth.OpsboardBackend")
    return clients


@pytest.mark.parametrize("group", sorted(READS))
@pytest.mark.django_db
def test_dashboard_parts_and_exports_answer_any_query_and_write_only_the_export_log(
    group, picture, readers
):
    paths, names = READS[group]
    seen: set[tuple[str, int]] = set()

    @FUZZ
    @given(
        client=st.sampled_from(readers),
        path=st.sampled_from(paths),
        params=query(names),
        headers=htmx_headers,
    )
    def answers(client, path, params, headers):
        before = row_counts()

        response = client.get(path, params, headers=headers)

        seen.add((path, response.status_code))
        check_answer(response, params, allowed=(200, 400))
        change = written(before, row_counts())
        if path in EXPORTS and response.status_code == 200:
            assert change == {"opsboard_auditevent": 1}, change  # who exported, when
        else:
            assert change == {}, change

    answers()

    assert 200 in {status for _path, status in seen}


@pytest.mark.django_db
def test_tps_page_and_popup_answer_any_query_without_a_500_or_a_write(picture, readers):
    ids = [str(t.pk) for t in picture["tps"]] + ["0", "9" * 30]
    before = row_counts()
    seen: set[int] = set()

    @FUZZ
    @given(
        client=st.sampled_from(readers),
        pk=st.sampled_from(ids),
        page=st.sampled_from(["", "popup/"]),
        params=query(["phase", "tab", "page"]),
        headers=htmx_headers,
    )
    def answers(client, pk, page, params, headers):
        response = client.get(f"/tps/{pk}/{page}", params, headers=headers)

        seen.add(response.status_code)
        check_answer(response, params, allowed=(200, 404))

    answers()

    assert written(before, row_counts()) == {}
    assert seen == {200, 404}  # Polsek staff get a 404 for the other kecamatan's TPS


@pytest.mark.django_db
def test_marking_a_report_handled_answers_any_request_and_never_redirects_off_site(
    picture, readers
):
    ids = [str(r.pk) for r in picture["reports"]] + ["0", "9" * 30]
    before = row_counts()
    seen: set[int] = set()
    handled: set[str] = set()

    @FUZZ
    @given(
        client=st.sampled_from(readers),
        pk=st.sampled_from(ids),
        data=form_data({"next": st.sampled_from(["/lapangan/insiden/", "/", *OFF_SITE])}),
        htmx=st.booleans(),
    )
    def answers(client, pk, data, htmx):
        response = client.post(
            f"/lapangan/insiden/{pk}/ditangani/",
            data,
            headers={"HX-Request": "true"} if htmx else {},
        )

        seen.add(response.status_code)
        check_answer(response, data, allowed=(200, 302, 404))
        if response.status_code == 302:
            assert _is_on_site(response["Location"]), (response["Location"], data)
        if response.status_code != 404:
            handled.add(pk)

    answers()

    assert written(before, row_counts()) == {}
    assert seen & {200, 302} and 404 in seen
    marked = SituationReport.objects.exclude(handled_at=None).values_list("pk", flat=True)
    assert {str(pk) for pk in marked} == handled


@pytest.mark.django_db
def test_instructions_form_answers_any_submission_and_a_refusal_writes_nothing(
    picture, readers, tps_a, tps_b
):
    kecamatan = [str(tps_a.desa.kecamatan_id), str(tps_b.desa.kecamatan_id)]
    desa = [str(tps_a.desa_id), str(tps_b.desa_id)]
    withdrawable = [str(InstructionFactory(kecamatan=tps_b.desa.kecamatan).pk), "0", "9" * 30]
    seen: set[int] = set()

    @FUZZ
    @given(
        client=st.sampled_from(readers),
        withdraw=st.one_of(st.none(), st.sampled_from(withdrawable)),
        data=form_data(
            {
                "kecamatan": st.sampled_from(kecamatan),
                "desa": st.sampled_from(desa),
                "text": st.text(min_size=1, max_size=200),
            }
        ),
    )
    def answers(client, withdraw, data):
        before = row_counts()
        path = f"/lapangan/instruksi/{withdraw}/tarik/" if withdraw else "/lapangan/instruksi/"

        response = client.post(path, data)

        seen.add(response.status_code)
        check_answer(response, data, allowed=(302, 404, 422))
        change = written(before, row_counts())
        if response.status_code == 302 and not withdraw:
            assert change == {"opsboard_instruction": 1}, change
        else:
            assert change == {}, change

    answers()

    assert {302, 422} <= seen


# Found by the fuzzing above


@pytest.mark.parametrize("next_url", ["x", " ", "field:checkins", *OFF_SITE])
@pytest.mark.django_db
def test_marking_handled_goes_back_to_the_feed_when_next_is_not_a_page_of_the_site(
    picture, readers, next_url
):
    # "next" went to redirect() as it was: a word was taken for a view name (NoReverseMatch,
    # a 500), and another site's address was followed.
    report = picture["reports"][0]

    response = readers[0].post(f"/lapangan/insiden/{report.pk}/ditangani/", {"next": next_url})

    assert response.status_code == 302
    # "/%2F%2Fevil.example" is a path of this site, and stays one in every browser.
    assert response["Location"] in ("/lapangan/insiden/", "/%2F%2Fevil.example")


@pytest.mark.django_db
def test_an_unknown_report_kind_comes_back_as_text_not_markup(picture, readers):
    # The value was sent back inside an HTML response: markup injection.
    response = readers[0].get("/lapangan/insiden/", {"kind": "<img src=x onerror=alert(1)>"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
