"""The Posko's lookup of the person who phoned or radioed in: by name, NRP/register number,
phone or TPS, within what the operator may see. One query whatever the number of results."""

import contextlib
import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from deployments.models import Assignment, Personnel
from deployments.phones import normalize_phone
from tps.models import TPS

RESULTS_SHOWN = 20
# "TPS 006 Bandar Lor", "TPS 6", "6 Bandar Lor", "Bandar Lor 006", "Bandar Lor TPS 6"
_TPS_FIRST = re.compile(r"^(?:TPS\s*)?0*(\d{1,3})(?:\s+(\D.*))?$", re.IGNORECASE)
_TPS_LAST = re.compile(r"^(\D.*?)\s+(?:TPS\s*)?0*(\d{1,3})$", re.IGNORECASE)
_NOT_IN_IDENTIFIERS = re.compile(r"[\s.\-]")
# 0812…, 62812…, +62 812…: a bare NRP of eight digits is not read as a phone number.
_PHONE_START = re.compile(r"^(?:\+\s*62|62|0)")


def identifier_key(raw: str) -> str:
    """An NRP or register number without spaces, dots and dashes, upper case: how both the
    typed number and the stored one are compared ("LM 3571.011001-01" is LM-3571011001-01)."""
    return _NOT_IN_IDENTIFIERS.sub("", raw).upper()


def with_identifier_key(people: QuerySet[Personnel]) -> QuerySet[Personnel]:
    """The people annotated with identifier_key, their identifier_key() in SQL."""
    stripped = Upper("identifier")
    for separator in ("-", ".", " "):
        stripped = Replace(stripped, Value(separator), Value(""))
    return people.annotate(identifier_key=stripped)


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
    `stations`. At most RESULTS_SHOWN + 1 (the caller says there are more); one query."""
    query = " ".join(query.split())
    if not query:
        return []
    wanted = Q(name__icontains=query)
    if key := identifier_key(query):
        wanted |= Q(identifier_key=key)
    if _PHONE_START.match(query):
        with contextlib.suppress(ValidationError):  # not a phone number after all
            wanted |= Q(phone=normalize_phone(query))
    if tps := _tps_match(query):
        number, desa = tps
        guarded = stations.filter(number=number)
        if desa:
            guarded = guarded.filter(desa__name__icontains=desa)
        guards = Assignment.objects.not_cancelled().filter(tps__in=guarded)
        wanted |= Q(pk__in=guards.values("personnel_id"))
    found = with_identifier_key(people.filter(active=True))
    if force:
        found = found.filter(force=force)
    return list(
        found.filter(wanted).select_related("unit").order_by("name", "pk")[: RESULTS_SHOWN + 1]
    )
