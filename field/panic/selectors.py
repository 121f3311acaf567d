"""Reads of the panic for the field officer's phone: the teammates' and nearby reserves'
panics they were told of (field.panic.services._tell_team_and_reserves), on top of /me/."""

from deployments.models import Personnel
from field.incidents.models import OPEN_STATES
from field.notifications.models import Notification, NotificationKind

# A phone's page is small; three calls for help at once is already more than one person answers.
PANICS_SHOWN = 3


def panics_told(person: Personnel) -> list[Notification]:
    """Open panics the person was told of, newest first, each with its incident's place: shown
    until the incident ends. One query; none for a person without an account."""
    if person.user_id is None:
        return []
    return list(
        Notification.objects.filter(
            recipient_id=person.user_id,
            kind=NotificationKind.PANIC,
            incident__state__in=OPEN_STATES,
        )
        .select_related("incident__tps__desa", "incident__desa", "incident__kecamatan")
        .defer(
            "incident__tps__desa__boundary",
            "incident__desa__boundary",
            "incident__kecamatan__boundary",
        )
        .order_by("-created_at", "-pk")[:PANICS_SHOWN]
    )
