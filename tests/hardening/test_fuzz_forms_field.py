"""The field officer's forms and the Posko operator's entries, fuzzed: a 2xx/3xx, or a 4xx with
a message; never a 500, and a refused submission writes nothing.

Each form is posted both as a browser without JavaScript (a redirect to /me/, or a page with
the problem) and as the phone's offline queue in static/field/field.js (multipart with
``Accept: application/json``, answered in JSON). The test client raises a view's exception
instead of answering 500, so a falsifying example shows the traceback of the input.
"""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from field.models import SituationReport, TPSStatusStep
from field.photos import REQUEST_OVERHEAD_BYTES
from tests.factories import ELECTION_DAY_9AM, InstructionFactory
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz_forms import (
    JPEG,
    bad_number,
    check_answer,
    content_types,
    file_names,
    form_data,
    garbage,
    json_errors,
    row_counts,
    upload,
    uploads,
    written,
)

JSON = {"Accept": "application/json"}
# A few keys used again and again, so that a resend of the same report or check-in happens.
KEYS = [str(uuid.UUID(int=n)) for n in (1, 2, 3)]
keys = st.one_of(st.sampled_from(KEYS), st.uuids().map(str))
latitudes = st.decimals(min_value=-90, max_value=90, places=6).map(str)
longitudes = st.decimals(min_value=-180, max_value=180, places=6).map(str)
steps = st.sampled_from([str(step) for step in TPSStatusStep.Step.values])
kinds = st.sampled_from(SituationReport.Kind.values)
texts = st.text(max_size=200)
ticks = st.sampled_from(["on", "true", "1", ""])
# What a huge upload declares: past the photo limit it is refused before a byte is read.
TOO_LARGE = [
    str(settings.FIELD_PHOTO_MAX_BYTES + REQUEST_OVERHEAD_BYTES + 1),
    str(10**12),
    "9" * 40,
]
declared_lengths = st.one_of(st.none(), st.sampled_from([*TOO_LARGE, "-1", "abc", "0", " 12 "]))


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def field(election_day, field_officer, tps_a, tps_b):
    """The field officer of TPS A on election day; TPS B is somebody else's; one instruction
    to TPS A's kecamatan, one to another kecamatan, one withdrawn."""
    mine = InstructionFactory(kecamatan=tps_a.desa.kecamatan)
    theirs = InstructionFactory(kecamatan=tps_b.desa.kecamatan)
    withdrawn = InstructionFactory(kecamatan=tps_a.desa.kecamatan, withdrawn_at=ELECTION_DAY_9AM)
    return {
        "user": field_officer,
        "person": field_officer.personnel,
        "tps": tps_a,
        "other_tps": tps_b,
        "instructions": [mine.pk, theirs.pk, withdrawn.pk],
    }


def _own_tps(field):
    return st.just(str(field["tps"].pk))


def _other_tps(field):
    """Somebody else's TPS, one that does not exist, or garbage."""
    return st.one_of(st.sampled_from([str(field["other_tps"].pk), "0", "9" * 30]), bad_number)


# An urgent report opens its incident in the same transaction, and the incident starts its
# escalation chain: the first step and the notices to the area's Polsek (docs/incidents.md).
INCIDENT_TABLES = {
    "field_incident",
    "field_incidentevent",
    "field_incidentreport",
    "field_escalationstep",
    "field_notification",
}


def _own_rows(change: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in change.items() if table not in INCIDENT_TABLES}


def _check_write(response, change: dict[str, int], table: str, *, as_json: bool) -> None:
    """A refusal writes nothing; an acceptance at most its own one row (none for a resend)."""
    status = response.status_code
    own = _own_rows(change)
    if status >= 400:
        assert change == {}, (status, change)
    elif as_json:
        assert own == ({table: 1} if status == 201 else {}), (status, change)
    else:
        assert own in ({}, {table: 1}), (status, change)


def _check_refusal(response, *, as_json: bool) -> None:
    if response.status_code in (413, 422) and as_json:
        json_errors(response)


@pytest.mark.django_db
def test_checkin_answers_any_submission_and_a_refusal_writes_nothing(login, field):
    client = login(field["user"])
    seen: set[tuple[bool, int]] = set()

    @FUZZ
    @given(
        data=form_data(
            {
                "tps": _own_tps(field),
                "latitude": latitudes,
                "longitude": longitudes,
                "accuracy": st.integers(0, 5000).map(str),
                "idempotency_key": keys,
            },
            bad={
                "tps": _other_tps(field),
                "latitude": bad_number,
                "longitude": bad_number,
                "accuracy": bad_number,
            },
        ),
        as_json=st.booleans(),
    )
    def answers(data, as_json):
        before = row_counts()

        response = client.post("/me/checkin/", data, headers=JSON if as_json else {})

        seen.add((as_json, response.status_code))
        allowed = (200, 201, 404, 422) if as_json else (302, 404, 422)
        check_answer(response, data, allowed=allowed)
        _check_refusal(response, as_json=as_json)
        _check_write(response, written(before, row_counts()), "opsboard_checkin", as_json=as_json)

    answers()

    statuses = {status for _as_json, status in seen}
    assert 422 in statuses and statuses & {201, 302}  # refused and accepted


@pytest.mark.django_db
def test_tps_status_step_answers_any_submission_and_a_refusal_writes_nothing(login, field):
    client = login(field["user"])
    seen: set[int] = set()

    @FUZZ
    @given(
        tps=st.one_of(_own_tps(field), _own_tps(field), st.sampled_from(["0", "9" * 30])),
        data=form_data({"step": steps}),
        as_json=st.booleans(),
    )
    def answers(tps, data, as_json):
        before = row_counts()

        response = client.post(f"/me/tps/{tps}/status/", data, headers=JSON if as_json else {})

        seen.add(response.status_code)
        allowed = (200, 201, 404, 422) if as_json else (302, 404, 422)
        check_answer(response, data, allowed=allowed)
        _check_refusal(response, as_json=as_json)
        change = written(before, row_counts())
        _check_write(response, change, "opsboard_tpsstatusstep", as_json=as_json)

    answers()

    assert {404, 422} <= seen and seen & {201, 302}


@pytest.mark.django_db
def test_situation_report_answers_any_submission_or_upload_and_a_refusal_writes_nothing(
    login, field, photo_root
):
    client = login(field["user"])
    seen: set[int] = set()

    @FUZZ
    @given(
        data=form_data(
            {
                "kind": kinds,
                "text": texts,
                "urgent": ticks,
                "tps": _own_tps(field),
                "idempotency_key": keys,
                "photo": st.one_of(
                    st.none(), st.builds(upload, st.just(JPEG), file_names, content_types)
                ),
            },
            bad={"photo": uploads, "tps": _other_tps(field)},
        ),
        as_json=st.booleans(),
        declared=declared_lengths,
    )
    def answers(data, as_json, declared):
        before = row_counts()
        extra = {"CONTENT_LENGTH": declared} if declared is not None else {}

        response = client.post("/me/lapor/", data, headers=JSON if as_json else {}, **extra)

        seen.add(response.status_code)
        allowed = (200, 201, 400, 404, 413, 422) if as_json else (302, 400, 404, 413, 422)
        check_answer(response, data, allowed=allowed)
        _check_refusal(response, as_json=as_json)
        if declared in TOO_LARGE:
            assert response.status_code == 413
        change = written(before, row_counts())
        _check_write(response, change, "opsboard_situationreport", as_json=as_json)
        # A refused photo leaves no file behind; a stored one belongs to its report.
        files = [p for p in Path(photo_root).rglob("*") if p.is_file()]
        assert len(files) == SituationReport.objects.exclude(photo="").count()

    answers()

    assert seen & {413, 422} and seen & {201, 302}  # refused and accepted


@pytest.mark.django_db
def test_instruction_acknowledgement_answers_any_request_and_writes_at_most_its_own_row(
    login, field
):
    client = login(field["user"])
    seen: set[int] = set()
    ids = [str(pk) for pk in field["instructions"]]

    @FUZZ
    @given(
        pk=st.one_of(st.sampled_from(ids), st.sampled_from(["0", "9" * 30])),
        data=st.dictionaries(st.sampled_from(["x", "instruction", "person"]), garbage),
        as_json=st.booleans(),
    )
    def answers(pk, data, as_json):
        before = row_counts()

        response = client.post(f"/me/instruksi/{pk}/terima/", data, headers=JSON if as_json else {})

        seen.add(response.status_code)
        check_answer(response, data, allowed=(201, 404) if as_json else (302, 404))
        change = written(before, row_counts())
        if response.status_code == 404:
            assert change == {}
        else:
            assert change in ({}, {"opsboard_instructionack": 1}), change

    answers()

    assert {404} <= seen and seen & {201, 302}
    # Only the instruction to the officer's own kecamatan, once.
    assert field["person"].instruction_acks.count() == 1


POSKO = {
    "/posko/checkin/": ("opsboard_checkin", ["tps"]),
    "/posko/status/": ("opsboard_tpsstatusstep", ["tps", "step"]),
    "/posko/laporan/": (
        "opsboard_situationreport",
        ["tps", "kind", "text", "urgent", "idempotency_key"],
    ),
}


@pytest.fixture
def posko_operators(ops_admin, command_staff, polsek_staff):
    """Who may enter via Posko, each signed in on a client of their own: an admin, and command
    or Polsek staff given the permission."""
    permission = Permission.objects.get(codename="record_via_posko")
    for user in (command_staff, polsek_staff):
        user.user_permissions.add(permission)
    clients = []
    for user in (ops_admin, command_staff, polsek_staff):
        clients.append(Client())
        clients[-1].force_login(user, backend="opsboard.auth.OpsboardBackend")
    return clients


@pytest.mark.django_db
def test_posko_entries_answer_any_submission_and_a_refusal_writes_nothing(field, posko_operators):
    seen: set[int] = set()
    good = {
        "person": st.just(str(field["person"].pk)),
        "tps": _own_tps(field),
        "step": steps,
        "kind": kinds,
        "text": texts,
        "urgent": ticks,
        "idempotency_key": keys,
    }

    @FUZZ
    @given(
        operator=st.sampled_from(posko_operators),
        path=st.sampled_from(sorted(POSKO)),
        data=st.data(),
    )
    def answers(operator, path, data):
        table, fields = POSKO[path]
        bad = {"person": st.one_of(st.just(str(field["person"].pk + 999)), bad_number)}
        bad["tps"] = _other_tps(field)
        sent = data.draw(form_data({name: good[name] for name in ["person", *fields]}, bad=bad))
        before = row_counts()

        response = operator.post(path, sent)

        seen.add(response.status_code)
        check_answer(response, sent, allowed=(302, 404, 422))
        change = written(before, row_counts())
        if response.status_code == 302:
            assert _own_rows(change) in ({}, {table: 1}), change
        else:
            assert change == {}, (response.status_code, change)

    answers()

    assert 302 in seen and seen & {404, 422}  # accepted and refused


@pytest.mark.django_db
def test_posko_search_answers_any_query_without_a_500_or_a_write(field, posko_operators):
    before = row_counts()

    @FUZZ
    @given(
        operator=st.sampled_from(posko_operators),
        params=form_data(
            {
                "identifier": st.sampled_from([field["person"].identifier, "LM-000"]),
                "force": st.sampled_from(["LINMAS", "POLRI", "TNI", ""]),
            }
        ),
    )
    def answers(operator, params):
        response = operator.get("/posko/", params)

        check_answer(response, params, allowed=(200,))

    answers()

    assert written(before, row_counts()) == {}


# Found by the fuzzing above (the test client raised the view's exception: a 500)


@pytest.mark.django_db
def test_an_absurd_accuracy_is_refused_with_a_message_not_a_database_error(login, field):
    # It did not fit the database's integer column: "integer out of range" on PostgreSQL.
    client = login(field["user"])
    before = row_counts()

    response = client.post(
        "/me/checkin/",
        {
            "tps": field["tps"].pk,
            "latitude": "-7.815000",
            "longitude": "111.985000",
            "accuracy": "1e40",
            "idempotency_key": KEYS[0],
        },
        headers=JSON,
    )

    assert response.status_code == 422
    assert json_errors(response) == ["Akurasi posisi tidak masuk akal; coba lagi."]
    assert written(before, row_counts()) == {}


@pytest.mark.parametrize(
    "person", ["", "abc", "1.5", "9" * 5000], ids=["empty", "word", "decimal", "5000-digits"]
)
@pytest.mark.django_db
def test_a_posko_entry_for_an_unreadable_person_id_is_a_404(field, posko_operators, person):
    # The id reached the query as it was sent: "Field 'id' expected a number but got 'abc'".
    before = row_counts()

    response = posko_operators[0].post(
        "/posko/checkin/", {"person": person, "tps": field["tps"].pk}
    )

    assert response.status_code == 404
    assert written(before, row_counts()) == {}
