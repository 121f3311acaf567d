"""Every write of logistics custody: departure, arrival, handover, and the flags they raise.

Each write locks the leg's row (select_for_update) and reads it again under the lock, so two
Posko operators recording the same arrival get one arrival and one refusal. A refusal raises
ValidationError with an Indonesian message and writes nothing; a flag and its incident are
written in the same transaction as the record that raised them.

Exactly one flag (and so one incident) per leg and reason: the leg's lock serialises the
raisers, the unique constraint ``field_logisticsflag_unique`` backs it for whatever bypasses the
lock. Times are the operation clock's (core.clock).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from field.incidents.models import Severity
from field.incidents.services import incident_open_for_logistics
from field.logistics.models import LogisticsFlag, LogisticsLeg, late_grace

Reason = LogisticsFlag.Reason
NAME_MAX = 150
ROLE_MAX = 100


def _locked(leg: LogisticsLeg) -> LogisticsLeg:
    return (
        LogisticsLeg.objects.select_for_update(of=("self",))
        .select_related("batch", "origin", "destination__tps")
        .get(pk=leg.pk)
    )


def _moment(at: datetime | None, *, not_before: datetime | None, what: str) -> datetime:
    now = clock.now()
    at = at or now
    if at > now:
        raise ValidationError(
            _("Waktu %(what)s (%(at)s) melewati jam operasi (%(now)s).")
            % {"what": what, "at": f"{at:%d/%m %H:%M}", "now": f"{now:%d/%m %H:%M}"}
        )
    if not_before is not None and at < not_before:
        raise ValidationError(
            _("Waktu %(what)s (%(at)s) lebih awal dari langkah sebelumnya (%(before)s).")
            % {"what": what, "at": f"{at:%d/%m %H:%M}", "before": f"{not_before:%d/%m %H:%M}"}
        )
    return at


def _count(value: int, label: str) -> int:
    if value is None or value < 0:
        raise ValidationError(_("%(label)s tidak boleh negatif.") % {"label": label})
    return value


@transaction.atomic
def leg_depart(
    *, leg: LogisticsLeg, by, boxes: int, ballots: int, at: datetime | None = None
) -> LogisticsLeg:
    """The batch leaves on this leg with ``boxes`` and ``ballots`` counted at departure."""
    leg = _locked(leg)
    if leg.departed_at is not None:
        raise ValidationError(_("Keberangkatan perjalanan ini sudah dicatat."))
    previous = (
        LogisticsLeg.objects.filter(batch_id=leg.batch_id, order__lt=leg.order)
        .order_by("-order")
        .first()
    )
    if previous is not None and previous.arrived_at is None:
        raise ValidationError(
            _("Perjalanan sebelumnya (urutan %(order)s) belum tiba: kloter belum di titik asal.")
            % {"order": previous.order}
        )
    leg.departed_at = _moment(
        at, not_before=previous.arrived_at if previous else None, what=_("berangkat")
    )
    leg.sent_boxes = _count(boxes, _("Jumlah kotak"))
    leg.sent_ballots = _count(ballots, _("Jumlah surat suara"))
    leg.recorded_by = by
    leg.save(update_fields=["departed_at", "sent_boxes", "sent_ballots", "recorded_by"])
    return leg


@transaction.atomic
def leg_arrive(*, leg: LogisticsLeg, by, at: datetime | None = None) -> LogisticsLeg:
    """The batch arrived at the leg's destination; arriving after the grace flags it late (if
    the beat has not already)."""
    leg = _locked(leg)
    if leg.departed_at is None:
        raise ValidationError(_("Kloter belum dicatat berangkat pada perjalanan ini."))
    if leg.arrived_at is not None:
        raise ValidationError(_("Kedatangan perjalanan ini sudah dicatat."))
    leg.arrived_at = _moment(at, not_before=leg.departed_at, what=_("tiba"))
    leg.recorded_by = by
    leg.save(update_fields=["arrived_at", "recorded_by"])
    if leg.arrived_at > leg.deadline:
        logistics_flag_raise(leg=leg, reason=Reason.LATE, at=leg.arrived_at)
    return leg


@transaction.atomic
def leg_handover(
    *,
    leg: LogisticsLeg,
    by,
    boxes: int,
    ballots: int,
    name: str,
    role: str = "",
    at: datetime | None = None,
) -> LogisticsLeg:
    """The handover at the destination: the counts received and who received them. Counts that
    differ from what left raise a flag and its incident."""
    leg = _locked(leg)
    if leg.arrived_at is None:
        raise ValidationError(_("Serah terima memerlukan kedatangan yang sudah dicatat."))
    if leg.handed_over_at is not None:
        raise ValidationError(_("Serah terima perjalanan ini sudah dicatat."))
    name, role = (name or "").strip(), (role or "").strip()
    if not name:
        raise ValidationError(_("Nama penerima wajib diisi."))
    if len(name) > NAME_MAX or len(role) > ROLE_MAX or "\x00" in name + role:
        raise ValidationError(_("Nama atau jabatan penerima terlalu panjang atau tidak sah."))
    leg.handed_over_at = _moment(at, not_before=leg.arrived_at, what=_("serah terima"))
    leg.received_boxes = _count(boxes, _("Jumlah kotak"))
    leg.received_ballots = _count(ballots, _("Jumlah surat suara"))
    leg.received_by_name, leg.received_by_role = name, role
    leg.recorded_by = by
    leg.save(
        update_fields=[
            "handed_over_at",
            "received_boxes",
            "received_ballots",
            "received_by_name",
            "received_by_role",
            "recorded_by",
        ]
    )
    if not leg.counts_match:
        logistics_flag_raise(leg=leg, reason=Reason.MISMATCH, at=leg.handed_over_at)
    return leg


def _title(leg: LogisticsLeg, reason: str) -> str:
    # Stored data, read by everyone: in Indonesian whatever the writer's language.
    route = f"{leg.origin.name} → {leg.destination.name}"
    if reason == Reason.LATE:
        return f"Logistik terlambat: kloter {leg.batch.code} ({route})"
    return (
        f"Selisih serah terima logistik: kloter {leg.batch.code} ({route}), "
        f"berangkat {leg.sent_boxes} kotak/{leg.sent_ballots} surat suara, "
        f"diterima {leg.received_boxes}/{leg.received_ballots}"
    )


@transaction.atomic
def logistics_flag_raise(
    *, leg: LogisticsLeg, reason: str, at: datetime
) -> tuple[LogisticsFlag, bool]:
    """The leg's flag for ``reason`` with its gangguan_logistik incident, made now if it has
    none; returns it and whether it is new. Idempotent (the leg's lock, the unique flag)."""
    leg = _locked(leg)
    existing = LogisticsFlag.objects.filter(leg=leg, reason=reason).first()
    if existing is not None:
        return existing, False
    severity = Severity.TINGGI if reason == Reason.MISMATCH else Severity.SEDANG
    incident = incident_open_for_logistics(
        title=_title(leg, reason),
        kecamatan_id=leg.batch.kecamatan_id,
        at=at,
        place=leg.destination.incident_place(),
        severity=severity,
    )
    flag = LogisticsFlag.objects.create(leg=leg, reason=reason, raised_at=at, incident=incident)
    return flag, True


def logistics_flag_late(now: datetime | None = None) -> int:
    """Flag every leg not arrived by its planned arrival plus LOGISTICS_LATE_GRACE_MINUTES;
    returns how many flags were new. Run by beat every minute (field.tasks
    .flag_late_logistics_task); idempotent."""
    now = now or clock.now()
    candidates = (
        LogisticsLeg.objects.filter(arrived_at=None, planned_arrival__lt=now - late_grace())
        .exclude(flags__reason=Reason.LATE)
        .values_list("pk", flat=True)
    )
    raised = 0
    for pk in list(candidates):
        with transaction.atomic():
            leg = _locked(LogisticsLeg(pk=pk))
            # Read again under the lock: it may have arrived since the candidates were listed.
            if leg.arrived_at is not None or leg.deadline >= now:
                continue
            raised += logistics_flag_raise(leg=leg, reason=Reason.LATE, at=now)[1]
    return raised
