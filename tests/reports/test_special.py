"""The special report (laporan khusus): drafted by the beat for each notable incident of the day
that ended (or at once by the command), its facts read from the incident's record without the
reporters' names or words, signed off and locked (service and trigger), corrected by revision."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from field.incidents.models import IncidentState, Severity
from field.incidents.services import incident_open_from_report, incident_verify
from field.services import situation_report_create
from opsboard.reports.models import SpecialReport
from opsboard.reports.special import (
    incident_facts,
    special_report_generate,
    special_report_revise,
    special_report_sign,
    special_report_update,
)
from opsboard.tasks import generate_special_reports_task
from tests.reports.helpers import BEFORE, DAY, at, incident

pytestmark = pytest.mark.django_db

WORDS = "Pak Sutrisno dari RT 03 melihat kotak suara dibawa lari"


@pytest.fixture
def notable(election_day, tps_a, command_staff):
    found = incident(
        tps_a, "bentrok_massa", at(DAY, 8, 30), severity=Severity.TINGGI, opened_by=command_staff
    )
    return incident_verify(incident=found, by=command_staff, note="Dikonfirmasi Kapolsek")


def _signed(report, by):
    special_report_update(report=report, data={"summary": "Dua kelompok bentrok."}, by=by)
    return special_report_sign(report=report, by=by)


def test_the_beat_drafts_one_report_per_notable_incident_of_the_day_that_ended(
    election_day, tps_a, tps_b, settings
):
    urgent = incident(tps_a, "bentrok_massa", at(DAY, 8), severity=Severity.TINGGI)
    darurat = incident(tps_b, "kejahatan", at(DAY, 23, 59), severity=Severity.DARURAT)
    incident(tps_a, "gangguan", at(DAY, 9), severity=Severity.SEDANG)  # not notable
    incident(
        tps_a,
        "kejahatan",
        at(DAY, 10),
        severity=Severity.DARURAT,
        state=IncidentState.DITOLAK,
        closed_at=at(DAY, 11),
        close_reason="Laporan palsu",
    )
    incident(tps_a, "kejahatan", at(BEFORE, 22), severity=Severity.DARURAT)  # another day

    assert generate_special_reports_task(DAY.isoformat()) == 2
    assert generate_special_reports_task(DAY.isoformat()) == 0  # the beat firing twice

    assert set(SpecialReport.objects.values_list("incident_id", flat=True)) == {
        urgent.pk,
        darurat.pk,
    }
    entry = settings.CELERY_BEAT_SCHEDULE["special-reports"]
    assert entry["task"] == "opsboard.tasks.generate_special_reports_task"
    assert entry["schedule"] == settings.CELERY_BEAT_SCHEDULE["daily-report"]["schedule"]


def test_the_minimum_severity_is_a_setting(election_day, tps_a, settings):
    settings.SPECIAL_REPORT_MIN_SEVERITY = Severity.DARURAT
    tinggi = incident(tps_a, "bentrok_massa", at(DAY, 8), severity=Severity.TINGGI)

    with pytest.raises(ValidationError) as error:
        special_report_generate(incident=tinggi)

    assert "Darurat" in str(error.value)
    assert not SpecialReport.objects.exists()


def test_drafting_twice_returns_the_one_report(notable):
    first, created = special_report_generate(incident=notable)
    again, created_again = special_report_generate(incident=notable)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and SpecialReport.objects.count() == 1


def test_the_facts_are_the_incidents_record(notable):
    report, _created = special_report_generate(incident=notable)

    facts = report.facts
    assert facts == incident_facts(notable.pk)
    assert facts["number"] == notable.number
    assert facts["class"] == {"code": "bentrok_massa", "label": "Bentrok massa"}
    assert facts["severity"] == {"value": 3, "label": "Tinggi"}
    assert facts["state"]["code"] == "diverifikasi"
    assert facts["place"]["kecamatan"] == {"code": "357101", "name": "Mojoroto"}
    assert facts["place"]["tps"] == str(notable.tps)
    assert facts["reported_at"] == "2024-11-27T08:30:00+07:00"
    assert [step["minutes"] for step in facts["clock"]] == [30, None, None, None]
    assert [e["text"] for e in facts["events"]] == ["Dikonfirmasi Kapolsek"]
    assert report.subject == notable.title  # opened by a person: their title


def test_the_facts_keep_no_reporter_name_nor_words(election_day, field_officer, tps_a):
    """The UU PDP purge strips reporters and their words from the field record; a signed
    report could not give them up, so it never holds them."""
    person = field_officer.personnel
    report, _new = situation_report_create(
        person=person,
        tps=tps_a,
        kind="gangguan",
        text=WORDS,
        urgent=True,
        idempotency_key=uuid.uuid4(),
    )
    opened, _new = incident_open_from_report(report=report)

    special, _created = special_report_generate(incident=opened)

    stored = json.dumps(special.facts) + special.subject
    assert opened.severity == Severity.TINGGI and opened.title  # made from the report
    assert "Sutrisno" not in stored and "kotak suara" not in stored
    assert person.name not in stored and person.identifier not in stored
    assert special.facts["reports"] == {
        "count": 1,
        "urgent": 1,
        "via_posko": 0,
        "first_at": "2024-11-27T09:00:00+07:00",
    }
    assert special.subject == f"Gangguan di {tps_a}"


def test_signing_needs_the_gist_and_then_locks(notable, command_staff):
    report, _created = special_report_generate(incident=notable)
    with pytest.raises(ValidationError) as missing:
        special_report_sign(report=report, by=command_staff)
    assert "pokok kejadian" in str(missing.value)

    _signed(report, command_staff)

    for change in (
        lambda: special_report_update(report=report, data={"analysis": "X"}, by=command_staff),
        lambda: special_report_sign(report=report, by=command_staff),
    ):
        with pytest.raises(ValidationError) as locked:
            change()
        assert "terkunci" in str(locked.value)
    report.refresh_from_db()
    assert report.analysis == "" and report.signed_by_name == "kabagops"


@pytest.mark.parametrize(
    "change",
    [{"summary": "Diubah lewat shell"}, {"facts": {}}, {"signed_at": None, "signed_by_name": ""}],
)
def test_an_update_of_a_signed_report_is_refused_by_the_database(notable, command_staff, change):
    report = _signed(special_report_generate(incident=notable)[0], command_staff)

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        SpecialReport.objects.filter(pk=report.pk).update(**change)

    assert "opsboard_specialreport_signed_locked" in str(error.value)
    report.refresh_from_db()
    assert report.summary == "Dua kelompok bentrok." and report.is_signed


def test_a_draft_may_be_updated_and_a_signature_needs_its_gist_in_the_database(notable):
    report, _created = special_report_generate(incident=notable)
    SpecialReport.objects.filter(pk=report.pk).update(analysis="Draf")

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        SpecialReport.objects.filter(pk=report.pk).update(
            signed_at=report.generated_at, signed_by_name="kabagops"
        )

    assert "opsboard_specialreport_signed_has_signer" in str(error.value)
    report.refresh_from_db()
    assert report.analysis == "Draf" and not report.is_signed


def test_a_correction_reads_the_facts_again_and_the_signed_one_stays(notable, command_staff):
    report = _signed(special_report_generate(incident=notable)[0], command_staff)
    notable.refresh_from_db()
    notable.severity = Severity.DARURAT
    notable.save(update_fields=["severity"])

    correction = special_report_revise(report=report, reason="Tingkat naik", by=command_staff)

    report.refresh_from_db()
    assert (correction.revision, correction.revises_id) == (1, report.pk)
    assert correction.summary == report.summary and not correction.is_signed
    assert correction.facts["severity"]["label"] == "Darurat"
    assert report.facts["severity"]["label"] == "Tinggi"
    assert list(SpecialReport.objects.current()) == [correction]
    with pytest.raises(ValidationError):
        special_report_revise(report=report, reason="Lagi", by=command_staff)
    with pytest.raises(ValidationError):
        special_report_revise(report=correction, reason="Masih draf", by=command_staff)


def test_a_revision_without_reason_is_refused_by_the_database(notable, command_staff):
    report = _signed(special_report_generate(incident=notable)[0], command_staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialReport.objects.create(
            incident=notable,
            revision=1,
            revises=report,
            subject="X",
            generated_at=report.generated_at,
        )

    assert SpecialReport.objects.count() == 1


def test_an_incident_deleted_takes_its_reports_with_it(notable, command_staff):
    """No path of the product deletes an incident; the demo's reset removes its synthetic ones,
    and must not be stopped by a report and its correction (the trigger refuses updates, not
    deletes)."""
    report = _signed(special_report_generate(incident=notable)[0], command_staff)
    special_report_revise(report=report, reason="Koreksi", by=command_staff)

    notable.delete()

    assert not SpecialReport.objects.exists()
