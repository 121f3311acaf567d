"""The phases (tahapan) of Operasi Mantap Praja Semeru 2024 [est], from DOMAIN.md.

Non-overlapping and contiguous; each ends at the start of the next (half-open), so "28 Nov
23.59" is written as 29 Nov 00.00.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

PHASES_2024: tuple[tuple[str, date, date], ...] = (
    # code, first day, last day (inclusive)
    ("pra_operasi", date(2024, 7, 1), date(2024, 8, 18)),
    ("pencalonan", date(2024, 8, 19), date(2024, 9, 24)),
    ("kampanye", date(2024, 9, 25), date(2024, 11, 23)),
    ("masa_tenang", date(2024, 11, 24), date(2024, 11, 25)),
    ("pemungutan", date(2024, 11, 26), date(2024, 11, 28)),
    ("rekapitulasi", date(2024, 11, 29), date(2024, 12, 16)),
    ("pasca", date(2024, 12, 17), date(2024, 12, 31)),
)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=WIB)


def phase_windows(phases=PHASES_2024) -> list[tuple[str, datetime, datetime]]:
    """(code, starts_at, ends_at) with ends_at the next day's midnight WIB, exclusive."""
    return [
        (code, day_start(first), day_start(last + timedelta(days=1)))
        for code, first, last in phases
    ]
