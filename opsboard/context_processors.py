from django.http import HttpRequest

from core import clock
from core.access import access_of


def operation_clock(request: HttpRequest) -> dict:
    return {
        "operation_now": clock.now(),
        "clock_pinned": clock.is_pinned(),
        "access": access_of(getattr(request, "user", None)),
    }
