"""Review and sign-off: the Kabag Ops edits a draft and signs it; a signed report is refused
by the service and by the database (a trigger); a correction is a new revision that points to
the one it corrects."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from opsboard.reports.models import DailyReport
from opsboard.reports.services import (
    daily_report_generate,
    daily_report_revise,
    daily_report_sign,
    daily_report_update,
)
from tests.reports.helpers import DAY, at, incident, two_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(election_day):
    return daily_report_generate(day=DAY)[0]


def _signed(report, by):
    daily_report_update(report=report, data={"summary": "Situasi aman terkendali."}, by=by)
    return daily_report_sign(report=report, by=by)


def test_the_kabag_ops_edits_the_text_sections_of_a_draft(draft, command_staff):
    daily_report_update(
        report=draft,
        data={"summary": "  Aman.  ", "traffic_accidents": 2, "traffic_note": "Laka ringan"},
        by=command_staff,
    )

    draft.refresh_from_db()
    assert (draft.summary, draft.traffic_accidents, draft.traffic_note) == (
        "Aman.",
        2,
        "Laka ringan",
    )
    assert draft.edited_by_name == "kabagops"


def test_signing_needs_a_situation_summary(draft, command_staff):
    with pytest.raises(ValidationError) as error:
        daily_report_sign(report=draft, by=command_staff)

    assert "ringkasan situasi" in str(error.value)
    draft.refresh_from_db()
    assert not draft.is_signed


def test_a_signed_report_without_summary_is_refused_by_the_database(draft):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        DailyReport.objects.filter(pk=draft.pk).update(
            signed_at=draft.generated_at, signed_by_name="kabagops"
        )

    assert "opsboard_dailyreport_signed_has_signer" in str(error.value)
    draft.refresh_from_db()
    assert not draft.is_signed


def test_an_edit_after_sign_off_is_refused_by_the_service(draft, command_staff):
    _signed(draft, command_staff)

    with pytest.raises(ValidationError) as error:
        daily_report_update(report=draft, data={"summary": "Diubah"}, by=command_staff)
    with pytest.raises(ValidationError):
        daily_report_sign(report=draft, by=command_staff)

    assert "terkunci" in str(error.value)
    draft.refresh_from_db()
    assert draft.summary == "Situasi aman terkendali."


@pytest.mark.parametrize(
    "change",
    [{"summary": "Diubah lewat shell"}, {"figures": {}}, {"signed_at": None, "signed_by_name": ""}],
)
def test_an_update_of_a_signed_report_is_refused_by_the_database(draft, command_staff, change):
    _signed(draft, command_staff)

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        DailyReport.objects.filter(pk=draft.pk).update(**change)

    assert "opsboard_dailyreport_signed_locked" in str(error.value)
    draft.refresh_from_db()
    assert draft.summary == "Situasi aman terkendali." and draft.is_signed


def test_a_draft_may_still_be_updated_in_the_database(draft):
    DailyReport.objects.filter(pk=draft.pk).update(summary="Draf")

    draft.refresh_from_db()
    assert draft.summary == "Draf"


def test_a_correction_is_a_new_revision_pointing_to_the_one_it_corrects(
    draft, command_staff, tps_a, tps_b
):
    _signed(draft, command_staff)
    two_days(tps_a, tps_b)  # incidents entered late, after the sign-off

    correction = daily_report_revise(
        report=draft, reason="Kejadian terlambat dilaporkan", by=command_staff
    )

    draft.refresh_from_db()
    assert (correction.revision, correction.revises_id, correction.day) == (1, draft.pk, DAY)
    assert not correction.is_signed and correction.summary == draft.summary
    assert correction.figures["incidents"]["total"] == 4  # read again
    assert draft.figures["incidents"]["total"] == 0  # the signed one as it was signed
    assert list(DailyReport.objects.current()) == [correction]
    daily_report_update(report=correction, data={"summary": "Dikoreksi"}, by=command_staff)


def test_only_the_latest_signed_revision_may_be_corrected(draft, command_staff):
    with pytest.raises(ValidationError):
        daily_report_revise(report=draft, reason="Belum", by=command_staff)
    _signed(draft, command_staff)
    daily_report_revise(report=draft, reason="Koreksi pertama", by=command_staff)

    with pytest.raises(ValidationError):
        daily_report_revise(report=draft, reason="Koreksi kedua", by=command_staff)
    with pytest.raises(ValidationError):
        daily_report_revise(report=draft.corrected_by, reason="Draf", by=command_staff)

    assert DailyReport.objects.count() == 2


def test_a_revision_without_reason_is_refused_by_the_database(draft, command_staff):
    _signed(draft, command_staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        DailyReport.objects.create(
            day=DAY, revision=1, revises=draft, figures={}, generated_at=draft.generated_at
        )
    with pytest.raises(ValidationError):
        daily_report_revise(report=draft, reason="   ", by=command_staff)


def test_the_signed_report_keeps_its_figures_after_new_data(draft, command_staff, tps_a):
    _signed(draft, command_staff)

    incident(tps_a, "bencana", at(DAY, 9))

    draft.refresh_from_db()
    assert draft.figures["incidents"]["bencana"] == 0
