"""The audit log: who signed in, failed to, or signed out, and who exported what and when.

Sign-ins, failed sign-ins and sign-outs arrive through Django's auth signals (connected in
OpsboardConfig.ready()), whatever page they come from: the login form, the admin's, or a field
officer's card link, which is told apart by the view it came through. Every export takes one
``export_stamp``, records it with ``record_export`` and writes it into its file, so that the
log's line and the file name the same person and the same moment.

Like core.access and core.clock, this module is a foundation that the lower apps' export
views call (the admin's lists in deployments, the printed minutes in coordination); it imports
no other app. Times are real time, never the operation clock, and shown in WIB.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.helpers import get_client_ip_address
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from core.formats import WIB, display_name, wib_stamp

USERNAME_MAX = AuditEvent._meta.get_field("username").max_length
WHAT_MAX = AuditEvent._meta.get_field("what").max_length
# The field officer's card link (field/urls.py): django's login() is called from it.
SIGNIN_LINK_VIEW = "field:signin"

Kind = AuditEvent.Kind


@dataclass(frozen=True)
class Stamp:
    """Who exported and when, as written into the exported file or printed page."""

    who: str  # "Budi Santoso (operator)", or the username alone
    username: str
    at: datetime  # real time, aware

    @property
    def when(self) -> str:
        return wib_stamp(self.at)

    @property
    def exported(self) -> str:
        return _("Diekspor oleh %(who)s pada %(when)s") % {"who": self.who, "when": self.when}

    @property
    def printed(self) -> str:
        return _("Dicetak oleh %(who)s pada %(when)s") % {"who": self.who, "when": self.when}

    @property
    def file_part(self) -> str:
        """For a file name: ``20241127-0900-operator`` (ASCII only, safe in a header)."""
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", self.username).strip("-.")[:40] or "akun"
        return f"{self.at.astimezone(WIB):%Y%m%d-%H%M}-{name}"


def export_stamp(request: HttpRequest) -> Stamp:
    """Who is exporting, and now: taken once, written into the file and into the log."""
    user = request.user
    return Stamp(who=display_name(user), username=user.get_username(), at=timezone.now())


def record_export(
    request: HttpRequest, stamp: Stamp, *, detail: dict[str, Any], what: str = ""
) -> AuditEvent:
    """One export line for the signed-in user, at the stamp's moment.

    ``what`` defaults to the page's path; ``detail`` says which file, the filters or scope and
    the number of rows. Called before the response leaves, so that a streamed file cut off
    half-way is still on record.
    """
    return _record(
        request,
        kind=Kind.EXPORT,
        user=request.user,
        username=stamp.username,
        what=what,
        detail=detail,
        at=stamp.at,
    )


def record_sign_in(request: HttpRequest | None, user) -> AuditEvent:
    kind = Kind.SIGN_IN_LINK if _by_link(request) else Kind.SIGN_IN
    return _record(request, kind=kind, user=user, username=user.get_username())


def record_sign_in_failed(request: HttpRequest | None, username: object) -> AuditEvent:
    """Only the name as typed, cut to fit (a 10,000-character name is an attack, not a user);
    never the password or anything else that was sent."""
    name = clip(username, USERNAME_MAX) if isinstance(username, str) else ""
    detail = {"locked_out": True} if getattr(request, "axes_locked_out", False) else {}
    return _record(request, kind=Kind.SIGN_IN_FAILED, user=None, username=name, detail=detail)


def record_sign_out(request: HttpRequest | None, user) -> AuditEvent:
    return _record(request, kind=Kind.SIGN_OUT, user=user, username=user.get_username())


# Receivers of django.contrib.auth's signals


def on_user_logged_in(sender, request=None, user=None, **kwargs) -> None:
    record_sign_in(request, user)


def on_user_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    # Django masks the password in `credentials` already; only the username is read anyway.
    record_sign_in_failed(request, (credentials or {}).get("username"))


def on_user_logged_out(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:  # signing out without a session records nothing
        record_sign_out(request, user)


# Helpers


def _record(request, *, kind: str, user, username: str, what: str = "", detail=None, at=None):
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        kind=kind,
        user=user,
        username=username,
        ip_address=client_ip(request) if request is not None else None,
        what=clip(what or _where(request), WHAT_MAX),
        detail=_without_nul(detail or {}),
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes throttles on (AXES_PROXY_COUNT proxies skipped), or None when
    it is no address at all: the column takes only a real one."""
    try:
        return str(ipaddress.ip_address(get_client_ip_address(request) or ""))
    except ValueError:
        return None


def _by_link(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == SIGNIN_LINK_VIEW


def _where(request) -> str:
    if request is None:
        return ""
    path = getattr(request, "path", "") or ""
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if isinstance(token, str) and token:
        # A card link's token signs a person in: it stays out of the log, used or not.
        path = path.replace(token, "<token>")
    return path


def clip(text: str, limit: int) -> str:
    """Text from a request, fit for the log: PostgreSQL's text and jsonb cannot hold NUL (the
    forms refuse it; a query string or a direct authenticate() may not), and at most `limit`
    characters."""
    return text.replace("\x00", "")[:limit]


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value
