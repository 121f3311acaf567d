"""How django-axes counts failed sign-ins, and the trusted-device cookie that keeps a named
account usable while someone else guesses its password.

Failures lock a username on one address (``["username", "ip_address"]``) and a username on every
address (``"username"``). The second alone would let anyone lock ``kabagops`` or ``operator``
for AXES_COOLOFF_TIME with five wrong passwords from anywhere. So a device that has signed in
to the account before carries a signed cookie naming it (bound to the user id), and its
attempts are held only to the username-and-address limit: the real user signs in from their
own device through the attack, while attempts from every other device, the attacker's
included, stay locked. An attack that locks a username is logged at WARNING on the
``opsboard.security`` logger (docs/access.md) and listed on the admin index for those who may
unlock it (lockouts_under_attack); each failed attempt is in the audit log already.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.db.models import Count, Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# axes_accessattempt.username is a varchar(255).
USERNAME_MAX = 255

TRUSTED_DEVICE_COOKIE = "opsboard_device"
TRUSTED_DEVICE_SALT = "opsboard.trusted-device"
# Trust lasts this long after the device's last sign-in to the account.
TRUSTED_DEVICE_MAX_AGE = timedelta(days=90)
# A shared command-post computer may be trusted by a few accounts; the oldest goes first.
TRUSTED_DEVICE_ACCOUNTS = 5

BY_USERNAME_AND_ADDRESS = [["username", "ip_address"]]
BY_USERNAME_OR_USERNAME_AND_ADDRESS = ["username", *BY_USERNAME_AND_ADDRESS]

security_log = logging.getLogger("opsboard.security")


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username as typed, cut to what axes can store.

    Django's login forms put the username's max_length on the widget only, so a longer one
    reaches authenticate() and axes' record of the failure; PostgreSQL refused it with a 500
    (found by tests/hardening/test_fuzz_login_and_language.py). No account has such a name, so
    the cut loses nothing, and the attempt is still counted.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:USERNAME_MAX] if isinstance(username, str) else username


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the username-only limit does not apply to a trusted device.

    axes records every failure with its username and address either way and only filters by
    these when it counts, so a device's trust changes what it is held to, not what is counted.
    """
    if isinstance(request_or_attempt, HttpRequest):
        username = attempted_username(request_or_attempt, credentials)
        if username and username in trusted_usernames(request_or_attempt):
            return BY_USERNAME_AND_ADDRESS
    return BY_USERNAME_OR_USERNAME_AND_ADDRESS


def trusted_usernames(request: HttpRequest) -> set[str]:
    return {username for _pk, username in _trusted_accounts(request)}


def _trusted_accounts(request: HttpRequest) -> list[tuple[int, str]]:
    try:
        accounts = request.get_signed_cookie(
            TRUSTED_DEVICE_COOKIE,
            salt=TRUSTED_DEVICE_SALT,
            max_age=TRUSTED_DEVICE_MAX_AGE,
        )
    except (KeyError, signing.BadSignature):
        return []
    return _parse(accounts)


def _parse(value: str) -> list[tuple[int, str]]:
    accounts = []
    for entry in value.split("\n"):
        pk, _, username = entry.partition(":")
        if pk.isdigit() and username:
            accounts.append((int(pk), username))
    return accounts


@receiver(user_logged_in, dispatch_uid="core.throttling.trust_device")
def _trust_device(sender, request=None, user=None, **kwargs) -> None:
    # The response does not exist yet; TrustedDeviceMiddleware sets the cookie on it.
    if request is not None and user is not None:
        request._trust_device_for = (user.pk, user.get_username())


@receiver(user_locked_out, dispatch_uid="core.throttling.log_lockout")
def _log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    security_log.warning(
        "Sign-in locked out: username %r from %s after repeated wrong passwords "
        "(docs/access.md, Lockouts)",
        username,
        ip_address,
    )


@dataclass(frozen=True)
class UsernameUnderAttack:
    username: str
    failures: int
    last_attempt: datetime
    addresses: int


# The admin index lists this many; the axes changelist holds the rest.
UNDER_ATTACK_SHOWN = 20


def lockouts_under_attack(limit: int = UNDER_ATTACK_SHOWN) -> list[UsernameUnderAttack]:
    """Usernames with at least AXES_FAILURE_LIMIT failures in the cool-off window, counted on
    every address together: the username-wide lockout that a trusted device gets past, so the
    admins see an attack the account's own user may never notice. Newest first, one query.

    Counted as axes counts them (failures_since_start summed over the rows whose last attempt
    is inside AXES_COOLOFF_TIME), so the list is the usernames axes holds locked right now.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since, username__isnull=False)
        .values("username")
        .annotate(
            failures=Sum("failures_since_start"),
            last_attempt=Max("attempt_time"),
            addresses=Count("ip_address", distinct=True),
        )
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")[:limit]
    )
    return [UsernameUnderAttack(**row) for row in rows]


class TrustedDeviceMiddleware:
    """Sets the trusted-device cookie on the response to a successful sign-in."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        account = getattr(request, "_trust_device_for", None)
        if account is not None:
            kept = [a for a in _trusted_accounts(request) if a[0] != account[0]]
            accounts = [account, *kept][:TRUSTED_DEVICE_ACCOUNTS]
            response.set_signed_cookie(
                TRUSTED_DEVICE_COOKIE,
                "\n".join(f"{pk}:{username}" for pk, username in accounts),
                salt=TRUSTED_DEVICE_SALT,
                max_age=int(TRUSTED_DEVICE_MAX_AGE.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
