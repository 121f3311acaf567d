"""The operation clock (API.md): the "now" of domain logic.

OPSBOARD_NOW pins it (the demo shows election day); unset, it is real time. Authentication and
session expiry never use it.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    return settings.OPSBOARD_NOW or timezone.now()


def is_pinned() -> bool:
    return settings.OPSBOARD_NOW is not None
