"""The Web Push channel: VAPID (RFC 8292) signed, aes128gcm (RFC 8291) encrypted messages to
the browsers and phones that subscribed (PushSubscription), through pywebpush.

The server's key comes from settings.WEBPUSH_VAPID_PRIVATE_KEY. Without it the channel is
disabled (one log line per process says so) and the page offers no subscription; a broken key
is an error of `manage.py check` (field.checks), never a 500 of a request.
"""

import functools
import json
import logging
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid, b64urlencode
from pywebpush import WebPushException, webpush

from field.notifications import content
from field.notifications.channels import (
    Channel,
    DeliveryError,
    DeliveryRefused,
    Target,
    TargetGone,
    register,
)
from field.notifications.models import Notification, NotificationDelivery, PushSubscription

logger = logging.getLogger(__name__)

# A phone that is off gets the message when it is back, for up to this long; after that an
# incident's alarm is news of the past (the in-app list still has it).
TTL_SECONDS = 60 * 60


@functools.cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


def vapid() -> Vapid | None:
    """The server's VAPID key, or None when Web Push is off. Raises ValueError (and friends) on
    a key that is set but unreadable; field.checks reports that at start-up."""
    key = settings.WEBPUSH_VAPID_PRIVATE_KEY.strip()
    if not key:
        _log_disabled()
        return None
    return _vapid(key)


@functools.cache
def _log_disabled() -> None:
    # Once per process: every urgent incident would repeat it otherwise.
    logger.warning(
        "Web Push is disabled: WEBPUSH_VAPID_PRIVATE_KEY is not set (docs/deploy.md, "
        "'Notifications'). The in-app list and the other channels still work."
    )


def enabled() -> bool:
    try:
        return vapid() is not None
    except Exception:  # any unreadable key (cryptography's errors vary): off, never a 500
        logger.exception("Web Push is disabled: WEBPUSH_VAPID_PRIVATE_KEY cannot be read")
        return False


def application_server_key() -> str:
    """The public half, base64url of the uncompressed point: what the browser's
    pushManager.subscribe() takes as applicationServerKey. Empty when Web Push is off."""
    if not enabled():
        return ""
    return _public_key(settings.WEBPUSH_VAPID_PRIVATE_KEY.strip())


@functools.cache
def _public_key(private_key: str) -> str:
    # Per key, once per process: /me/ (every phone's page) and the board offer it on each visit.
    raw = _vapid(private_key).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64urlencode(raw)


def endpoint_allowed(endpoint: str) -> bool:
    """An https endpoint on a push service of WEBPUSH_ENDPOINT_HOSTS (a name, or a
    ".suffix"): the server POSTs there, so an address inside our network is refused."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return False
    for allowed in settings.WEBPUSH_ENDPOINT_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def targets(notification: Notification) -> list[Target]:
    subscriptions = PushSubscription.objects.filter(
        user_id=notification.recipient_id, deactivated_at=None
    ).order_by("pk")
    return [
        Target(label=f"{urlsplit(s.endpoint).hostname} #{s.pk}", subscription_id=s.pk)
        for s in subscriptions
    ]


def _failed(subscription: PushSubscription) -> None:
    subscription.last_failure_at = timezone.now()
    subscription.save(update_fields=["last_failure_at"])


def send(delivery: NotificationDelivery) -> None:
    subscription = delivery.subscription
    if subscription is None or not subscription.is_active:
        raise TargetGone("langganan push sudah dihapus atau nonaktif")
    key = vapid()
    if key is None:
        raise DeliveryRefused("Web Push dimatikan (WEBPUSH_VAPID_PRIVATE_KEY kosong)")
    payload = json.dumps(content.push_payload(delivery.notification), ensure_ascii=False)
    try:
        webpush(
            subscription_info=subscription.as_subscription_info(),
            data=payload,
            vapid_private_key=key,
            # A fresh dict each time: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=TTL_SECONDS,
            timeout=settings.NOTIFICATION_SEND_TIMEOUT,
            headers={"Urgency": "high"},
        )
    except WebPushException as exc:
        _failed(subscription)
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            # The browser unsubscribed or the subscription expired (RFC 8030 §7.3): stop.
            subscription.deactivated_at = timezone.now()
            subscription.save(update_fields=["deactivated_at"])
            raise TargetGone(f"layanan push menjawab {status}: langganan berakhir") from exc
        if status is not None and 400 <= status < 500 and status != 429:
            raise DeliveryRefused(f"layanan push menolak: {status}") from exc
        raise DeliveryError(f"layanan push: {status or exc}") from exc
    except requests.RequestException as exc:  # refused, timed out, DNS
        _failed(subscription)
        raise DeliveryError(f"layanan push tidak terjangkau: {exc.__class__.__name__}") from exc
    subscription.last_success_at = timezone.now()
    subscription.save(update_fields=["last_success_at"])


register(Channel(name="webpush", enabled=enabled, targets=targets, send=send))
