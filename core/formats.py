"""How Opsboard writes times, dates and people, in one place.

Times are shown in WIB (Asia/Jakarta, the operation's zone) and written the way the Posko
writes them: 14.30 WIB in Indonesian, 14:30 WIB in English (Django's locale formats follow the
language switch). The API writes ISO 8601 with the +07:00 offset (API.md). People are shown by
their full name, with the account name beside it where two people could share a name. People are
counted in whole persons: "1 Polri untuk 2 TPS", never "0,5 Polri" (exports keep the exact
figures).
"""

import math
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

WIB = ZoneInfo("Asia/Jakarta")
DASH = "–"
# Shares of a guard (1/n per TPS) add up in floating point: 0.5 is 0.49999999999.
PEOPLE_TOLERANCE = 1e-6
# The largest number of TPS one ratio names: "1 Polri untuk 12 TPS" is still a pattern.
RATIO_MAX_TPS = 12
# The longest name a "who" column stores (coordination's reviewed_by, audit's username).
NAME_MAX = 150
# The kop and the place of signing of Opsboard's printed documents (the rakor notulen, the
# daily report): Opsboard is the Polres Kediri Kota's board, and its documents are the Polres's.
LETTERHEAD = ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAWA TIMUR", "RESOR KEDIRI KOTA")
SIGNING_PLACE = "Kediri"


def _indonesian() -> bool:
    return (translation.get_language() or "id").startswith("id")


def iso(moment: datetime | None) -> str | None:
    """API.md's times: ISO 8601 in WIB with its offset, 2024-11-27T09:00:00+07:00."""
    return timezone.localtime(moment).isoformat() if moment is not None else None


def from_iso(value: str | None) -> datetime | None:
    """A time stored as ``iso`` wrote it (a report's JSON facts), back as a datetime."""
    return datetime.fromisoformat(value) if value else None


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


def _count(n: int) -> str:
    return formats.number_format(n, 0, force_grouping=True)


def people_per_tps(amount: float | None, force: str = "") -> str:
    """People at one TPS as the pattern says them: "2 Polri", "1 Polri untuk 2 TPS" for ½,
    "3 Polri untuk 2 TPS" for 1½; a share that is no simple ratio to one decimal ("≈ 0,6").

    `force`: the force's label ("Polri"), or empty where a column heading already says it.
    """
    if amount is None or amount == "":
        return DASH
    value = float(amount)
    who = f" {force}" if force else ""
    whole = round(value)
    if abs(value - whole) < PEOPLE_TOLERANCE:
        return f"{_count(whole)}{who}"
    ratio = Fraction(value).limit_denominator(RATIO_MAX_TPS)
    if abs(float(ratio) - value) >= PEOPLE_TOLERANCE:
        return f"≈ {formats.number_format(round(value, 1), 1)}{who}"
    return _("%(people)s%(force)s untuk %(tps)s TPS") % {
        "people": _count(ratio.numerator),
        "force": who,
        "tps": _count(ratio.denominator),
    }


def headcount(amount: float | None) -> str:
    """A sum of shares over many TPS as whole people: what the pattern asks of an area
    (419,5 → 420: half an officer is one more officer), grouped as 2.285."""
    if amount is None or amount == "":
        return DASH
    return _count(math.ceil(float(amount) - PEOPLE_TOLERANCE))
