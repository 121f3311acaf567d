"""Writes of the daily report: generate (the beat's, idempotent), edit, sign, revise.

The figures are read once, when a report (or a correction) is generated, and stored: what the
Kabag Ops signs is what the report keeps saying. The text sections are edited until signing;
after that the row is locked (here with an Indonesian message, in the database by a trigger),
and a correction is a new revision that points to the report it corrects.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.formats import WIB, author_name
from opsboard.reports.figures import daily_figures, scope_reader
from opsboard.reports.models import POLRES, REPORT_LOCKED, DailyReport
from opsboard.reports.signing import correctable, draft_sign, draft_update
from tps.models import Kecamatan

EDITABLE = ("summary", "activities_note", "traffic_accidents", "traffic_note")


def report_day_due(now=None) -> date:
    """The day the beat reports on: the Asia/Jakarta day that ended before ``now`` (the
    operation clock): at 06.00 on 28 Nov the report of 27 Nov."""
    moment = now or clock.now()
    return timezone.localtime(moment, WIB).date() - timedelta(days=1)


def _scope(kecamatan) -> str:
    return POLRES if kecamatan is None else kecamatan.code


def daily_report_generate(*, day: date, kecamatan=None) -> tuple[DailyReport, bool]:
    """The day's report of the scope (the Polres unless a kecamatan is given), generated from
    the product's data if it does not exist yet; (report, created). Idempotent: a second call,
    or a second beat racing the first, returns the one report and changes nothing."""
    scope_code = _scope(kecamatan)
    existing = DailyReport.objects.filter(day=day, scope_code=scope_code, revision=0).first()
    if existing is not None:
        return existing, False
    report = DailyReport(
        day=day,
        scope_code=scope_code,
        kecamatan=kecamatan,
        figures=daily_figures(scope_reader(kecamatan), day=day),
        generated_at=clock.now(),
    )
    report.full_clean(validate_constraints=False)
    try:
        # A savepoint: the unique constraint decides between two beats, and the loser's
        # transaction stays usable.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return DailyReport.objects.get(day=day, scope_code=scope_code, revision=0), False
    return report, True


def daily_reports_generate_due(*, day: date) -> DailyReport:
    """The beat's: the Polres's report of the day and each kecamatan's (its Polsek's), those
    that do not exist yet. Returns the Polres's."""
    polres, _created = daily_report_generate(day=day)
    for kecamatan in Kecamatan.objects.only("code", "name").order_by("code"):
        daily_report_generate(day=day, kecamatan=kecamatan)
    return polres


def daily_report_update(*, report: DailyReport, data: Mapping[str, Any], by) -> DailyReport:
    """The Kabag Ops edits the text sections (and the hand-entered traffic accidents) of a
    draft. Refused once signed."""
    return draft_update(
        report=report, data=data, by=by, editable=EDITABLE, locked_message=REPORT_LOCKED
    )


def daily_report_sign(*, report: DailyReport, by) -> DailyReport:
    """Sign the draft off: from now on it is locked. Needs a situation summary."""
    return draft_sign(
        report=report,
        by=by,
        locked_message=REPORT_LOCKED,
        summary_missing=_("Tuliskan ringkasan situasi sebelum laporan ditandatangani."),
    )


@transaction.atomic
def daily_report_revise(*, report: DailyReport, reason: str, by) -> DailyReport:
    """A correction of a signed report: a new draft of the same day and scope, the next
    revision, pointing to the one it corrects, with the texts copied and the figures read
    again (a late incident is the usual reason). The corrected report stays as signed."""
    row = correctable(report, reason)
    correction = DailyReport(
        day=row.day,
        scope_code=row.scope_code,
        kecamatan=row.kecamatan,
        revision=row.revision + 1,
        revises=row,
        reason=reason.strip(),
        figures=daily_figures(scope_reader(row.kecamatan), day=row.day),
        generated_at=clock.now(),
        edited_by_name=author_name(by),
        **{name: getattr(row, name) for name in EDITABLE},
    )
    correction.full_clean(validate_constraints=False)
    correction.save()
    return correction
