"""The read API (API.md): thin views over opsboard.forms (filters) and opsboard.selectors (reads).

Anonymous requests get 401 and roles without access 403, both as JSON (``api_view``). Every
answer is private to the signed-in user: the session cookie already adds ``Vary: Cookie``, and
``private, max-age=0`` keeps shared caches from storing one user's scope for another.
"""

import gzip
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.access import DASHBOARD_ROLES, access_of
from core.http import api_view
from deployments.models import CoverageSnapshot
from deployments.selectors import current_operation, default_phase
from opsboard import selectors
from opsboard.dashboard import cache, status
from opsboard.dashboard.filters import scope_key
from opsboard.forms import APIFilterForm, PersonnelFilterForm, TPSFilterForm

GEOJSON = "application/geo+json"
BODY_SECONDS = 15 * 60
# Bodies above this are rebuilt rather than stored: the whole map layer of a Polda (~9 MB) is
# what bbox= and the aggregated markers exist to avoid, and would crowd out everything else.
BODY_MAX_BYTES = 2 * 1024 * 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _json(data: dict[str, Any], *, status: int = 200, content_type: str = "application/json"):
    # Compact separators: the map layer of 839 TPS is a fifth smaller without the spaces.
    response = JsonResponse(
        data,
        status=status,
        content_type=content_type,
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
    )
    patch_cache_control(response, private=True, max_age=0)
    return response


def _invalid(form: APIFilterForm) -> JsonResponse:
    return _json(form.error_body(), status=400)


def conditional_json(
    request: HttpRequest,
    snapshot: CoverageSnapshot | None,
    build: Callable[[], dict[str, Any]],
    *,
    name: str,
    content_type: str = "application/json",
    extra: tuple = (),
) -> HttpResponse:
    """A JSON answer that follows the coverage snapshot: 304 while the client holds this version,
    else the body built once per version across all workers (the shared cache).

    The ETag names the snapshot, the role and scope, the language and the query string: all an
    answer of these endpoints depends on (the engine writes a new snapshot on every change of
    its inputs, TPS included). Without a snapshot there is nothing to follow: no ETag.
    """
    if snapshot is None:
        return _json(build(), content_type=content_type)
    access = access_of(request.user)
    tag = '"{}"'.format(
        cache.digest(
            name,
            cache.snapshot_token(snapshot),
            access.role,
            scope_key(access),
            translation.get_language() or "",
            urlencode(sorted(request.GET.items())),
            *extra,
        )
    )
    response = get_conditional_response(request, etag=tag)
    if response is None:
        response = _stored_body(request, f"opsboard:api:body:v2:{tag[1:-1]}", build, content_type)
    response["ETag"] = tag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _stored_body(
    request: HttpRequest, key: str, build: Callable[[], dict[str, Any]], content_type: str
) -> HttpResponse:
    """The body of one version, stored gzipped: compressing 1 MB of status again on every
    answer was most of a full tps-status.json's cost at Polda size (docs/benchmarks.md). These
    bodies carry no secret a page could reflect, so GZipMiddleware's BREACH padding is not
    needed here; a client that does not take gzip (rare) gets it inflated."""
    packed = cache.get(key)
    if packed is None:
        data = build()
        body = json.dumps(
            data, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
        ).encode()
        if len(body) > BODY_MAX_BYTES:
            return HttpResponse(body, content_type=content_type)
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        cache.put(key, packed, BODY_SECONDS)
    gzipped = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
    if not gzipped:
        response = HttpResponse(gzip.decompress(packed), content_type=content_type)
    else:
        response = HttpResponse(packed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(packed))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@api_view(*DASHBOARD_ROLES)
@require_GET
def summary(request: HttpRequest) -> JsonResponse:
    return _json(selectors.operation_summary(request.user))


@api_view(*DASHBOARD_ROLES)
@require_GET
def tps_geojson(request: HttpRequest) -> JsonResponse:
    form = TPSFilterForm(
        request.GET,
        user=request.user,
        operation=current_operation(with_phases=True),
        at=clock.now(),
    )
    if not form.is_valid():
        return _invalid(form)
    filters = form.cleaned_data
    snapshot = filters["snapshot"]
    # The layer says whether its snapshot is stale, which is real time (one query).
    stale = selectors.coverage_is_stale(snapshot) if snapshot is not None else False
    return conditional_json(
        request,
        snapshot,
        lambda: selectors.tps_feature_collection(request.user, filters, stale=stale),
        name="tps:v1",
        content_type=GEOJSON,
        extra=(stale,),
    )


@api_view(*DASHBOARD_ROLES)
@require_GET
def tps_status(request: HttpRequest) -> HttpResponse:
    """API.md's shape; ``?since=<snapshot id>`` gives only what changed since that snapshot
    (docs/api-additions.md)."""
    raw = request.GET.get("since", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        message = _("since harus berupa nomor snapshot (bilangan bulat positif): %(value)s") % {
            "value": raw[:40]
        }
        return _json({"errors": {"since": [message]}}, status=400)
    phase = default_phase(current_operation(with_phases=True), clock.now())
    snapshot = selectors.coverage_snapshot(phase)

    def build() -> dict[str, Any]:
        # An unknown or pruned snapshot gives the whole status, without "since": start afresh.
        since = status.earlier_snapshot(snapshot, int(raw)) if raw else None
        return status.tps_status(request.user, phase, snapshot=snapshot, since=since)

    return conditional_json(request, snapshot, build, name="status:v1")


@api_view(*DASHBOARD_ROLES)
@require_GET
def personnel(request: HttpRequest) -> JsonResponse:
    form = PersonnelFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return _invalid(form)
    filters = form.cleaned_data
    paginator = selectors.personnel_paginator(
        request.user,
        force=filters["force"],
        unit=filters["unit"],
        desa=filters["desa"],
        page_size=filters["page_size"],
        at=clock.now(),
    )
    try:
        page = paginator.page(filters["page"])
    except EmptyPage:
        message = _("Halaman %(page)s tidak ada; jumlah halaman %(pages)s.") % {
            "page": filters["page"],
            "pages": paginator.num_pages,
        }
        return _json({"errors": {"page": [message]}}, status=400)
    return _json(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_link(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [selectors.personnel_row(person) for person in page],
        }
    )


def _page_link(request: HttpRequest, number: int) -> str:
    """The same query with another page: /api/personnel.json?force=LINMAS&page=2."""
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"
