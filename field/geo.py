"""Distances on the ground, for check-ins: a phone's position against its TPS; the rule for a
stored position; and the rule for a recorded time that follows another."""

from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from django.db.models import F, Q


def position_complete() -> Q:
    """A CheckConstraint condition: no position, or both coordinates within their ranges.
    Both NOT NULL spelt out: with one of them NULL the comparisons are NULL, and a CHECK that
    is NULL passes."""
    return Q(latitude=None, longitude=None) | Q(
        latitude__isnull=False,
        longitude__isnull=False,
        latitude__gte=-90,
        latitude__lte=90,
        longitude__gte=-180,
        longitude__lte=180,
    )


def not_before(later: str, earlier: str) -> Q:
    """A CheckConstraint condition: ``later`` is empty, or set no earlier than ``earlier``,
    which must then be set (an incident's steps, a logistics leg's)."""
    return Q(**{f"{later}__isnull": True}) | Q(
        **{f"{earlier}__isnull": False, f"{later}__gte": F(earlier)}
    )


EARTH_RADIUS_M = 6_371_008.8  # mean radius; metres of error over a few km are immaterial here


def distance_m(
    lat1: float | Decimal, lng1: float | Decimal, lat2: float | Decimal, lng2: float | Decimal
) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = radians(float(lat1)), radians(float(lat2))
    dp, dl = p2 - p1, radians(float(lng2) - float(lng1))
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))
