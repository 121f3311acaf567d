"""What a notification says outside the app: short, in Indonesian, with the incident's number
and title and the link to open. The same words for every channel; Telegram's text passes
through Telegram's servers, so it holds nothing beyond what the board's list shows."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import Role, access_of
from field.notifications.models import Notification, NotificationKind


def incident_path(notification: Notification) -> str:
    """Where a tap leads: a field officer's own page (their dispatch card is on top, the
    incident page is the command's), everyone else the incident's page."""
    if access_of(notification.recipient).role is Role.FIELD:
        return reverse("opsboard:me") + "#kejadian"
    return reverse("field:incident_detail", kwargs={"pk": notification.incident_id})


def title(notification: Notification) -> str:
    incident = notification.incident
    return _("Kejadian %(number)s: %(title)s") % {
        "number": incident.number,
        "title": incident.title,
    }


def body(notification: Notification) -> str:
    incident = notification.incident
    kecamatan = incident.kecamatan.name if incident.kecamatan_id else "—"
    if notification.kind == NotificationKind.PANIC:
        return _("Darurat · %(kecamatan)s · rekan menekan tombol darurat. Mohon segera bantu.") % {
            "kecamatan": kecamatan,
        }
    if notification.kind == NotificationKind.DISPATCH:
        return _(
            "%(severity)s · %(kecamatan)s · Anda dikirim ke kejadian ini. Buka halaman tugas "
            "untuk lokasi dan langkah Anda."
        ) % {"severity": incident.get_severity_display(), "kecamatan": kecamatan}
    return _("%(severity)s · %(kecamatan)s · eskalasi tingkat %(level)s. Mohon ditanggapi.") % {
        "severity": incident.get_severity_display(),
        "kecamatan": kecamatan,
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
        "kind": notification.kind,
    }
