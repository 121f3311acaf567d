"""How long a signed-in session lasts, by role (real time, never the operation clock)."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone

from core.access import Role, access_of
from deployments.models import Assignment


def field_session_end(personnel_id: int):
    """End of the officer's current assignment, capped at FIELD_SESSION_MAX from now.

    A guard signs in once on H-1 and must stay signed in through counting and the escort of the
    ballot boxes, but a lost phone must not stay signed in for the rest of the operation.
    """
    now = timezone.now()
    cap = now + settings.FIELD_SESSION_MAX
    end = (
        Assignment.objects.filter(personnel_id=personnel_id)
        .at(now)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    if end is None:
        return now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return min(end, cap)


# The wall screen of the Posko signs in once a day. Its account is a dashboard account (command
# staff, or Polsek staff for a Polsek's own screen) that is also in this group; the roles module
# does not know the group, since it changes how long a session lasts, not what it may read.
GROUP_WALLSCREEN = "Wall screen"
WALLSCREEN_SESSION = timedelta(hours=24)


def wallscreen_session_end():
    """24 h after sign-in, fixed: the screen's 30-second polls must not keep it signed in for
    ever, and a screen left signed in after the operation must not stay so."""
    return timezone.now() + WALLSCREEN_SESSION


def set_session_expiry(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is None:
        return
    request.session[SLID_AT] = int(time.time())
    access = access_of(user)
    if access.role is Role.FIELD:
        # A datetime expiry is fixed: SESSION_SAVE_EVERY_REQUEST does not slide it.
        request.session.set_expiry(field_session_end(access.personnel_id))
    elif access.reads_dashboard and user.groups.filter(name=GROUP_WALLSCREEN).exists():
        request.session.set_expiry(wallscreen_session_end())


# When IdleTimeoutMiddleware last slid the session's expiry (epoch seconds, in the session).
SLID_AT = "_opsboard_slid_at"


class IdleTimeoutMiddleware:
    """Keeps a session alive while it is used (12 h idle, SESSION_COOKIE_AGE) by saving it at
    most once every SESSION_SLIDE_EVERY, not on every request as SESSION_SAVE_EVERY_REQUEST
    would: a dashboard that polls every 30 s then writes its session twice a minute, not once
    per poll. A session with a fixed expiry (field officers, wall screens) is never slid.

    Sits right after SessionMiddleware, so that SessionMiddleware saves what this marks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or response.status_code >= 500:
            return response
        if session.is_empty() or session.modified or session.get(SESSION_KEY) is None:
            return response  # nothing to keep alive, or saved anyway
        if isinstance(session.get("_session_expiry"), str):  # set_expiry(datetime): fixed
            return response
        now = int(time.time())
        if now - session.get(SLID_AT, 0) >= settings.SESSION_SLIDE_EVERY.total_seconds():
            session[SLID_AT] = now
        return response
