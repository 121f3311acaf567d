"""Writes of turnout reports (issue #19): a TPS's closing pengguna hak pilih.

History is kept: every report is a row, and reads take the latest per (TPS, source)."""

import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.formats import WIB
from deployments.models import Personnel
from field.services import guard_assignment
from field.turnout.models import COUNT_HOURS, TurnoutCount, TurnoutReport
from tps.models import TPS


def turnout_max_voters(dpt: int) -> int:
    """DPT plus the allowed additions (DPTb/DPK), settings.FIELD_TURNOUT_ADDITIONS_PERCENT of it."""
    return dpt + math.ceil(dpt * settings.FIELD_TURNOUT_ADDITIONS_PERCENT / 100)


def _bound_error(voters_used: int, max_voters: int) -> ValidationError:
    if voters_used < 0:
        return ValidationError(_("Pengguna hak pilih tidak boleh negatif."))
    return ValidationError(
        _("Pengguna hak pilih (%(n)s) melebihi DPT ditambah tambahan (%(m)s).")
        % {"n": voters_used, "m": max_voters}
    )


@transaction.atomic
def turnout_report(
    *,
    tps: TPS,
    voters_used: int,
    source: str,
    by,
    idempotency_key: uuid.UUID,
    person: Personnel | None = None,
) -> tuple[TurnoutReport, bool]:
    """Record a TPS's closing figure once per idempotency key; returns it and whether it is new.

    `source` officer: `person` must guard `tps` now (the same check as situation reports).
    `source` posko: the caller has already fetched `tps` through the Posko's scope.
    A later report for the same TPS and source supersedes the earlier in reads; both rows stay.
    """
    existing = TurnoutReport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    _check_source(source, person=person, tps=tps)
    # The DPT is read from the TPS now and copied: a later DPT edit must not move old bounds.
    dpt = tps.registered_voters
    max_voters = turnout_max_voters(dpt)
    if not 0 <= voters_used <= max_voters:
        raise _bound_error(voters_used, max_voters)
    report = TurnoutReport(
        tps=tps,
        reported_by=by,
        source=source,
        voters_used=voters_used,
        dpt=dpt,
        max_voters=max_voters,
        reported_at=clock.now(),
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        # The same key arrived twice at once: the first one is the record.
        first = TurnoutReport.objects.filter(idempotency_key=idempotency_key).first()
        if first is not None:
            return first, False
        # Otherwise the bound constraint refused it (a DPT edited between read and write).
        raise _bound_error(voters_used, max_voters) from exc
    return report, True


def _check_source(source: str, *, person: Personnel | None, tps: TPS) -> None:
    if source not in (TurnoutReport.Source.OFFICER, TurnoutReport.Source.POSKO):
        raise ValidationError(_("Sumber laporan kehadiran tidak dikenal."))
    if source == TurnoutReport.Source.OFFICER:
        if person is None:
            raise ValidationError(_("Laporan petugas memerlukan petugasnya."))
        guard_assignment(person, tps, at=clock.now())


def _hour_taken(hour: int) -> ValidationError:
    return ValidationError(
        _("Hitungan pukul %(h)02d.00 untuk TPS ini sudah tercatat.") % {"h": hour}
    )


@transaction.atomic
def turnout_count_record(
    *,
    tps: TPS,
    hour: int,
    voters_so_far: int,
    source: str,
    by,
    idempotency_key: uuid.UUID,
    person: Personnel | None = None,
) -> tuple[TurnoutCount, bool]:
    """Record a KPPS's hourly count once per key; one per TPS, hour and source (a second count
    of the same hour is refused, not summed), of an hour the operation clock has reached.
    Bounded like the closing report."""
    existing = TurnoutCount.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    _check_source(source, person=person, tps=tps)
    if hour not in COUNT_HOURS:
        raise ValidationError(_("Jam hitungan harus antara 07.00 dan 13.00 WIB."))
    # Up to the operation clock's hour, as /me/ offers (officer_form_state): a count of a
    # later hour would be guessed, and the unique hour would then lock the real one out.
    if hour > clock.now().astimezone(WIB).hour:
        raise ValidationError(
            _("Hitungan pukul %(h)02d.00 belum dapat dicatat: jamnya belum tiba.") % {"h": hour}
        )
    dpt = tps.registered_voters
    max_voters = turnout_max_voters(dpt)
    if not 0 <= voters_so_far <= max_voters:
        raise _bound_error(voters_so_far, max_voters)
    if TurnoutCount.objects.filter(tps=tps, hour=hour, source=source).exists():
        raise _hour_taken(hour)
    count = TurnoutCount(
        tps=tps,
        hour=hour,
        voters_so_far=voters_so_far,
        source=source,
        dpt=dpt,
        max_voters=max_voters,
        reported_by=by,
        reported_at=clock.now(),
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            count.save()
    except IntegrityError as exc:
        first = TurnoutCount.objects.filter(idempotency_key=idempotency_key).first()
        if first is not None:
            return first, False
        if TurnoutCount.objects.filter(tps=tps, hour=hour, source=source).exists():
            raise _hour_taken(hour) from exc
        raise _bound_error(voters_so_far, max_voters) from exc
    return count, True
