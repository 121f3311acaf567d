"""Browsers and phones that subscribe to their account's notifications (Web Push): the JSON
of PushSubscription.toJSON() checked field by field, and a refusal that writes nothing.

Who: the accounts that get notifications outside the app: the command's readers (Polsek staff,
command staff, admins) and field officers, who are told on their phones when they are sent to
an incident or a teammate presses the panic button (the views' subscriber_required).
"""

import base64
import binascii
import json

from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from field.notifications.models import PushSubscription
from field.notifications.webpush import enabled, endpoint_allowed

MAX_BODY_BYTES = 4096  # a real subscription is about 400 bytes
MAX_ENDPOINT = 1024
MAX_PER_USER = 20  # a person's phones and browsers; more is someone scripting the endpoint


class SubscriptionRefused(Exception):
    """A refused request: its Indonesian message and HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _b64url(value, size: int, message: str) -> bytes:
    if not isinstance(value, str) or len(value) > 2 * size:
        raise SubscriptionRefused(message)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise SubscriptionRefused(message) from None
    if len(raw) != size:
        raise SubscriptionRefused(message)
    return raw


def parse(body: bytes, *, endpoint_only: bool = False) -> dict:
    """The fields of a subscription's JSON, or SubscriptionRefused."""
    if len(body) > MAX_BODY_BYTES:
        raise SubscriptionRefused(_("Data langganan terlalu besar."), status=413)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SubscriptionRefused(_("Data langganan bukan JSON yang sah.")) from None
    if not isinstance(data, dict):
        raise SubscriptionRefused(_("Data langganan bukan JSON yang sah."))
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise SubscriptionRefused(_("Alamat layanan push tidak ada atau terlalu panjang."))
    if endpoint_only:
        return {"endpoint": endpoint}
    if not endpoint_allowed(endpoint):
        raise SubscriptionRefused(
            _("Alamat layanan push tidak dikenal: hanya layanan push peramban yang diterima.")
        )
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise SubscriptionRefused(_("Kunci langganan (p256dh, auth) tidak ada."))
    p256dh = keys.get("p256dh")
    point = _b64url(p256dh, 65, _("Kunci p256dh tidak sah."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise SubscriptionRefused(_("Kunci p256dh tidak sah.")) from None
    auth = keys.get("auth")
    _b64url(auth, 16, _("Rahasia auth tidak sah."))
    return {"endpoint": endpoint, "p256dh": p256dh, "auth": auth}


@transaction.atomic
def push_subscription_save(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Records the browser's subscription (or renews its keys); returns it and whether it is
    new. An endpoint of another account is refused: one browser profile is one person's, and
    taking it over would silence the other's phone."""
    if not enabled():
        raise SubscriptionRefused(
            _("Pemberitahuan push belum diaktifkan di server ini."), status=503
        )
    existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if existing is not None and existing.user_id != user.pk:
        raise SubscriptionRefused(
            _("Perangkat ini sudah terdaftar untuk akun lain; akun itu harus berhenti dulu."),
            status=409,
        )
    if existing is None:
        # Lock the user's row: two tabs subscribing at once must not pass the cap together.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if PushSubscription.objects.filter(user=user, deactivated_at=None).count() >= MAX_PER_USER:
            raise SubscriptionRefused(_("Terlalu banyak perangkat terdaftar untuk akun ini."))
        try:
            with transaction.atomic():
                subscription = PushSubscription.objects.create(
                    user=user,
                    endpoint=endpoint,
                    p256dh=p256dh,
                    auth=auth,
                    user_agent=user_agent[:200],
                )
        except IntegrityError:  # the same endpoint registered a moment ago by another request
            raise SubscriptionRefused(
                _("Perangkat ini baru saja didaftarkan; muat ulang halaman."), status=409
            ) from None
        return subscription, True
    existing.p256dh, existing.auth = p256dh, auth
    existing.user_agent = user_agent[:200]
    existing.deactivated_at = None
    existing.save(update_fields=["p256dh", "auth", "user_agent", "deactivated_at"])
    return existing, False


def push_subscription_remove(*, user, endpoint: str) -> int:
    """The browser stops: its subscription of this account goes. Idempotent, and the same
    answer for an endpoint that is unknown or another account's (which stays): the answer
    tells nobody whether an endpoint is registered. Returns how many rows went (0 or 1)."""
    deleted, _detail = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted
