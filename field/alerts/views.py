"""The command's pages of area alert levels: the panel (a page, its htmx part and the
dashboard's include), setting a level, ticking a step; the wall screen's part (open incidents
and levels); the map's JSON (levels, open incidents).

Who (docs/incidents.md): the panel, the wall part and the JSON for dashboard readers in their
scope (Polsek staff their kecamatan; another's is a 404); setting a level for the command
(command staff, admins, superusers: Polsek staff get 403 on their own kecamatan); ticking a
step for dashboard readers in scope. Field officers get 403 everywhere.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import DASHBOARD_ROLES, UNSCOPED_ROLES, access_of
from core.formats import iso
from core.http import HtmxHttpRequest, api_view
from field import command
from field.alerts import selectors, services
from field.alerts.models import AlertLevel, ChecklistItem
from field.incidents.selectors import incident_board, open_incident_features
from tps.models import Kecamatan

PAGE = "field/alert_panel.html"
PART = "field/_alert_panel.html"
WALL = "field/_wall_board.html"


def _panel(request: HtmxHttpRequest, *, status: int = 200, errors=None, failed=None):
    context = {
        "panel": selectors.alert_panel(request.user),
        "may_set": access_of(request.user).role in UNSCOPED_ROLES,
        "errors": errors or [],
        "failed": failed,
    }
    response = render(request, PART if request.htmx else PAGE, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@command.command_required
@require_GET
def alert_panel(request: HtmxHttpRequest) -> HttpResponse:
    """Each kecamatan's level in force, its checklist, the latest settings."""
    return _panel(request)


def _done(request: HtmxHttpRequest, text: str) -> HttpResponse:
    if request.htmx:
        return _panel(request)
    messages.success(request, text)
    return HttpResponseRedirect(command._back_to(request, reverse("field:alert_panel")))


@command.command_required
@require_POST
def alert_set(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Set a kecamatan's level (``level``, ``reason``): done, or 422 with the reason."""
    kecamatan = get_object_or_404(
        Kecamatan.objects.visible_to(request.user).defer("boundary"), pk=pk
    )
    if access_of(request.user).role not in UNSCOPED_ROLES:
        return render(request, "field/forbidden.html", status=403)
    level = request.POST.get("level", "")
    try:
        services.area_alert_set(
            kecamatan=kecamatan, level=level, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as exc:
        return _panel(request, status=422, errors=exc.messages, failed=kecamatan.pk)
    return _done(
        request,
        _("Kec. %(name)s: tingkat siaga %(level)s.")
        % {"name": kecamatan.name, "level": AlertLevel(level).label},
    )


@command.command_required
@require_POST
def alert_tick(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Tick one step of a checklist in force."""
    items = ChecklistItem.objects.filter(
        alert__kecamatan__in=Kecamatan.objects.visible_to(request.user).values("pk")
    )
    item = get_object_or_404(items, pk=pk)
    try:
        services.checklist_item_tick(item=item, by=request.user)
    except ValidationError as exc:
        return _panel(request, status=422, errors=exc.messages)
    return _done(request, _("Langkah dicentang: %(text)s") % {"text": item.text})


@command.command_required
@require_GET
def wall_board(request: HtmxHttpRequest) -> HttpResponse:
    """The wall screen's part: open incidents (read-only) and the alert levels."""
    context = {
        "board": incident_board(request.user, with_medians=False),
        "levels": selectors.area_levels(request.user),
    }
    response = render(request, WALL, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@api_view(*DASHBOARD_ROLES)
@require_GET
def area_alerts_json(request) -> JsonResponse:
    """GET /api/area-alerts.json (docs/api-additions.md): the level of each kecamatan in scope,
    to colour the map's kecamatan."""
    response = JsonResponse(
        {
            "clock": iso(clock.now()),
            "labels": {value: str(label) for value, label in AlertLevel.choices},
            "levels": {
                row["code"]: {
                    "level": row["level"],
                    "name": row["name"],
                    "set_at": iso(row["set_at"]),
                }
                for row in selectors.area_levels(request.user)
            },
        }
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response


@api_view(*DASHBOARD_ROLES)
@require_GET
def incidents_geojson(request) -> HttpResponse:
    """GET /api/incidents.geojson (docs/api-additions.md): the open incidents in scope."""
    response = JsonResponse(
        open_incident_features(request.user),
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
    )
    response["Content-Type"] = "application/geo+json"
    patch_cache_control(response, private=True, no_cache=True)
    return response
