"""The navigation shell: which places a user may go to, built in this one place.

base.html and field/base.html render the list (context processor ``shell``); the keys are a
contract with the browser tests (``<a data-nav="<key>">``), so they do not change. A link is
shown only where its page answers the user with the page itself, never a 403 or a redirect:
the same rules as the views (core.access for the roles, field.posko for the Posko operator,
the admin's own ``has_permission``), checked without a query of their own.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import clock
from core.access import DASHBOARD_ROLES, Access, Role, access_of
from field.access import ADMIN_ROLES, POSKO_PERMISSION, is_posko_operator

# What the shell says the operation is. One deployment runs one operation (API.md); reading its
# row would cost every page a query, so the name is the deployment's, translated like the rest.
OPERATION_LABEL = _("Operasi Mantap Praja Semeru 2024 · Polres Kediri Kota")

# The annotation opsboard.auth puts on the signed-in user: whether they hold the Posko
# permission themselves or through a group (read in the user's own query).
POSKO_GRANT_ATTRIBUTE = "posko_granted"


@dataclass(frozen=True)
class Place:
    key: str  # data-nav: stable, the browser tests click by it
    label: Promise
    url_name: str
    # The URL names that count as being in this place (aria-current).
    within: frozenset[str]


def _place(key: str, label: Promise, url_name: str, *within: str) -> Place:
    return Place(key, label, url_name, frozenset({url_name, *within}))


DASHBOARD = _place("dashboard", _("Dasbor"), "opsboard:dashboard", "opsboard:tps_detail")
WALL = _place("wall", _("Layar dinding"), "opsboard:wallscreen")
# The incident board and an incident's page are reached from the feed: the same place.
INCIDENTS = _place(
    "incidents", _("Insiden"), "field:incidents", "field:incident_board", "field:incident_detail"
)
CHECKINS = _place("checkins", _("Check-in"), "field:checkins")
INSTRUCTIONS = _place("instructions", _("Instruksi"), "field:instructions")
CARDS = _place("cards", _("Kartu tugas"), "field:cards", "field:cards_print")
POSKO = _place("posko", _("Posko"), "field:posko")
RAPAT = _place(
    "rapat",
    _("Rapat"),
    "coordination:meeting_list",
    "coordination:meeting_detail",
    "coordination:action_item_list",
    "coordination:readiness",
    "coordination:changes",
)
# The daily report: the Polres's for the command and admins, a Polsek's for its staff
# (docs/daily-report.md).
LAPORAN = _place(
    "laporan",
    _("Laporan harian"),
    "reports:report_list",
    "reports:report_detail",
    "reports:report_anev",
)
# The special reports: everyone of the dashboard reads their scope's; the command writes them.
KHUSUS = _place("khusus", _("Laporan khusus"), "special:report_list", "special:report_detail")
SEARCH = _place("search", _("Cari"), "opsboard:search")
ADMIN = _place("admin", _("Admin"), "admin:index")
ME = _place("me", _("Tugas saya"), "opsboard:me", "field:tps_status")
REPORT = _place("report", _("Lapor"), "field:report")


@dataclass(frozen=True)
class Link:
    key: str
    label: Promise
    url: str
    current: bool


def with_posko_grant(users: QuerySet) -> QuerySet:
    """Users annotated with whether they hold the Posko permission, directly or through a
    group: two EXISTS in the user's own query, so that the shell of every page of command and
    Polsek staff costs no permission query (ModelBackend would load all their permissions)."""
    app_label, codename = POSKO_PERMISSION.split(".")
    permission = Q(permission__content_type__app_label=app_label, permission__codename=codename)
    own = users.model.user_permissions.through.objects.filter(permission, user_id=OuterRef("pk"))
    via_group = Group.permissions.through.objects.filter(permission, group__user=OuterRef("pk"))
    granted = ExpressionWrapper(Exists(own) | Exists(via_group), output_field=BooleanField())
    return users.annotate(**{POSKO_GRANT_ATTRIBUTE: granted})


def may_use_posko(user, access: Access) -> bool:
    """field.access.is_posko_operator, from the user's own row when opsboard.auth read it."""
    if access.role in ADMIN_ROLES:
        return True
    if access.role not in (Role.COMMAND, Role.POLSEK):
        return False
    granted = getattr(user, POSKO_GRANT_ATTRIBUTE, None)
    if granted is None:  # a user not read by opsboard.auth (just signed in, a test's object)
        return is_posko_operator(user)
    return bool(granted)


def may_use_admin(request: HttpRequest) -> bool:
    return admin.site.has_permission(request)


def places_for(request: HttpRequest) -> list[Place]:
    """The places the request's user may use, in the shell's order."""
    user = getattr(request, "user", None)
    access = access_of(user)
    if access.role is Role.FIELD:
        return [ME, REPORT]
    if access.role not in DASHBOARD_ROLES:
        return []
    places = [DASHBOARD, WALL, INCIDENTS, CHECKINS, INSTRUCTIONS]
    if access.role in ADMIN_ROLES:
        places.append(CARDS)
    if may_use_posko(user, access):
        places.append(POSKO)
    places.append(RAPAT)
    places.extend((LAPORAN, KHUSUS))
    places.append(SEARCH)
    if may_use_admin(request):
        places.append(ADMIN)
    return places


def current_url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def links_for(request: HttpRequest) -> list[Link]:
    here = current_url_name(request)
    return [
        Link(place.key, place.label, reverse(place.url_name), here in place.within)
        for place in places_for(request)
    ]


class Shell:
    """What base.html shows around every page; computed only when a template reads it, so
    htmx fragments that render no shell pay nothing."""

    operation_label = OPERATION_LABEL

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def links(self) -> list[Link]:
        return links_for(self.request)

    @cached_property
    def keys(self) -> list[str]:
        return [link.key for link in self.links]

    @cached_property
    def search_url(self) -> str:
        """The search box's action, "" for whoever may not search (field officers)."""
        return reverse(SEARCH.url_name) if "search" in self.keys else ""

    @cached_property
    def home_url(self) -> str:
        """Where the brand leads: the role's landing page."""
        role = access_of(getattr(self.request, "user", None)).role
        if role is Role.FIELD:
            return reverse(ME.url_name)
        if role is Role.ANONYMOUS:
            return reverse("login")
        return reverse(DASHBOARD.url_name)

    @property
    def now(self) -> datetime:
        return clock.now()
