"""Election morning's incidents for the demo: a few situation reports and the incidents they
raised, in every state of the lifecycle, so that the incident board is not empty at 09.00.

All synthetic, and labelled so: each report's text ends "(laporan sintetis)", each incident's
summary "(sintetis)"; demo_delete removes them by these labels. The times are election day's
(27 November 2024, WIB), before the 09.00 that `make run` pins the clock to. Rows are made
directly, like the rest of the seed: the services read the operation clock, the seed does not.

Two exceptions, so that what a newcomer sees is what the services make:
- the hoax at Pesantren is handled by a **reserve pair** sent with the real dispatch service
  (field.dispatch.services.incident_dispatch, the clock held at 08.05 for it): their reserve
  duty shows relieved ("Ditarik"), their dispatch duty runs, the incident names them. Without
  the demo accounts (no OPSBOARD_DEMO_PASSWORD) nobody can send them and the note stays text.
- the urgent incidents (Tinggi, Darurat) carry their **escalation** as of 09.00: each level of
  the chain (field.notifications, EscalationRule) told when its minutes had passed without an
  answer, the notifications of the accounts it reached, the timeline's lines; the first
  command step (verification) is the answer that stops it. The newest, a Darurat at 08.52 not
  yet verified, has reached Kabag Ops unanswered: the notification badge shows it.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from core.access import GROUP_COMMAND, GROUP_POLSEK
from demo.forces import POLRI_OFFICER_RANKS
from demo.posts import CADANGAN_POLRES
from deployments.models import Assignment, Force, PostKind
from field.dispatch.services import incident_dispatch
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
from field.notifications.escalation import rules_for
from field.notifications.models import Audience, EscalationStep, Notification

REPORT_LABEL = " (laporan sintetis)"
INCIDENT_LABEL = " (sintetis)"
MORNING = datetime(2024, 11, 27, 0, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NINE = MORNING + timedelta(hours=9)  # the demo's operation clock (Makefile OPSBOARD_NOW)
RESERVE_NOTE = "Klarifikasi ke KPPS dan warga di TPS (sintetis)"
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
        Severity.TINGGI,  # a quarrel at the TPS: urgent, not a panic (darurat rings the alarm)
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
    reserve = _reserve_pair() if kabagops is not None else []
    made: list[Incident] = []
    for code, kind, urgent, text, cls, severity, state, hhmm, steps in SCENES:
        duty = _guard_in(code)
        if duty is None:
            continue
        send_reserve = state == S.DITANGANI and len(reserve) == 2
        if send_reserve:  # verified only: the service does the dispatch below
            state, steps, dispatch_after = S.DIVERIFIKASI, steps[:1], steps[1]
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
        if send_reserve:
            with override_settings(OPSBOARD_NOW=at + timedelta(minutes=dispatch_after)):
                incident_dispatch(
                    incident=incident, by=kabagops, personnel_ids=reserve, note=RESERVE_NOTE
                )
            incident.refresh_from_db()
        if severity >= Severity.TINGGI:
            _escalation(incident, kabagops)
        made.append(incident)
    return len(made)


def _reserve_pair() -> list[int]:
    """Two Polri of the Polres reserve (Dalmas Sat Samapta), on duty all election day."""
    return list(
        Assignment.objects.filter(
            kind=PostKind.CADANGAN,
            post__name=CADANGAN_POLRES,
            status=Assignment.Status.ACTIVE,
            personnel__force=Force.POLRI,
            starts_at__lte=NINE,
            ends_at__gt=NINE,
        )
        .exclude(personnel__rank__in=POLRI_OFFICER_RANKS)  # NCOs go, the officers lead
        .order_by("personnel__identifier")
        .values_list("personnel_id", flat=True)[:2]
    )


def _recipients(incident: Incident, audience: str) -> list:
    """Who a level tells, as field.notifications.escalation finds them."""
    users = get_user_model().objects.filter(is_active=True)
    if audience == Audience.POLSEK:
        users = users.filter(
            groups__name=GROUP_POLSEK, staff_profile__unit__kecamatan_id=incident.kecamatan_id
        )
    else:
        users = users.filter(groups__name=GROUP_COMMAND)
    return list(users.distinct().order_by("pk"))


def _escalation(incident: Incident, kabagops) -> None:
    """The chain as the escalation would have run it until 09.00 (or until the answer): each
    level once its minutes passed, its notifications and its timeline line, as
    field.notifications.escalation._notify writes them; the verification is the answer."""
    answered = incident.verified_at if kabagops is not None else None
    ended = incident.resolved_at or incident.closed_at
    stop = min(t for t in (answered, ended, NINE) if t is not None)
    steps, notifications, events = [], [], []
    at = incident.reported_at
    for rule in rules_for(incident.incident_class):
        if rule.level > 1:
            at += timedelta(minutes=rule.wait_minutes)
        if at > stop or (rule.level > 1 and at == stop):
            break
        steps.append(
            EscalationStep(
                incident=incident, level=rule.level, role_label=rule.role_label, notified_at=at
            )
        )
        recipients = _recipients(incident, rule.audience)
        notifications += [
            Notification(
                recipient=user,
                incident=incident,
                level=rule.level,
                created_at=at,
                acknowledged_at=answered,
            )
            for user in recipients
        ]
        if recipients:
            text = _("Tingkat %(level)s (%(role)s) diberi tahu: %(count)s akun.") % {
                "level": rule.level,
                "role": rule.role_label,
                "count": len(recipients),
            }
        else:
            text = _("Tingkat %(level)s (%(role)s): tidak ada akun untuk diberi tahu.") % {
                "level": rule.level,
                "role": rule.role_label,
            }
        events.append(
            IncidentEvent(
                incident=incident,
                kind=EventKind.NOTIFIED,
                at=at,
                text=text,
                data={"level": rule.level, "recipients": [u.pk for u in recipients]},
            )
        )
    if answered is not None and answered <= NINE:
        events.append(
            IncidentEvent(
                incident=incident,
                kind=EventKind.ACKNOWLEDGED,
                at=answered,
                by=kabagops,
                text=_("Ditanggapi."),
            )
        )
    EscalationStep.objects.bulk_create(steps)
    Notification.objects.bulk_create(notifications)
    IncidentEvent.objects.bulk_create(events)


def late_ballot_tps_ids() -> set[int]:
    """The TPS whose ballot box came late (the logistics incident): it opened at 07.55."""
    return set(
        Incident.objects.filter(
            title__endswith=INCIDENT_LABEL, incident_class=IncidentClass.GANGGUAN_LOGISTIK
        ).values_list("tps_id", flat=True)
    )


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
