"""Numbers and times as the Posko writes them: 2.285, 95,5 %, 14.30 WIB (English: 2,285, 95.5%,
14:30 WIB). Locale-aware through Django's formats, so the language switch changes them too."""

from datetime import timedelta

from django import template
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format

from core import formats as formats_

register = template.Library()

DASH = "–"


def _indonesian() -> bool:
    return (translation.get_language() or "id").startswith("id")


@register.filter
def num(value, decimals: int = 0) -> str:
    """Grouped thousands: 2.285; ``num:1`` keeps one decimal where there is one (429,5)."""
    if value is None or value == "":
        return DASH
    value = float(value)
    places = int(decimals)
    if places and float(value).is_integer():
        places = 0
    return formats.number_format(round(value, places), places, force_grouping=True)


@register.filter
def pct(fraction, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.955 → 95,5 % (Indonesian writes a space before %)."""
    if fraction is None or fraction == "":
        return DASH
    value = formats.number_format(round(float(fraction) * 100, int(decimals)), int(decimals))
    return f"{value}\u00a0%" if _indonesian() else f"{value}%"


@register.filter
def people(amount, force: str = "") -> str:
    """People at one TPS: ``{{ l.amount|people:l.label }}`` → 1 Polri untuk 2 TPS (not 0,5)."""
    return formats_.people_per_tps(amount, force)


# Sums over an area in whole people: 419,5 → 420.
headcount = register.filter("headcount", formats_.headcount)

# The time filters are core.formats' functions: one way of writing a time, in pages and files.
wib = register.filter("wib", formats_.wib_time)
wib_full = register.filter("wib_full", formats_.wib_full)
wib_date = register.filter("wib_date", formats_.wib_date)
from_iso = register.filter("from_iso", formats_.from_iso)


@register.filter
def phase_window(phase) -> str:
    """26 Nov – 28 Nov 2024: a phase's days (its end is exclusive, the next day's midnight)."""
    if phase is None:
        return DASH
    first = timezone.localtime(phase.starts_at)
    last = timezone.localtime(phase.ends_at - timedelta(minutes=1))
    if first.date() == last.date():
        return date_format(first, "j M Y")
    return f"{date_format(first, 'j M')} – {date_format(last, 'j M Y')}"


@register.filter
def bar(fraction, scale: int = 100) -> str:
    """The width of an SVG bar for a fraction, clamped to the bar (0 for none)."""
    if fraction is None or fraction == "":
        return "0"
    return f"{max(0.0, min(float(fraction), 1.0)) * int(scale):.1f}"
