"""The global search of the shell (NetBox-style): a TPS, a desa/kelurahan, a person, a Sprin or
a meeting, found by what people call them, within what the user may see.

One query per kind whatever the data size, at most PER_KIND shown of each (one more is read to
say that there are more). People are found by the Posko's lookup (field.selectors.posko), so
that a name, an NRP or register number written any way, a phone or a TPS reads the same in
both places. Results link to the page the user may open: the TPS page, the meeting page, the
admin's change page for people and Sprin (only for those who may use the admin), else the
Posko's page of the person for a Posko operator.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import Meeting
from core.access import Access, access_of
from core.formats import wib_date
from deployments.models import Personnel, Sprin
from deployments.phones import normalize_phone
from field.selectors.posko import posko_people_find
from opsboard.navigation import may_use_posko
from tps.models import TPS, Desa

MIN_LENGTH = 3
MAX_LENGTH = 100
PER_KIND = 8

# "3571011001006": a desa's 10-digit Kemendagri code and the TPS's 3-digit number.
_TPS_CODE = re.compile(r"^(\d{10})(\d{3})$")
# "TPS 6", "TPS 006 Bandar Lor", "6 Bandar Lor", "Bandar Lor 6", "Bandar Lor TPS 006". A bare
# number is an NRP, not a TPS.
_TPS_FIRST = re.compile(r"^(TPS\s*)?0*(\d{1,3})(?:\s+(\D.*))?$", re.IGNORECASE)
_TPS_LAST = re.compile(r"^(\D.*?)\s+(?:TPS\s*)?0*(\d{1,3})$", re.IGNORECASE)
# A phone number as people write it (0812…, 62812…, +62 812…).
_PHONE_START = re.compile(r"^(?:\+\s*62|62|0)")
# Control characters: PostgreSQL refuses a NUL in a query, and none belongs in a search.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryTooLong(ValueError):
    """A query longer than MAX_LENGTH: refused before anything is searched (a 400)."""


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str = ""
    url: str = ""  # "" when the user has no page to open it on


@dataclass
class Group:
    kind: str  # tps, desa, person, sprin, meeting
    title: Promise
    hits: list[Hit]
    more: bool = False


@dataclass
class SearchResults:
    query: str
    hint: str = ""  # why nothing was searched, or what was left out
    groups: list[Group] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return bool(self.groups) or not self.hint

    @property
    def total(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def normalize_query(raw: str) -> str:
    """The query with control characters and runs of spaces made one space; QueryTooLong when
    it is longer than MAX_LENGTH."""
    if len(raw) > MAX_LENGTH * 4:  # refused before any work on a 10 KB parameter
        raise QueryTooLong
    query = " ".join(_CONTROL.sub(" ", raw).split())
    if len(query) > MAX_LENGTH:
        raise QueryTooLong
    return query


def too_long_message() -> str:
    return _("Kata pencarian terlalu panjang: paling banyak %(max)s karakter.") % {
        "max": MAX_LENGTH
    }


def site_search(request: HttpRequest, raw: str) -> SearchResults:
    """Everything the request's user may see that the query names, grouped by kind.

    Queries: one for each kind searched (TPS, desa, people, Sprin for those who may open it in
    the admin, meetings); deciding who may open the admin's pages loads the user's permissions
    once (two queries, none for a superuser). Raises QueryTooLong.
    """
    query = normalize_query(raw)
    results = SearchResults(query=query)
    if not query:
        results.hint = _(
            "Ketik nomor TPS, nama desa/kelurahan, nama, NRP/nomor registrasi atau telepon "
            "personel, nomor Sprin, atau judul rapat."
        )
        return results
    if len(query) < MIN_LENGTH:
        results.hint = _("Ketik paling sedikit %(min)s huruf atau angka.") % {"min": MIN_LENGTH}
        return results
    user = request.user
    access = access_of(user)
    results.groups = [_tps(user, query), _desa(user, query)]
    people = _people(request, access, query)
    if isinstance(people, str):
        results.hint = people
    else:
        results.groups.append(people)
    if _admin_may(request, "deployments.view_sprin"):
        results.groups.append(_sprin(query))
    results.groups.append(_meetings(user, query))
    return results


def _cut(rows: list) -> tuple[list, bool]:
    return rows[:PER_KIND], len(rows) > PER_KIND


def _tps_filter(query: str) -> Q:
    if match := _TPS_CODE.match(query):
        return Q(desa__code=match[1], number=int(match[2]))
    if match := _TPS_FIRST.match(query):
        named_tps, number, desa = match[1], int(match[2]), (match[3] or "").strip()
        if desa:
            return Q(number=number, desa__name__icontains=desa)
        if named_tps:
            return Q(number=number)
    if match := _TPS_LAST.match(query):
        desa = re.sub(r"\s*TPS$", "", match[1].strip(), flags=re.IGNORECASE)
        return Q(number=int(match[2]), desa__name__icontains=desa)
    # A place's name: its TPS, in the order of their codes.
    return Q(desa__name__icontains=query)


def _tps(user, query: str) -> Group:
    stations = (
        TPS.objects.visible_to(user)
        .filter(_tps_filter(query))
        .select_related("desa__kecamatan")
        .only("number", "kerawanan", "desa__name", "desa__code", "desa__kecamatan__name")
        .order_by("desa__code", "number")
    )
    rows, more = _cut(list(stations[: PER_KIND + 1]))
    hits = [
        Hit(
            label=str(tps),
            detail=f"{tps.desa.kecamatan.name} · {tps.get_kerawanan_display()}",
            url=reverse("opsboard:tps_detail", kwargs={"pk": tps.pk}),
        )
        for tps in rows
    ]
    return Group("tps", gettext_lazy("TPS"), hits, more)


def _desa(user, query: str) -> Group:
    wanted = Q(name__icontains=query)
    if query.isdigit() and len(query) == 10:
        wanted |= Q(code=query)
    places = (
        Desa.objects.visible_to(user)
        .filter(wanted)
        .select_related("kecamatan")
        .only("name", "code", "kind", "kecamatan__name")
        .order_by("code")
    )
    rows, more = _cut(list(places[: PER_KIND + 1]))
    dashboard = reverse("opsboard:dashboard")
    hits = [
        Hit(
            label=desa.name,
            detail=f"{desa.get_kind_display()} · {_('Kecamatan')} {desa.kecamatan.name}",
            url=f"{dashboard}?desa={desa.code}",
        )
        for desa in rows
    ]
    return Group("desa", gettext_lazy("Desa/kelurahan"), hits, more)


def _looks_like_phone(query: str) -> bool:
    if not _PHONE_START.match(query):
        return False
    try:
        return bool(normalize_phone(query))
    except ValidationError:
        return False


def _may_find_by_phone(request: HttpRequest, access: Access) -> bool:
    # Polsek staff see no phone on the site (docs/access.md, "Personal data"): a phone that
    # finds its owner would tell them whose it is. The Posko's operators and whoever reads the
    # roster in the admin find people by phone already.
    return (
        access.sees_everything
        or may_use_posko(request.user, access)
        or _admin_may(request, "deployments.view_personnel")
    )


def _people(request: HttpRequest, access: Access, query: str) -> Group | str:
    if _looks_like_phone(query) and not _may_find_by_phone(request, access):
        return _("Pencarian menurut nomor telepon hanya untuk operator Posko dan admin.")
    user = request.user
    found = posko_people_find(
        people=Personnel.objects.visible_to(user),
        stations=TPS.objects.visible_to(user),
        query=query,
    )
    rows, more = _cut(found)
    in_admin = _admin_may(request, "deployments.view_personnel")
    at_posko = may_use_posko(user, access)
    return Group(
        "person", gettext_lazy("Personel"), [_person_hit(p, in_admin, at_posko) for p in rows], more
    )


def _person_hit(person: Personnel, in_admin: bool, at_posko: bool) -> Hit:
    if in_admin:
        url = reverse("admin:deployments_personnel_change", args=[person.pk])
    elif at_posko:
        url = f"{reverse('field:posko')}?person={person.pk}"
    else:
        url = ""
    unit = person.unit.name if person.unit_id else ""
    detail = " · ".join(
        part for part in (person.get_force_display(), person.identifier, unit) if part
    )
    return Hit(label=f"{person.rank_label} {person.name}".strip(), detail=detail, url=url)


def _sprin(query: str) -> Group:
    # Sprin are the whole Polres's: whoever may open them in the admin reads them all.
    orders = Sprin.objects.filter(number__icontains=query).only("number", "date", "signer")
    rows, more = _cut(list(orders.order_by("-date", "number")[: PER_KIND + 1]))
    hits = [
        Hit(
            label=sprin.number,
            detail=f"{sprin.date:%d/%m/%Y} · {sprin.signer}",
            url=reverse("admin:deployments_sprin_change", args=[sprin.pk]),
        )
        for sprin in rows
    ]
    return Group("sprin", gettext_lazy("Sprin"), hits, more)


def _meetings(user, query: str) -> Group:
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(Q(title__icontains=query) | Q(number__icontains=query))
        .only("number", "title", "kind", "held_at")
        .order_by("-held_at")
    )
    rows, more = _cut(list(meetings[: PER_KIND + 1]))
    hits = [
        Hit(
            label=meeting.title,
            detail=f"{meeting.number} · {meeting.get_kind_display()} · {wib_date(meeting.held_at)}",
            url=meeting.get_absolute_url(),
        )
        for meeting in rows
    ]
    return Group("meeting", gettext_lazy("Rapat"), hits, more)


def _admin_may(request: HttpRequest, permission: str) -> bool:
    """Whether the admin would show the user this model: staff who hold its view permission.
    The permissions are loaded once per request (ModelBackend's cache on the user)."""
    user = request.user
    return user.is_active and user.is_staff and user.has_perm(permission)
