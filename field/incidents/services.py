"""Every write of incident command: typed, keyword-only, atomic, one timeline line each.

Each transition locks the incident's row (select_for_update) and reads its state again under
the lock: two officers pressing "verifikasi" at once get one verification and one refusal, not
two timeline lines. A refused transition raises ValidationError with an Indonesian message and
changes nothing. Times are the operation clock's (core.clock); a step may not come before the
one it follows (the database refuses it too: field_incident_*_after_* constraints).
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from deployments.models import Assignment
from field.dispatch.closing import incident_dispatches_end
from field.incidents.models import (
    NOTE_MAX,
    OPEN_STATES,
    EventKind,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    Severity,
)
from field.models import SituationReport
from field.notifications.escalation import escalation_start
from field.panic.models import PanicAlert

S = IncidentState

ANONYMISED = "(dianonimkan)"

# What a report's kind suggests; the command reclassifies when it verifies.
CLASS_OF_KIND = {
    SituationReport.Kind.GANGGUAN: IncidentClass.GANGGUAN,
    SituationReport.Kind.HOAKS: IncidentClass.HOAKS,
    SituationReport.Kind.LAINNYA: IncidentClass.GANGGUAN,
    SituationReport.Kind.AMAN: IncidentClass.GANGGUAN,
}


def _text(value: str, *, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
    if len(value) > NOTE_MAX:
        raise ValidationError(
            _("%(label)s terlalu panjang: paling banyak %(max)s karakter, terkirim %(n)s.")
            % {"label": label, "max": NOTE_MAX, "n": len(value)}
        )
    if "\x00" in value:
        raise ValidationError(_("%(label)s berisi karakter yang tidak sah.") % {"label": label})
    return value


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _require(incident: Incident, states: Sequence[str], action: str) -> None:
    if incident.state not in states:
        raise ValidationError(
            _("%(number)s berstatus %(state)s: tidak dapat %(action)s.")
            % {"number": incident.number, "state": incident.get_state_display(), "action": action}
        )


def _now_after(incident: Incident, previous: datetime | None) -> datetime:
    """The operation clock's now, refused when it lies before the step it follows (a clock
    set back, a demo pinned earlier than the report)."""
    at = clock.now()
    if previous is not None and at < previous:
        raise ValidationError(
            _("Jam operasi (%(now)s) lebih awal dari langkah sebelumnya %(number)s.")
            % {"now": f"{at:%d/%m %H:%M}", "number": incident.number}
        )
    return at


def _event(incident: Incident, kind: str, *, at: datetime, by=None, text="", report=None, **data):
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, at=at, by=by, text=text, report=report, data=data
    )


def _place_of(report: SituationReport, at: datetime) -> dict:
    """Where the report's event is: its TPS; else the post of the reporter's duty at the time;
    else the reporter's unit's or home desa. Empty when none of them is known."""
    if report.tps_id is not None:
        tps = report.tps
        return {"tps": tps, "desa": tps.desa, "kecamatan_id": tps.desa.kecamatan_id}
    person = report.person
    if person is None:
        return {}
    duty = (
        Assignment.objects.duties_of(person, at=at)
        .filter(post__desa__isnull=False)
        .select_related("post__desa")
        .order_by("starts_at")
        .first()
    )
    desa = duty.post.desa if duty is not None else None
    desa = desa or (person.unit.desa if person.unit_id and person.unit.desa_id else None)
    desa = desa or person.home_desa
    if desa is None:
        return {}
    return {"desa": desa, "kecamatan_id": desa.kecamatan_id}


@transaction.atomic
def incident_open_from_report(
    *,
    report: SituationReport,
    by=None,
    incident_class: str | None = None,
    severity: int | None = None,
    title: str = "",
) -> tuple[Incident, bool]:
    """The incident the report raised, opened now if it has none; returns it and whether it is
    new. ``by`` None: opened by the system (an urgent report from the field).

    Idempotent: the report's row is locked, so the same report delivered twice at once (the
    phone's offline queue resending) opens one incident; the unique report of IncidentReport
    backs it.
    """
    report = (
        SituationReport.objects.select_for_update(of=("self",))
        .select_related("tps__desa")
        .get(pk=report.pk)
    )
    existing = IncidentReport.objects.filter(report=report).select_related("incident").first()
    if existing is not None:
        return existing.incident, False
    place = _place_of(report, report.at)
    if not place:
        raise ValidationError(_("Laporan tanpa TPS atau wilayah: tempat kejadian tidak diketahui."))
    if incident_class is not None and incident_class not in IncidentClass.values:
        raise ValidationError(_("Golongan kejadian tidak dikenal."))
    if severity is not None and severity not in Severity.values:
        raise ValidationError(_("Tingkat kejadian tidak dikenal."))
    summary = _text(title, label=_("Ringkasan")) or _title_of(report)
    incident = Incident.objects.create(
        title=summary[:200],
        incident_class=incident_class or CLASS_OF_KIND[report.kind],
        severity=severity or (Severity.TINGGI if report.urgent else Severity.SEDANG),
        reported_at=report.at,
        opened_by=by,
        **place,
    )
    try:
        with transaction.atomic():
            IncidentReport.objects.create(incident=incident, report=report, at=clock.now())
    except IntegrityError:  # pragma: no cover - the row lock above makes this unreachable
        raise ValidationError(_("Laporan ini sudah menjadi bagian dari kejadian lain.")) from None
    _event(incident, EventKind.CREATED, at=report.at, by=by, report=report, text=report.text[:200])
    escalation_start(incident)
    return incident, True


@transaction.atomic
def incident_open_for_logistics(
    *,
    title: str,
    kecamatan_id: int,
    at: datetime,
    place: dict,
    severity: int = Severity.SEDANG,
) -> Incident:
    """A gangguan_logistik incident opened by the system for a logistics leg (a leg late
    against its plan, a handover whose counts differ: field.logistics.services). ``place``
    gives ``tps_id``/``desa_id`` or ``latitude``/``longitude``. The caller holds the leg's lock
    and the unique flag row that makes it one incident per leg and reason."""
    incident = Incident.objects.create(
        title=_text(title, label=_("Ringkasan"), required=True)[:200],
        incident_class=IncidentClass.GANGGUAN_LOGISTIK,
        severity=severity,
        reported_at=at,
        opened_by=None,
        kecamatan_id=kecamatan_id,
        **place,
    )
    _event(incident, EventKind.CREATED, at=at, text=incident.title)
    escalation_start(incident)
    return incident


def _title_of(report: SituationReport) -> str:
    where = str(report.tps) if report.tps_id else _("tanpa TPS")
    first = report.text.splitlines()[0][:80] if report.text else ""
    return f"{report.get_kind_display()} · {where}" + (f": {first}" if first else "")


def report_raises_incident(report: SituationReport) -> bool:
    """An urgent report opens an incident by itself (docs/incidents.md)."""
    return report.urgent


@transaction.atomic
def incident_verify(
    *,
    incident: Incident,
    by,
    incident_class: str | None = None,
    severity: int | None = None,
    note: str = "",
) -> Incident:
    """Confirmed by the command (a call-back, a second report): dilaporkan → diverifikasi;
    the class and severity may be corrected at the same time."""
    incident = _locked(incident)
    _require(incident, [S.DILAPORKAN], _("diverifikasi"))
    note = _text(note, label=_("Catatan"))
    at = _now_after(incident, incident.reported_at)
    _reclassify(incident, by=by, at=at, incident_class=incident_class, severity=severity)
    incident.state, incident.verified_at, incident.verified_by = S.DIVERIFIKASI, at, by
    incident.save(
        update_fields=["state", "verified_at", "verified_by", "incident_class", "severity"]
    )
    _event(incident, EventKind.VERIFIED, at=at, by=by, text=note)
    return incident


@transaction.atomic
def incident_dispatch_note(*, incident: Incident, by, note: str) -> Incident:
    """A unit sent that Opsboard does not hold person by person (a Sabhara team, BKO Brimob
    from the Polda), recorded as the command wrote it: diverifikasi → ditangani.

    People of the roster are sent with field.dispatch.services.incident_dispatch instead: a
    temporary duty each, under the no-double-booking rule, with the coverage they leave."""
    incident = _locked(incident)
    _require(incident, [S.DIVERIFIKASI], _("dikirimi unit"))
    note = _text(note, label=_("Yang dikirim"), required=True)
    at = _now_after(incident, incident.verified_at)
    incident.state, incident.dispatched_at, incident.dispatch_note = S.DITANGANI, at, note
    incident.save(update_fields=["state", "dispatched_at", "dispatch_note"])
    _event(incident, EventKind.DISPATCHED, at=at, by=by, text=note, responders=[])
    return incident


@transaction.atomic
def incident_arrive(*, incident: Incident, by, note: str = "") -> Incident:
    """The unit reports it is there: ditangani → di lokasi."""
    incident = _locked(incident)
    _require(incident, [S.DITANGANI], _("ditandai tiba"))
    note = _text(note, label=_("Catatan"))
    at = _now_after(incident, incident.dispatched_at)
    incident.state, incident.arrived_at = S.DI_LOKASI, at
    incident.save(update_fields=["state", "arrived_at"])
    _event(incident, EventKind.ARRIVED, at=at, by=by, text=note)
    return incident


@transaction.atomic
def incident_resolve(*, incident: Incident, by, resolution: str) -> Incident:
    """Handled, with what was done: di lokasi → selesai."""
    incident = _locked(incident)
    _require(incident, [S.DI_LOKASI], _("diselesaikan"))
    resolution = _text(resolution, label=_("Hasil penanganan"), required=True)
    at = _now_after(incident, incident.arrived_at)
    incident.state, incident.resolved_at, incident.resolution = S.SELESAI, at, resolution
    incident.save(update_fields=["state", "resolved_at", "resolution"])
    _release_responders(incident, at=at, by=by)
    _event(incident, EventKind.RESOLVED, at=at, by=by, text=resolution)
    return incident


def _release_responders(incident: Incident, *, at: datetime, by) -> None:
    """The people sent to it are free again from the moment it ends (docs/incidents.md); a
    panic it answered closes, so the person's next press opens a new incident."""
    incident_dispatches_end(incident, at=at, by=by)
    PanicAlert.objects.filter(incident=incident, is_open=True).update(is_open=False, closed_at=at)


def _close(incident: Incident, *, by, state: str, reason: str, kind: str, original=None):
    at = _now_after(incident, incident.reported_at)
    incident.state, incident.closed_at, incident.close_reason = state, at, reason
    incident.duplicate_of = original
    incident.save(update_fields=["state", "closed_at", "close_reason", "duplicate_of"])
    _release_responders(incident, at=at, by=by)
    extra = {"duplicate_of": original.pk} if original is not None else {}
    _event(incident, kind, at=at, by=by, text=reason, **extra)
    return incident


@transaction.atomic
def incident_reject(*, incident: Incident, by, reason: str) -> Incident:
    """Not an incident (a false alarm, a hoax that is only talk), with the reason."""
    incident = _locked(incident)
    _require(incident, OPEN_STATES, _("ditolak"))
    reason = _text(reason, label=_("Alasan"), required=True)
    return _close(incident, by=by, state=S.DITOLAK, reason=reason, kind=EventKind.REJECTED)


@transaction.atomic
def incident_mark_duplicate(
    *, incident: Incident, by, original: Incident, reason: str = ""
) -> Incident:
    """The same event as ``original`` (two reports opened two incidents): closed, pointing to
    it. The original stays as it is; its timeline says so."""
    if original.pk == incident.pk:
        raise ValidationError(_("Kejadian tidak dapat menjadi duplikat dirinya sendiri."))
    # Both rows, in primary-key order: two officers marking each other's at once cannot
    # deadlock, and cannot make two incidents duplicates of each other.
    locked = {
        i.pk: i
        for i in Incident.objects.select_for_update()
        .filter(pk__in=[incident.pk, original.pk])
        .order_by("pk")
    }
    incident, original = locked[incident.pk], locked[original.pk]
    _require(incident, OPEN_STATES, _("ditandai duplikat"))
    if original.state == S.DUPLIKAT:
        raise ValidationError(
            _("%(number)s sendiri duplikat; pilih kejadian aslinya.") % {"number": original.number}
        )
    reason = _text(reason, label=_("Alasan")) or _("Duplikat dari %(number)s.") % {
        "number": original.number
    }
    _close(
        incident,
        by=by,
        state=S.DUPLIKAT,
        reason=reason,
        kind=EventKind.DUPLICATE,
        original=original,
    )
    _event(
        original,
        EventKind.NOTE,
        at=incident.closed_at,
        by=by,
        text=_("%(number)s ditandai duplikat kejadian ini.") % {"number": incident.number},
        duplicate=incident.pk,
    )
    return incident


@transaction.atomic
def incident_merge_reports(
    *, incident: Incident, reports: Sequence[SituationReport], by
) -> Incident:
    """More reports of the same event joined to the incident; an earlier report moves the
    start of its response clock back to it. A report already in an incident is refused (mark
    that incident duplikat instead)."""
    incident = _locked(incident)
    _require(incident, OPEN_STATES, _("digabungi laporan"))
    ids = sorted({r.pk for r in reports})
    if not ids:
        raise ValidationError(_("Pilih laporan yang akan digabung."))
    rows = list(SituationReport.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    taken = dict(
        IncidentReport.objects.filter(report_id__in=ids).values_list("report_id", "incident_id")
    )
    if taken:
        raise ValidationError(
            _("Laporan %(reports)s sudah bagian dari kejadian lain.")
            % {"reports": ", ".join(f"#{pk}" for pk in sorted(taken))}
        )
    at = clock.now()
    IncidentReport.objects.bulk_create(
        IncidentReport(incident=incident, report=report, at=at) for report in rows
    )
    earliest = min(report.at for report in rows)
    if earliest < incident.reported_at:
        incident.reported_at = earliest
        incident.save(update_fields=["reported_at"])
    for report in rows:
        _event(
            incident, EventKind.MERGED_REPORT, at=at, by=by, report=report, text=report.text[:200]
        )
    return incident


@transaction.atomic
def incident_note(*, incident: Incident, by, text: str) -> IncidentEvent:
    """A line on the timeline: a call made, what the reporter said, anything worth keeping."""
    incident = _locked(incident)
    text = _text(text, label=_("Catatan"), required=True)
    return _event(incident, EventKind.NOTE, at=clock.now(), by=by, text=text)


def _reclassify(incident, *, by, at, incident_class=None, severity=None) -> None:
    if incident_class is not None and incident_class != incident.incident_class:
        if incident_class not in IncidentClass.values:
            raise ValidationError(_("Golongan kejadian tidak dikenal."))
        _event(
            incident,
            EventKind.CLASS_CHANGED,
            at=at,
            by=by,
            old=incident.incident_class,
            new=incident_class,
        )
        incident.incident_class = incident_class
    if severity is not None and severity != incident.severity:
        if severity not in Severity.values:
            raise ValidationError(_("Tingkat kejadian tidak dikenal."))
        _event(
            incident, EventKind.SEVERITY_CHANGED, at=at, by=by, old=incident.severity, new=severity
        )
        incident.severity = severity


@transaction.atomic
def incident_reclassify(
    *, incident: Incident, by, incident_class: str | None = None, severity: int | None = None
) -> Incident:
    """The class or the severity corrected while the incident is open."""
    incident = _locked(incident)
    _require(incident, OPEN_STATES, _("diubah"))
    _reclassify(incident, by=by, at=clock.now(), incident_class=incident_class, severity=severity)
    incident.save(update_fields=["incident_class", "severity"])
    return incident


def incident_texts_purge() -> None:
    """Retention (field.services.field_data_purge): the report texts copied into timelines, and
    the summaries made from them when an urgent report opened its incident, are removed."""
    IncidentEvent.objects.exclude(report=None).exclude(text="").update(text="")
    Incident.objects.filter(opened_by=None).exclude(title=ANONYMISED).update(title=ANONYMISED)
