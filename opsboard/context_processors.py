from django.http import HttpRequest

from core import clock
from core.access import access_of
from opsboard.navigation import Shell


def operation_clock(request: HttpRequest) -> dict:
    """What every page's frame shows: the operation clock, the user's role and the navigation
    shell of base.html and field/base.html (opsboard/navigation.py; computed only when read)."""
    return {
        "operation_now": clock.now(),
        "clock_pinned": clock.is_pinned(),
        "access": access_of(getattr(request, "user", None)),
        "shell": Shell(request),
    }
