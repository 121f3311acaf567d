"""The guarded objects' coverage (obyek pengamanan, docs/coverage.md): a page, and the
dashboard's lazy part of it (htmx) beside the TPS coverage, at the operation clock, and the
same as JSON. Read like the dashboard: Polsek staff get their kecamatan's objects, a field
officer goes to /me/ (403 from the API)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from core import clock
from core.access import DASHBOARD_ROLES
from core.formats import iso
from core.http import HtmxHttpRequest, api_view, dashboard_required
from deployments.coverage.objects import ObjectShifts, objects_at, shift_block
from deployments.selectors import current_operation, default_phase
from opsboard.api import _json
from opsboard.selectors import coverage_is_stale, coverage_snapshot

PAGE = "opsboard/guarded_objects.html"


@require_GET
@dashboard_required
def guarded_objects(request: HtmxHttpRequest) -> HttpResponse:
    at = clock.now()
    phase = default_phase(current_operation(with_phases=True), at)
    snapshot = coverage_snapshot(phase)
    context = {"coverage": objects_at(request.user, snapshot, at=at), "snapshot": snapshot}
    response = render(request, PAGE + "#guarded-objects" if request.htmx else PAGE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@api_view(*DASHBOARD_ROLES)
@require_GET
def guarded_objects_json(request: HttpRequest) -> JsonResponse:
    """/api/obyek.json (docs/api-additions.md): what the panel shows, as JSON. Not conditional
    like the TPS layers: the shift under way moves with the clock, not only with the snapshot."""
    at = clock.now()
    phase = default_phase(current_operation(with_phases=True), at)
    snapshot = coverage_snapshot(phase)
    coverage = objects_at(request.user, snapshot, at=at)
    return _json(
        {
            "at": iso(at),
            "phase": phase.code if phase else None,
            "computed_at": iso(snapshot.computed_at) if snapshot else None,
            "stale": coverage_is_stale(snapshot) if snapshot else False,
            "counts": coverage.counts,
            "objects": [_object_json(item) for item in coverage.objects],
        }
    )


def _object_json(item: ObjectShifts) -> dict[str, Any]:
    post = item.post
    kecamatan = post.desa.kecamatan if post.desa_id else None
    return {
        "id": post.pk,
        "name": post.name,
        "kind": post.kind,
        "kind_label": post.get_kind_display(),
        "kecamatan": kecamatan.code if kecamatan else None,
        "kecamatan_name": kecamatan.name if kecamatan else None,
        "protectee": post.protectee or None,
        "kerawanan": post.kerawanan or None,
        "remote": post.remote,
        "status": item.status,
        "current": shift_block(item.current),
        "next": shift_block(item.next),
    }
