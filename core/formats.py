"""How Opsboard writes times, dates and people, in one place.

Times are shown in WIB (Asia/Jakarta, the operation's zone) and written the way the Posko
writes them: 14.30 WIB in Indonesian, 14:30 WIB in English (Django's locale formats follow the
language switch). The API writes ISO 8601 with the +07:00 offset (API.md). People are shown by
their full name, with the account name beside it where two people could share a name.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

WIB = ZoneInfo("Asia/Jakarta")
DASH = "–"
# The longest name a "who" column stores (coordination's reviewed_by, audit's username).
NAME_MAX = 150


def _indonesian() -> bool:
    return (translation.get_language() or "id").startswith("id")


def iso(moment: datetime | None) -> str | None:
    """API.md's times: ISO 8601 in WIB with its offset, 2024-11-27T09:00:00+07:00."""
    return timezone.localtime(moment).isoformat() if moment is not None else None


def wib_time(moment: datetime | None) -> str:
    """The time of day in WIB: 14.30 WIB."""
    if not moment:  # None, or "" from a template's missing attribute
        return DASH
    local = timezone.localtime(moment)
    return date_format(local, "H.i" if _indonesian() else "H:i") + " WIB"


def wib_full(moment: datetime | None) -> str:
    """Day, date and time: Rabu, 27 November 2024 09.00 WIB."""
    if not moment:
        return DASH
    local = timezone.localtime(moment)
    return date_format(local, "l, j F Y") + " " + wib_time(local)


def wib_date(moment: datetime | None) -> str:
    """27 Nov 2024 14.30 WIB, for tables."""
    if not moment:
        return DASH
    local = timezone.localtime(moment)
    return date_format(local, "j M Y") + " " + wib_time(local)


def wib_stamp(moment: datetime, *, with_zone: bool = True) -> str:
    """27/11/2024 14.30 WIB: the fixed form of messages and files, whatever the language.

    ``with_zone=False`` drops " WIB" where a column heading already says it (the admin's).
    """
    # In WIB by name, not the active zone: the stamp says WIB whatever a request activated.
    stamp = timezone.localtime(moment, WIB).strftime("%d/%m/%Y %H.%M")
    return f"{stamp} WIB" if with_zone else stamp


def display_name(user) -> str:
    """Who did it, for stamps and logs: "Budi Santoso (kabagops)", or the account name alone."""
    full = user.get_full_name().strip()
    username = user.get_username()
    return f"{full} ({username})" if full else username


def author_name(user) -> str:
    """The name a record keeps of who wrote or reviewed it: the full name, else the account."""
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:NAME_MAX]
