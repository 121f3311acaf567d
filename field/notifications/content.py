"""What a notification says outside the app: short, in Indonesian, with the incident's number
and title and the link to its page. The same words for every channel; Telegram's text passes
through Telegram's servers, so it holds nothing beyond what the board's list shows."""

from django.urls import reverse
from django.utils.translation import gettext as _

from field.notifications.models import PANIC_LEVEL, Notification


def incident_path(notification: Notification) -> str:
    return reverse("field:incident_detail", kwargs={"pk": notification.incident_id})


def title(notification: Notification) -> str:
    incident = notification.incident
    return _("Kejadian %(number)s: %(title)s") % {
        "number": incident.number,
        "title": incident.title,
    }


def body(notification: Notification) -> str:
    incident = notification.incident
    if notification.level == PANIC_LEVEL:
        return _("Darurat · %(kecamatan)s · rekan menekan tombol darurat. Mohon segera bantu.") % {
            "kecamatan": incident.kecamatan.name if incident.kecamatan_id else "—",
        }
    return _("%(severity)s · %(kecamatan)s · eskalasi tingkat %(level)s. Mohon ditanggapi.") % {
        "severity": incident.get_severity_display(),
        "kecamatan": incident.kecamatan.name if incident.kecamatan_id else "—",
        "level": notification.level,
    }


def push_payload(notification: Notification) -> dict:
    """The JSON the service worker reads on `push` (static/field/sw.js)."""
    return {
        "title": title(notification),
        "body": body(notification),
        "url": incident_path(notification),
        "tag": f"incident-{notification.incident_id}",
        "incident": notification.incident_id,
        "level": notification.level,
    }
