"""Election morning's incidents for the demo: a few situation reports and the incidents they
raised, in every state of the lifecycle, so that the incident board is not empty at 09.00.

All synthetic, and labelled so: each report's text ends "(laporan sintetis)", each incident's
summary "(sintetis)"; demo_delete removes them by these labels. The times are election day's
(27 November 2024, WIB), before the 09.00 that `make run` pins the clock to. Rows are made
directly, like the rest of the seed: the services read the operation clock, the seed does not.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from deployments.models import Assignment, Force
from field.incidents.models import (
    EventKind,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    Severity,
)
from field.models import SituationReport

REPORT_LABEL = " (laporan sintetis)"
INCIDENT_LABEL = " (sintetis)"
MORNING = datetime(2024, 11, 27, 0, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
S = IncidentState

# (kecamatan code, report kind, urgent, text, class, severity, state, reported at "HH:MM",
#  minutes after the report to each step reached: verify, dispatch, arrive, resolve)
SCENES = [
    (
        "357101",
        "gangguan",
        True,
        "Kotak suara belum tiba, KPPS menunggu",
        IncidentClass.GANGGUAN_LOGISTIK,
        Severity.TINGGI,
        S.SELESAI,
        "07:12",
        (4, 8, 29, 43),
    ),
    (
        "357102",
        "lainnya",
        False,
        "Listrik padam di TPS, pemungutan tetap jalan",
        IncidentClass.GANGGUAN,
        Severity.RENDAH,
        S.DITOLAK,
        "07:30",
        (6,),
    ),
    (
        "357103",
        "hoaks",
        True,
        "Pesan berantai: TPS dipindah ke balai desa",
        IncidentClass.HOAKS,
        Severity.SEDANG,
        S.DITANGANI,
        "07:48",
        (5, 17),
    ),
    (
        "357101",
        "gangguan",
        True,
        "Massa pendukung berkumpul 50 m dari TPS",
        IncidentClass.UNJUK_RASA,
        Severity.SEDANG,
        S.DI_LOKASI,
        "08:20",
        (4, 10, 24),
    ),
    (
        "357101",
        "gangguan",
        False,
        "Kerumunan di dekat TPS, teriak-teriak",
        IncidentClass.GANGGUAN,
        Severity.RENDAH,
        S.DUPLIKAT,
        "08:26",
        (9,),
    ),
    (
        "350601",
        "gangguan",
        True,
        "Dugaan bagi-bagi uang di gang dekat TPS",
        IncidentClass.PELANGGARAN_PEMILU,
        Severity.TINGGI,
        S.DIVERIFIKASI,
        "08:41",
        (9,),
    ),
    (
        "357102",
        "gangguan",
        True,
        "Adu mulut antarpendukung di depan TPS",
        IncidentClass.BENTROK_MASSA,
        Severity.DARURAT,
        S.DILAPORKAN,
        "08:52",
        (),
    ),
]
STEP_FIELDS = ("verified_at", "dispatched_at", "arrived_at", "resolved_at")
STEP_EVENTS = (EventKind.VERIFIED, EventKind.DISPATCHED, EventKind.ARRIVED, EventKind.RESOLVED)


def _at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return MORNING + timedelta(hours=hours, minutes=minutes)


def _guard_in(kecamatan_code: str) -> Assignment | None:
    """A Linmas guarding a TPS of the kecamatan (the first by TPS number), or None."""
    return (
        Assignment.objects.filter(
            personnel__force=Force.LINMAS, tps__desa__kecamatan__code=kecamatan_code
        )
        .select_related("personnel")
        .prefetch_related("tps__desa")
        .order_by("pk")
        .first()
    )


def incidents_create() -> int:
    """The morning's reports and incidents; returns how many incidents."""
    kabagops = get_user_model().objects.filter(username="kabagops").first()
    made: list[Incident] = []
    for code, kind, urgent, text, cls, severity, state, hhmm, steps in SCENES:
        duty = _guard_in(code)
        if duty is None:
            continue
        tps = duty.tps.all()[0]
        at = _at(hhmm)
        report = SituationReport.objects.create(
            person=duty.personnel,
            tps=tps,
            kind=kind,
            text=text + REPORT_LABEL,
            urgent=urgent,
            at=at,
            idempotency_key=uuid.uuid4(),
        )
        times = {
            field: at + timedelta(minutes=m) for field, m in zip(STEP_FIELDS, steps, strict=False)
        }
        incident = Incident(
            title=f"{text} · {tps}{INCIDENT_LABEL}",
            incident_class=cls,
            severity=severity,
            state=state,
            tps=tps,
            desa=tps.desa,
            kecamatan_id=tps.desa.kecamatan_id,
            reported_at=at,
            opened_by=None if urgent else kabagops,
            verified_by=kabagops if "verified_at" in times else None,
            **_closing(state, at, steps, made),
        )
        if state in (S.SELESAI, S.DITOLAK, S.DUPLIKAT):
            times = {k: v for k, v in times.items() if k == "verified_at" or state == S.SELESAI}
        for field, value in times.items():
            setattr(incident, field, value)
        if incident.dispatched_at:
            incident.dispatch_note = "Tim Sabhara Polres (2 personel, sintetis)"
        if state == S.SELESAI:
            incident.resolution = "Kotak suara tiba dikawal patroli; pemungutan mulai 07.55."
        incident.save()
        IncidentReport.objects.create(incident=incident, report=report, at=at)
        events = [IncidentEvent(incident=incident, kind=EventKind.CREATED, at=at, report=report)]
        for field, kind_ in zip(STEP_FIELDS, STEP_EVENTS, strict=True):
            if getattr(incident, field):
                events.append(
                    IncidentEvent(
                        incident=incident, kind=kind_, at=getattr(incident, field), by=kabagops
                    )
                )
        if incident.closed_at:
            closing = EventKind.DUPLICATE if state == S.DUPLIKAT else EventKind.REJECTED
            events.append(
                IncidentEvent(
                    incident=incident,
                    kind=closing,
                    at=incident.closed_at,
                    by=kabagops,
                    text=incident.close_reason,
                )
            )
        IncidentEvent.objects.bulk_create(events)
        made.append(incident)
    return len(made)


def _closing(state, at: datetime, steps, made: list[Incident]) -> dict:
    if state == S.DITOLAK:
        return {
            "closed_at": at + timedelta(minutes=steps[0] + 2),
            "close_reason": "Listrik menyala lagi; bukan gangguan kamtibmas (sintetis).",
        }
    if state == S.DUPLIKAT:
        crowd = next(i for i in made if i.incident_class == IncidentClass.UNJUK_RASA)
        return {
            "closed_at": at + timedelta(minutes=steps[0]),
            "close_reason": f"Kerumunan yang sama dengan {crowd.number} (sintetis).",
            "duplicate_of": crowd,
        }
    return {}


def incidents_delete() -> int:
    """The demo's incidents and their reports, by their labels."""
    incidents = Incident.objects.filter(title__endswith=INCIDENT_LABEL)
    # Duplicates point to their original (PROTECT): they go first.
    count = incidents.exclude(duplicate_of=None).delete()[1].get("field.Incident", 0)
    count += incidents.delete()[1].get("field.Incident", 0)
    SituationReport.objects.filter(text__endswith=REPORT_LABEL).delete()
    return count
