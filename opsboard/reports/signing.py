"""What the daily and the special report share: a draft is edited and signed off under its row
lock, a signed one refuses both with an Indonesian message (the database's trigger is the
guarantee behind it), and a correction is allowed only of the latest signed revision, with its
reason."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.formats import author_name
from opsboard.reports.models import SignedReport

Report = TypeVar("Report", bound=SignedReport)


def _locked_draft(report: Report, locked_message) -> Report:
    row = type(report).objects.select_for_update().get(pk=report.pk)
    if row.is_signed:
        raise ValidationError(locked_message)
    return row


@transaction.atomic
def draft_update(
    *, report: Report, data: Mapping[str, Any], by, editable: Iterable[str], locked_message
) -> Report:
    """Write the ``editable`` sections of a draft from ``data`` (text stripped). Refused once
    signed."""
    row = _locked_draft(report, locked_message)
    names = list(editable)
    for name in names:
        if name in data:
            value = data[name]
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.edited_by_name = author_name(by)
    row.full_clean(validate_constraints=False)
    row.save(update_fields=[*names, "edited_by_name"])
    return row


@transaction.atomic
def draft_sign(*, report: Report, by, locked_message, summary_missing) -> Report:
    """Sign the draft off: from now on it is locked. Needs its summary."""
    row = _locked_draft(report, locked_message)
    if not row.summary.strip():
        raise ValidationError({"summary": summary_missing})
    row.signed_at = clock.now()
    row.signed_by = by
    row.signed_by_name = author_name(by)
    row.save(update_fields=["signed_at", "signed_by", "signed_by_name"])
    return row


def correctable(report: Report, reason: str) -> Report:
    """The signed report to correct, locked for the correction's transaction; refused if it is
    a draft, already corrected, or no reason is given."""
    row = type(report).objects.select_for_update().get(pk=report.pk)
    if not row.is_signed:
        raise ValidationError(_("Laporan belum ditandatangani: ubah drafnya langsung."))
    if type(report).objects.filter(revises=row).exists():
        raise ValidationError(
            _("Laporan ini sudah dikoreksi oleh revisi %(n)s; koreksi revisi terakhir.")
            % {"n": row.revision + 1}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan koreksi.")})
    return row
