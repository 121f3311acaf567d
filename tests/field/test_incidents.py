"""Incidents: the database's refusals, the lifecycle's transitions and refusals, merge,
idempotent opening, the timeline (field/incidents/)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.models import Assignment
from field.incidents import services
from field.incidents.models import EventKind, Incident, IncidentClass, IncidentReport, Severity
from field.models import SituationReport
from tests.field.helpers import ELECTION_DAY_9AM, guard_at, key
from tests.field.incident_helpers import report, tick, walk

T0 = ELECTION_DAY_9AM


def _minutes(n: int):
    return T0 + timedelta(minutes=n)


# The database refuses impossible states: each row below breaks exactly one rule.
IMPOSSIBLE = {
    "field_incident_place_given": {"tps": None},
    "field_incident_position_complete": {"latitude": "-7.8"},
    "field_incident_verified_after_reported": {
        "state": "diverifikasi",
        "verified_at": _minutes(-1),
    },
    "field_incident_dispatched_after_verified": {
        "state": "ditangani",
        "verified_at": _minutes(10),
        "dispatched_at": _minutes(5),
    },
    "field_incident_arrived_after_dispatched": {
        "state": "di_lokasi",
        "verified_at": _minutes(1),
        "dispatched_at": _minutes(10),
        "arrived_at": _minutes(9),
    },
    "field_incident_resolved_after_arrived": {
        "state": "selesai",
        "verified_at": _minutes(1),
        "dispatched_at": _minutes(2),
        "resolution": "Selesai",
        "resolved_at": _minutes(3),
    },
    "field_incident_closed_after_reported": {
        "state": "ditolak",
        "closed_at": _minutes(-5),
        "close_reason": "Bukan kejadian",
    },
    "field_incident_state_has_its_time": {"state": "ditangani", "verified_at": _minutes(1)},
    "field_incident_resolved_needs_time": {
        "state": "selesai",
        "verified_at": _minutes(1),
        "dispatched_at": _minutes(2),
        "arrived_at": _minutes(3),
        "resolution": "Selesai",
    },
    "field_incident_resolved_needs_resolution": {
        "state": "selesai",
        "verified_at": _minutes(1),
        "dispatched_at": _minutes(2),
        "arrived_at": _minutes(3),
        "resolved_at": _minutes(4),
    },
    "field_incident_closed_needs_reason": {"state": "ditolak", "closed_at": _minutes(1)},
    "field_incident_duplicate_needs_original": {
        "state": "duplikat",
        "closed_at": _minutes(1),
        "close_reason": "Sama",
    },
    "field_incident_state_valid": {"state": "hilang"},
    "field_incident_class_valid": {"incident_class": "kerusuhan"},
    "field_incident_severity_valid": {"severity": 9},
}


def _row(place, **fields) -> dict:
    base = {
        "title": "Uji",
        "incident_class": IncidentClass.GANGGUAN,
        "severity": Severity.SEDANG,
        "tps": place,
        "reported_at": T0,
    }
    return {**base, **fields}


@pytest.mark.django_db
@pytest.mark.parametrize("rule", sorted(IMPOSSIBLE))
def test_the_database_refuses_each_impossible_state(rule, tps_a):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Incident.objects.create(**_row(tps_a, **IMPOSSIBLE[rule]))

    # An unknown state is no state with its times either: either name may come first.
    names = {rule} | (
        {"field_incident_state_has_its_time"} if rule.endswith("state_valid") else set()
    )
    assert any(name in str(refused.value) for name in names)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_database_accepts_every_state_the_lifecycle_reaches(tps_a):
    reached = [
        {},
        {"state": "diverifikasi", "verified_at": _minutes(1)},
        {"state": "ditangani", "verified_at": _minutes(1), "dispatched_at": _minutes(2)},
        {
            "state": "selesai",
            "verified_at": _minutes(1),
            "dispatched_at": _minutes(2),
            "arrived_at": _minutes(3),
            "resolved_at": _minutes(4),
            "resolution": "Massa bubar",
        },
        {"state": "ditolak", "closed_at": _minutes(1), "close_reason": "Laporan palsu"},
    ]

    for fields in reached:
        Incident.objects.create(**_row(tps_a, **fields))

    assert Incident.objects.count() == len(reached)


@pytest.mark.django_db
def test_an_incident_cannot_be_its_own_duplicate(tps_a):
    incident = Incident.objects.create(**_row(tps_a))

    refused = pytest.raises(IntegrityError, match="field_incident_not_its_own_duplicate")
    with refused, transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            state="duplikat", closed_at=_minutes(1), close_reason="x", duplicate_of=incident
        )


@pytest.mark.django_db
def test_a_report_belongs_to_one_incident_at_most(guard, tps_a):
    first = report(guard, tps=tps_a)
    other = Incident.objects.create(**_row(tps_a))

    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentReport.objects.create(incident=other, report=first, at=T0)


# Opening


def test_an_urgent_report_opens_its_incident_by_itself(guard, tps_a):
    sent = report(guard, tps=tps_a)

    incident = Incident.objects.get()
    assert incident.state == "dilaporkan"
    assert incident.reported_at == sent.at
    assert incident.tps == tps_a and incident.kecamatan_id == tps_a.desa.kecamatan_id
    assert incident.severity == Severity.TINGGI
    assert incident.opened_by is None
    assert list(incident.links.values_list("report", flat=True)) == [sent.pk]
    # Opening tells the chain's first level, even when it has nobody to tell (it says so).
    assert list(incident.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.NOTIFIED,
    ]


def test_a_report_that_is_not_urgent_opens_nothing(guard, tps_a):
    report(guard, tps=tps_a, urgent=False)

    assert not Incident.objects.exists()


def test_the_same_report_delivered_twice_opens_one_incident(guard, tps_a, login, field_officer):
    client = login(field_officer)
    same = {"kind": "gangguan", "text": "Ricuh", "urgent": "on", "tps": tps_a.pk}
    same["idempotency_key"] = key()

    first = client.post("/me/lapor/", same, headers={"Accept": "application/json"})
    again = client.post("/me/lapor/", same, headers={"Accept": "application/json"})
    sent = SituationReport.objects.get()
    opened, created = services.incident_open_from_report(report=sent)

    assert (first.status_code, again.status_code) == (201, 200)
    assert created is False
    assert Incident.objects.get() == opened
    assert IncidentReport.objects.count() == 1


def test_a_report_without_a_tps_takes_the_reporters_desa(guard, tps_a):
    sent = report(guard, tps=None)

    incident = Incident.objects.get()
    assert incident.tps is None
    assert incident.desa == guard.unit.desa
    assert incident.links.get().report == sent


# Transitions


def test_the_lifecycle_records_each_step_with_its_time_and_who(
    guard, tps_a, command_staff, settings
):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))

    incident = walk(incident, settings, command_staff, to="selesai")

    incident.refresh_from_db()
    assert incident.state == "selesai"
    assert (incident.verified_at, incident.dispatched_at) == (_minutes(5), _minutes(15))
    assert (incident.arrived_at, incident.resolved_at) == (_minutes(30), _minutes(50))
    assert incident.verified_by == command_staff
    assert incident.dispatch_note == "Tim Sabhara 2"
    assert incident.resolution == "Massa bubar"
    events = list(incident.events.values_list("kind", "by", "at"))
    assert [kind for kind, _by, _at in events] == [
        "created",
        "notified",
        "verified",
        "dispatched",
        "arrived",
        "resolved",
    ]
    assert {by for _kind, by, _at in events[2:]} == {command_staff.pk}
    assert events[0][1] is events[1][1] is None  # opened and escalated by the system


def test_the_response_clock_counts_minutes_from_the_first_report(
    guard, tps_a, command_staff, settings
):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))

    incident = walk(incident, settings, command_staff, to="selesai", minutes=(3, 4, 12, 26))

    assert incident.minutes_to_verify == 3
    assert incident.minutes_to_dispatch == 7
    assert incident.minutes_to_arrive == 19
    assert incident.minutes_to_resolve == 45


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("dilaporkan", lambda i, by: services.incident_arrive(incident=i, by=by)),
        ("dilaporkan", lambda i, by: services.incident_resolve(incident=i, by=by, resolution="x")),
        ("dilaporkan", lambda i, by: services.incident_dispatch_note(incident=i, by=by, note="x")),
        ("diverifikasi", lambda i, by: services.incident_verify(incident=i, by=by)),
        ("ditangani", lambda i, by: services.incident_resolve(incident=i, by=by, resolution="x")),
        ("selesai", lambda i, by: services.incident_reject(incident=i, by=by, reason="x")),
        ("selesai", lambda i, by: services.incident_verify(incident=i, by=by)),
    ],
    ids=[
        "arrive-before-dispatch",
        "resolve-reported",
        "dispatch-unverified",
        "verify-twice",
        "resolve-before-arrival",
        "reject-resolved",
        "verify-resolved",
    ],
)
def test_an_invalid_transition_is_refused_in_indonesian_and_changes_nothing(
    guard, tps_a, command_staff, settings, state, step
):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))
    if state != "dilaporkan":
        incident = walk(incident, settings, command_staff, to=state)
    before = (Incident.objects.filter(pk=incident.pk).values().get(), incident.events.count())

    with pytest.raises(ValidationError) as refused:
        step(incident, command_staff)

    assert "tidak dapat" in refused.value.messages[0]
    assert (
        Incident.objects.filter(pk=incident.pk).values().get(),
        incident.events.count(),
    ) == before


def test_a_transition_works_on_the_locked_row_not_the_stale_object(
    guard, tps_a, command_staff, ops_admin
):
    # Two officers open the board at once: both hold the incident as "dilaporkan".
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))
    theirs = Incident.objects.get(pk=incident.pk)
    services.incident_verify(incident=incident, by=command_staff)

    with pytest.raises(ValidationError):
        services.incident_verify(incident=theirs, by=ops_admin)

    assert Incident.objects.get(pk=incident.pk).verified_by == command_staff
    assert incident.events.filter(kind="verified").count() == 1


def test_a_clock_set_back_before_the_last_step_is_refused(guard, tps_a, command_staff, settings):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))
    incident = walk(incident, settings, command_staff, to="diverifikasi")
    tick(settings, -30)

    with pytest.raises(ValidationError, match="Jam operasi"):
        services.incident_dispatch_note(incident=incident, by=command_staff, note="Tim 1")

    assert Incident.objects.get(pk=incident.pk).state == "diverifikasi"


def test_verification_may_correct_class_and_severity_on_the_timeline(guard, tps_a, command_staff):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))

    services.incident_verify(
        incident=incident,
        by=command_staff,
        incident_class=IncidentClass.BENTROK_MASSA,
        severity=Severity.DARURAT,
        note="Dikonfirmasi Kapolsek lewat telepon",
    )

    incident.refresh_from_db()
    assert (incident.incident_class, incident.severity) == ("bentrok_massa", Severity.DARURAT)
    kinds = list(incident.events.values_list("kind", "data"))
    assert ("class_changed", {"old": "gangguan", "new": "bentrok_massa"}) in kinds
    assert ("severity_changed", {"old": 3, "new": 4}) in kinds


def test_rejecting_needs_a_reason_and_keeps_it(guard, tps_a, command_staff):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))

    with pytest.raises(ValidationError, match="wajib"):
        services.incident_reject(incident=incident, by=command_staff, reason="  ")
    services.incident_reject(incident=incident, by=command_staff, reason="Laporan keliru")

    incident.refresh_from_db()
    assert (incident.state, incident.close_reason) == ("ditolak", "Laporan keliru")
    assert incident.closed_at is not None


def test_a_huge_note_is_refused_with_the_limit(guard, tps_a, command_staff):
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))

    opened = incident.events.count()

    with pytest.raises(ValidationError, match="2000"):
        services.incident_note(incident=incident, by=command_staff, text="x" * 2001)

    assert incident.events.count() == opened


def test_marking_duplicate_points_to_the_original_and_tells_its_timeline(
    guard, tps_a, command_staff
):
    original = Incident.objects.get(links__report=report(guard, tps=tps_a))
    second = Incident.objects.exclude(pk=original.pk).get(links__report=report(guard, tps=tps_a))

    services.incident_mark_duplicate(incident=second, by=command_staff, original=original)

    second.refresh_from_db()
    assert (second.state, second.duplicate_of) == ("duplikat", original)
    assert second.close_reason == f"Duplikat dari {original.number}."
    assert original.events.filter(kind="note", data__duplicate=second.pk).exists()
    with pytest.raises(ValidationError):
        services.incident_mark_duplicate(incident=original, by=command_staff, original=original)
    with pytest.raises(ValidationError, match="sendiri duplikat"):
        services.incident_mark_duplicate(incident=original, by=command_staff, original=second)


def test_merging_reports_joins_them_and_moves_the_clock_to_the_first(
    guard, tps_a, command_staff, settings
):
    early = report(guard, tps=tps_a, urgent=False, text="Ada kerumunan")
    tick(settings, 12)
    incident = Incident.objects.get(links__report=report(guard, tps=tps_a))
    other = report(guard_at(tps_a), tps=tps_a, urgent=False, text="Kerumunan membesar")

    services.incident_merge_reports(incident=incident, reports=[early, other], by=command_staff)

    incident.refresh_from_db()
    assert incident.reported_at == early.at
    assert incident.links.count() == 3
    assert incident.events.filter(kind="merged_report").count() == 2
    with pytest.raises(ValidationError, match="sudah bagian"):
        services.incident_merge_reports(incident=incident, reports=[early], by=command_staff)


def test_a_unit_outside_the_roster_is_recorded_as_text_without_duties(guard, tps_a, command_staff):
    incident = services.incident_verify(
        incident=Incident.objects.get(links__report=report(guard, tps=tps_a)), by=command_staff
    )
    duties = Assignment.objects.count()

    services.incident_dispatch_note(incident=incident, by=command_staff, note="BKO Brimob")

    incident = Incident.objects.get(pk=incident.pk)
    assert incident.state == "ditangani" and incident.dispatch_note == "BKO Brimob"
    assert not incident.responders.exists() and Assignment.objects.count() == duties


def test_after_pasca_the_reporters_words_leave_the_incidents(guard, tps_a, command_staff, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from field.services import field_data_purge

    incident = Incident.objects.get(links__report=report(guard, tps=tps_a, text="Nama saksi X"))
    services.incident_note(incident=incident, by=command_staff, text="Kapolsek menuju lokasi")
    settings.OPSBOARD_NOW = datetime(2025, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))

    field_data_purge()

    incident.refresh_from_db()
    assert "Nama saksi X" not in incident.title
    assert sorted(incident.events.values_list("text", flat=True)) == [
        "",
        "Kapolsek menuju lokasi",
        "Tingkat 1 (Padal / Kapolsek): tidak ada akun untuk diberi tahu.",
    ]
