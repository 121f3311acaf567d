"""The seam between a notification and the ways out of the app: one Channel per way (Web Push,
Telegram), registered by name. delivery.py asks every enabled channel for its recipient's
targets, writes one NotificationDelivery per target, and later hands each row to its channel's
send(). A channel reports how a send ended only through its exceptions, so that retrying and
giving up stay in one place (delivery.delivery_attempt).

Adding a channel (SMS, WhatsApp): a module with targets() and send(), a Channel choice, and
register() at the bottom of that module, imported in CHANNEL_MODULES below.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from field.notifications.models import Notification, NotificationDelivery


class DeliveryError(Exception):
    """The send failed, and trying again later may work (a timeout, a 5xx, a refused
    connection)."""


class DeliveryRefused(DeliveryError):
    """The send failed for good: retrying the same request would fail the same way (a 4xx, a
    key the service does not accept)."""


class TargetGone(DeliveryRefused):
    """The target no longer exists (a push service's 404/410): the channel has deactivated it,
    and nothing more is sent there."""


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: a readable label, unique per notification and channel, and
    the push subscription when there is one."""

    label: str
    subscription_id: int | None = None


@dataclass(frozen=True)
class Channel:
    name: str
    # Whether the channel is configured at all (a key, a token); a disabled one gets no rows.
    enabled: Callable[[], bool]
    targets: Callable[["Notification"], list[Target]]
    # Sends one delivery; returns on success, raises DeliveryError (or a subclass) otherwise.
    send: Callable[["NotificationDelivery"], None]


_REGISTRY: dict[str, Channel] = {}
CHANNEL_MODULES = ("field.notifications.webpush", "field.notifications.telegram")


def register(channel: Channel) -> Channel:
    _REGISTRY[channel.name] = channel
    return channel


def channels() -> dict[str, Channel]:
    """Every registered channel by name (the channel modules register on first use)."""
    for module in CHANNEL_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)
