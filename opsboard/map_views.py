"""The dashboard map's layers under /api/ besides API.md's (docs/api-additions.md): boundaries,
posts and markers aggregated per kecamatan or desa. Thin views over opsboard/dashboard/layers.py."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.access import DASHBOARD_ROLES
from core.http import api_view
from deployments.selectors import current_operation
from opsboard.api import conditional_json
from opsboard.dashboard import (
    AGGREGATE_LEVELS,
    BOUNDARY_LEVELS,
    boundary_collection,
    post_collection,
    tps_aggregates,
)
from opsboard.forms import TPSFilterForm

GEOJSON = "application/geo+json"


def _geojson(data: dict | bytes, *, status: int = 200, max_age: int = 0) -> HttpResponse:
    body = (
        data
        if isinstance(data, bytes)
        else json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    )
    response = HttpResponse(body, status=status, content_type=GEOJSON)
    patch_cache_control(response, private=True, max_age=max_age)
    return response


def _bad_parameter(name: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": {name: [message]}}, status=400)


@api_view(*DASHBOARD_ROLES)
@require_GET
def boundaries_geojson(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") or "kecamatan"
    if level not in BOUNDARY_LEVELS:
        return _bad_parameter(
            "level",
            _("Tingkat batas tidak dikenal: %(value)s (kecamatan atau desa)") % {"value": level},
        )
    return _geojson(boundary_collection(request.user, level), max_age=600)


@api_view(*DASHBOARD_ROLES)
@require_GET
def posts_geojson(request: HttpRequest) -> HttpResponse:
    form = TPSFilterForm(
        {"phase": request.GET.get("phase", "")},
        user=request.user,
        operation=current_operation(with_phases=True),
        at=clock.now(),
    )
    if not form.is_valid():
        return JsonResponse(form.error_body(), status=400)
    return _geojson(post_collection(request.user, form.cleaned_data["phase"]))


# Below this zoom the map's markers are kecamatan, from it desa (static/opsboard/map.js).
DESA_FROM_ZOOM = 13
MAX_ZOOM = 22


@api_view(*DASHBOARD_ROLES)
@require_GET
def tps_aggregate(request: HttpRequest) -> HttpResponse:
    zoom = request.GET.get("zoom") or ""
    if zoom and not (zoom.isascii() and zoom.isdigit() and int(zoom) <= MAX_ZOOM):
        return _bad_parameter(
            "zoom",
            _("zoom harus bilangan bulat 0–%(max)s: %(value)s") % {"max": MAX_ZOOM, "value": zoom},
        )
    default = "desa" if zoom and int(zoom) >= DESA_FROM_ZOOM else "kecamatan"
    level = request.GET.get("level") or default
    if level not in AGGREGATE_LEVELS:
        return _bad_parameter(
            "level",
            _("Tingkat agregasi tidak dikenal: %(value)s (kecamatan atau desa)") % {"value": level},
        )
    form = TPSFilterForm(
        request.GET,
        user=request.user,
        operation=current_operation(with_phases=True),
        at=clock.now(),
    )
    if not form.is_valid():
        return JsonResponse(form.error_body(), status=400)
    filters = form.cleaned_data
    return conditional_json(
        request,
        filters["snapshot"],
        lambda: tps_aggregates(request.user, filters, level),
        name="aggregate:v1",
        content_type=GEOJSON,
    )
