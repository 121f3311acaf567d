"""The Posko's lookup of the person who phoned or radioed in: by name, NRP/register number,
phone or TPS, within what the operator may see. One query whatever the number of results."""

import contextlib
import re

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from deployments.models import Assignment, Personnel
from deployments.phones import normalize_phone
from tps.models import TPS

RESULTS_SHOWN = 20
# "TPS 006 Bandar Lor", "TPS 6", "6 Bandar Lor", "Bandar Lor 006", "Bandar Lor TPS 6"
_TPS_FIRST = re.compile(r"^(?:TPS\s*)?0*(\d{1,3})(?:\s+(\D.*))?$", re.IGNORECASE)
_TPS_LAST = re.compile(r"^(\D.*?)\s+(?:TPS\s*)?0*(\d{1,3})$", re.IGNORECASE)
# 0812…, 62812…, +62 812…: a bare NRP of eight digits is not read as a phone number.
_PHONE_START = re.compile(r"^(?:\+\s*62|62|0)")


def identifier_key(raw: str) -> str:
    """An NRP or register number without spaces, dots and dashes, upper case: how both the
    typed number and the stored one (Personnel.identifier_key) are compared."""
    return Personnel.normalise_identifier(raw)


def _tps_match(query: str) -> tuple[int, str] | None:
    """(number, desa name or "") when the query names a TPS; a bare number is an NRP."""
    if match := _TPS_FIRST.match(query):
        number, desa = int(match[1]), (match[2] or "").strip()
        if desa or query.upper().startswith("TPS"):
            return number, desa
        return None
    if match := _TPS_LAST.match(query):
        desa = re.sub(r"\s*TPS$", "", match[1].strip(), flags=re.IGNORECASE)
        return int(match[2]), desa
    return None


def posko_people_find(
    *, people: QuerySet[Personnel], stations: QuerySet[TPS], query: str, force: str = ""
) -> list[Personnel]:
    """Active people among `people` whose name holds the query (any case), whose identifier or
    phone is the query (in any of its written forms), or who guard the TPS it names among
    `stations`. At most RESULTS_SHOWN + 1 (the caller says there are more); one query.

    Each way of matching is a lookup of its own index (a trigram index on the name on
    PostgreSQL, b-trees on identifier_key and phone, the guards through their TPS), and their
    primary keys are united: an OR of them in one WHERE would test every personnel row."""
    query = " ".join(query.split())
    if not query:
        return []
    found = people.filter(active=True)
    if force:
        found = found.filter(force=force)
    ways = [found.filter(name__icontains=query)]
    if key := identifier_key(query):
        ways.append(found.filter(identifier_key=key))
    if _PHONE_START.match(query):
        with contextlib.suppress(ValidationError):  # not a phone number after all
            ways.append(found.filter(phone=normalize_phone(query)))
    if tps := _tps_match(query):
        number, desa = tps
        guarded = stations.filter(number=number)
        if desa:
            guarded = guarded.filter(desa__name__icontains=desa)
        guards = Assignment.objects.not_cancelled().filter(tps__in=guarded)
        ways.append(found.filter(pk__in=guards.values("personnel_id")))
    # order_by(): SQLite refuses an ORDER BY (Personnel's default ordering) inside a UNION.
    first, *others = (way.order_by().values("pk") for way in ways)
    matching = first.union(*others) if others else first
    return list(
        Personnel.objects.filter(pk__in=matching)
        .select_related("unit")
        .order_by("name", "pk")[: RESULTS_SHOWN + 1]
    )
