"""Reads of the notifications for the command's pages: who was told of an incident, at which
level, by which channel, and how each delivery ended (docs/incidents.md, "Delivery status").

Without the contact points: no push endpoint, key or Telegram chat id leaves this module (the
admin's lists, superuser only, have them); an error text is shown with addresses and long
numbers blanked, since a push service's or Telegram's answer may quote them.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from field.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind

IN_APP = "in_app"
CHANNEL_LABELS = {
    IN_APP: _("Di aplikasi"),
    Channel.WEBPUSH: _("Web Push"),
    Channel.TELEGRAM: _("Telegram"),
}
# What the in-app line says: the command's list, or (for a dispatch) the card on /me/.
IN_APP_SHOWN = {False: _("Tampil di daftar"), True: _("Kartu penugasan di halaman tugas")}
STATUS_LABELS = dict(DeliveryStatus.choices)
ERROR_SHOWN = 160
_ADDRESS = re.compile(r"\b(?:https?|wss?)://\S+", re.I)
_LONG_NUMBER = re.compile(r"-?\d{6,}")


@dataclass
class Delivery:
    """One channel of one notification: in-app (the row itself), or a delivery row."""

    channel: str
    label: str
    status: str
    status_label: str
    attempts: int | None = None
    last_error: str = ""
    updated_at: datetime | None = None


@dataclass
class Told:
    """One recipient at one level, with what reached them."""

    level: int
    kind: str
    who: str
    created_at: datetime
    acknowledged_at: datetime | None
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        """The chain's level, or what was told at once outside it (Darurat, Penugasan)."""
        if self.kind == NotificationKind.ESCALATION:
            return str(self.level)
        return str(NotificationKind(self.kind).label)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def failed(self) -> int:
        return sum(d.status == DeliveryStatus.FAILED for d in self.deliveries)


def shown_error(text: str) -> str:
    """The last error without the addresses and chat ids it may quote, cut for a table cell."""
    text = _LONG_NUMBER.sub("…", _ADDRESS.sub("[alamat]", text or ""))
    return text if len(text) <= ERROR_SHOWN else text[: ERROR_SHOWN - 1] + "…"


def _who(row: dict) -> str:
    full = f"{row['recipient__first_name']} {row['recipient__last_name']}".strip()
    username = row["recipient__username"]
    return f"{full} ({username})" if full else username


def incident_deliveries(incident) -> list[Told]:
    """Every notification of the incident by level then recipient, each with its in-app line
    and its deliveries (Web Push per browser, Telegram). One query: the notifications joined
    to their recipients and, outer, to their deliveries."""
    rows = (
        Notification.objects.filter(incident=incident)
        .values(
            "pk",
            "kind",
            "level",
            "created_at",
            "acknowledged_at",
            "recipient__username",
            "recipient__first_name",
            "recipient__last_name",
            "deliveries__pk",
            "deliveries__channel",
            "deliveries__status",
            "deliveries__attempts",
            "deliveries__last_error",
            "deliveries__updated_at",
        )
        .order_by("level", "recipient__username", "pk", "deliveries__channel", "deliveries__pk")
    )
    told: dict[int, Told] = {}
    for row in rows:
        entry = told.get(row["pk"])
        if entry is None:
            entry = told[row["pk"]] = Told(
                level=row["level"],
                kind=row["kind"],
                who=_who(row),
                created_at=row["created_at"],
                acknowledged_at=row["acknowledged_at"],
            )
            # In the app the notification is there from its creation: the list shows it.
            entry.deliveries.append(
                Delivery(
                    IN_APP,
                    str(CHANNEL_LABELS[IN_APP]),
                    DeliveryStatus.SENT,
                    str(IN_APP_SHOWN[row["kind"] == NotificationKind.DISPATCH]),
                    updated_at=row["created_at"],
                )
            )
        if row["deliveries__pk"] is None:
            continue
        channel = row["deliveries__channel"]
        same = sum(d.channel == channel for d in entry.deliveries)
        label = str(CHANNEL_LABELS.get(channel, channel))
        if same:  # a second browser of the same person
            label = f"{label} ({same + 1})"
        entry.deliveries.append(
            Delivery(
                channel,
                label,
                row["deliveries__status"],
                str(STATUS_LABELS.get(row["deliveries__status"], row["deliveries__status"])),
                attempts=row["deliveries__attempts"],
                last_error=shown_error(row["deliveries__last_error"]),
                updated_at=row["deliveries__updated_at"],
            )
        )
    return list(told.values())
