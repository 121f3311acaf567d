"""The escalation chain: notify level 1 when an urgent incident opens, the next level when
nobody acknowledged within its rule's minutes, stop at the first acknowledgement.

Idempotent under concurrency: each run locks the incident row, and EscalationStep's unique
(incident, level) refuses a second step even if a lock were bypassed.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core import clock
from core.access import GROUP_COMMAND, GROUP_POLSEK
from field.incidents.models import OPEN_STATES, EventKind, Incident, IncidentEvent, Severity
from field.notifications.delivery import notifications_send
from field.notifications.models import (
    Audience,
    EscalationRule,
    EscalationStep,
    Notification,
    NotificationKind,
)

URGENT = Severity.TINGGI


def rules_for(incident_class: str) -> list[EscalationRule]:
    """The class's own chain if it has one, else the default (blank class) chain."""
    own = list(EscalationRule.objects.filter(incident_class=incident_class).order_by("level"))
    return own or list(EscalationRule.objects.filter(incident_class="").order_by("level"))


def _recipients(incident: Incident, audience: str):
    users = get_user_model().objects.filter(is_active=True)
    if audience == Audience.POLSEK:
        return users.filter(
            groups__name=GROUP_POLSEK, staff_profile__unit__kecamatan_id=incident.kecamatan_id
        )
    return users.filter(groups__name=GROUP_COMMAND)


def _notify(incident: Incident, rule: EscalationRule, at: datetime) -> EscalationStep:
    step = EscalationStep.objects.create(
        incident=incident, level=rule.level, role_label=rule.role_label, notified_at=at
    )
    recipients = list(_recipients(incident, rule.audience).distinct())
    notifications_send(
        incident=incident,
        recipient_ids=[u.pk for u in recipients],
        kind=NotificationKind.ESCALATION,
        level=rule.level,
        at=at,
    )
    # A level with nobody to tell still says so: the command reading the timeline must know
    # that the Polsek was not told, not assume it was.
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
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.NOTIFIED,
        at=at,
        text=text,
        data={"level": rule.level, "recipients": [u.pk for u in recipients]},
    )
    return step


def _acknowledged(incident: Incident) -> bool:
    return incident.events.filter(kind=EventKind.ACKNOWLEDGED).exists()


@transaction.atomic
def escalate_incident(incident: Incident, now: datetime) -> EscalationStep | None:
    """Tell the next level of this incident's chain if it is due; returns the new step."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.state not in OPEN_STATES or incident.severity < URGENT:
        return None
    if _acknowledged(incident):
        return None
    rules = rules_for(incident.incident_class)
    last = incident.escalation_steps.order_by("-level").first()
    following = [r for r in rules if last is None or r.level > last.level]
    if not following:
        return None
    rule = following[0]
    since = incident.reported_at if last is None else last.notified_at
    if last is not None and now < since + timedelta(minutes=rule.wait_minutes):
        return None
    return _notify(incident, rule, now)


def escalation_start(incident: Incident) -> None:
    """The hook of a new incident: an urgent one tells its first level at once."""
    if incident.severity >= URGENT:
        escalate_incident(incident, clock.now())


def escalate_due(now: datetime | None = None) -> int:
    """Every open urgent unacknowledged incident whose next level is due; returns how many
    levels were told. Run by beat every minute (field.tasks.escalate_due_task)."""
    now = now or clock.now()
    candidates = (
        Incident.objects.filter(state__in=OPEN_STATES, severity__gte=URGENT)
        .exclude(events__kind=EventKind.ACKNOWLEDGED)
        .values_list("pk", flat=True)
        .distinct()
    )
    told = 0
    for pk in list(candidates):
        if escalate_incident(Incident(pk=pk), now) is not None:
            told += 1
    return told


@transaction.atomic
def acknowledge(*, incident_id: int, user) -> Incident:
    """Someone who may handle the incident answers: the chain stops, every open escalation
    notification of it is marked answered (one person on it is what the chain asks for), the
    timeline says who. A panic's notices to the team and a dispatch's to the people sent are
    theirs to answer, not the command's, and stay as they are. A second acknowledgement changes
    nothing; another kecamatan's incident is a 404."""
    incident = Incident.objects.visible_to(user).select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise Http404(_("Kejadian tidak ditemukan."))
    if _acknowledged(incident):
        return incident
    now = clock.now()
    pending = Notification.objects.filter(
        incident=incident, kind=NotificationKind.ESCALATION, acknowledged_at=None
    )
    latest = pending.order_by("-created_at").values_list("created_at", flat=True).first()
    now = max(now, latest) if latest is not None else now
    pending.update(acknowledged_at=now)
    IncidentEvent.objects.create(
        incident=incident, kind=EventKind.ACKNOWLEDGED, at=now, by=user, text=_("Ditanggapi.")
    )
    return incident
