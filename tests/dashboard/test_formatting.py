"""Indonesian numbers and times (2.285, 95,5 %, 14.30 WIB), English through the switch."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.templatetags.opsboard_format import bar, num, pct, wib, wib_date, wib_full

AT = datetime(2024, 11, 27, 7, 30, tzinfo=ZoneInfo("UTC"))  # 14.30 WIB


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["2.285", "429,5", "430", "95,5\u00a0%", "14.30 WIB", "–"]),
        ("en", ["2,285", "429.5", "430", "95.5%", "14:30 WIB", "–"]),
    ],
)
def test_formats_follow_the_language(language, expected):
    with translation.override(language):
        got = [num(2285), num(429.5, 1), num(430.0, 1), pct(0.955), wib(AT), pct(None)]

    assert got == expected


def test_dates_are_written_out_in_indonesian():
    with translation.override("id"):
        assert wib_full(AT) == "Rabu, 27 November 2024 14.30 WIB"
        assert wib_date(AT) == "27 Nov 2024 14.30 WIB"


def test_bar_width_is_clamped_and_never_localised():
    with translation.override("id"):
        assert [bar(0.955), bar(1.2), bar(-1), bar(None)] == ["95.5", "100.0", "0.0", "0"]
