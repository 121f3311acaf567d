"""The pages of the project app: health, the command dashboard and its parts. The map's layers
under /api/ are in opsboard/map_views.py, the field officer's /me/ in field/views.py."""

import json
import logging
import re
import sys

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import clock
from core.db.postgresql.base import answering_within
from core.formats import wib_time
from core.http import HtmxHttpRequest, dashboard_required
from deployments.selectors import current_operation, default_phase
from field.selectors import tps_history, tps_live_state
from opsboard import errors, exports
from opsboard.dashboard import (
    CACHE_SECONDS,
    MAP_AGGREGATE_ABOVE,
    Dashboard,
    DashboardFilterForm,
    tps_assignments,
    tps_coverage,
    tps_guards,
)
from opsboard.dashboard import cache as shared_cache
from opsboard.object_exports import object_table
from opsboard.selectors import coverage_snapshot
from tps.models import TPS

HEALTHZ_DATABASE_SECONDS = 2


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose: 503 only when the database is down.

    A database that accepts but does not answer must show as down well within the container's
    health check (docker/healthcheck.py waits 5 s), not after a request's whole answer timeout.
    """
    try:
        with answering_within(connection, HEALTHZ_DATABASE_SECONDS):
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "down"
    if not settings.REDIS_URL:
        broker = "absent"
    else:
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
            client.ping()
            broker = "ok"
        except redis.RedisError:
            broker = "down"
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "broker": broker}, status=status)


# The command dashboard (docs/dashboard.md)

DASHBOARD = "opsboard/dashboard.html"
# htmx target → the partial that answers it. "figures" answers with the live bundle: the
# figures, and every other live part out of band, so that one request refreshes them together.
DASHBOARD_PARTS = {"figures": "live", "gaps": "gaps", "areas": "areas"}
POLL_SECONDS = 30
WALL_CYCLE_SECONDS = 20
POLL_HEADER = "X-Opsboard-Poll"
# A part's body is rendered once per version (its ETag) across all workers; only the time of the
# refresh is written into it on the way out, and sent as a header beside a 304.
REFRESHED_AT = re.compile(rb'(data-figure="refreshed-at">)[^<]*(<)')
REFRESHED_HEADER = "X-Opsboard-Refreshed"
PART_VARY = ["HX-Request", "HX-Target", POLL_HEADER]


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET,
        user=request.user,
        operation=current_operation(with_phases=True),
        at=clock.now(),
    )


def _dashboard_of(request: HttpRequest, form: DashboardFilterForm) -> Dashboard:
    return Dashboard(
        request.user,
        form.cleaned_data,
        operation=form.operation,
        default_phase=form.default_phase,
    )


def _invalid_filters(request: HttpRequest, form: DashboardFilterForm) -> HttpResponse:
    return render(
        request,
        "opsboard/filters_invalid.html",
        {"errors": form.error_lines()},
        status=400,
    )


def _map_settings() -> dict:
    leaflet = settings.LEAFLET_CONFIG
    return {
        "tile_url": settings.OPSBOARD_TILE_URL,
        "center": ",".join(str(c) for c in leaflet.get("DEFAULT_CENTER", (-7.82, 111.98))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 11),
        "aggregate_above": MAP_AGGREGATE_ABOVE,
    }


def _refreshed_event(dash: Dashboard) -> str:
    """HX-Trigger: tells the map what changed, so that it recolours or reloads its layer."""
    snapshot = dash.snapshot
    return json.dumps(
        {
            "opsboard:refreshed": {
                "snapshot": snapshot.pk if snapshot is not None else None,
                "query": dash.map_query,
                "tps": dash.map_tps_count,
                "default_phase": dash.phase_is_default,
                "status_filter": bool(dash.filters.get("status")),
            }
        }
    )


def _conditional_part(
    request: HttpRequest, dash: Dashboard, template: str, context: dict, *variant
) -> HttpResponse:
    """A part of a page for htmx: 304 while the browser holds this version of it, else its body.

    The ETag says what the part depends on (Dashboard.validator): the same answer for every
    worker, so a poll after a change costs one render in the whole server, not one per worker.
    """
    tag = f'"{dash.validator(template, *variant)}"'
    refreshed = wib_time(context["refreshed_at"])
    response = get_conditional_response(request, etag=tag)
    if response is None:
        body = shared_cache.get_or_compute(
            f"opsboard:dash:body:v1:{tag[1:-1]}",
            lambda: render_to_string(template, context, request).encode(),
            CACHE_SECONDS,
        )
        stamp = escape(refreshed).encode()
        body = REFRESHED_AT.sub(lambda m: m.group(1) + stamp + m.group(2), body, count=1)
        response = HttpResponse(body)
    response["ETag"] = tag
    response[REFRESHED_HEADER] = refreshed
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, PART_VARY)
    return response


@require_GET
@dashboard_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The dashboard, or one of its parts for htmx (filters, polling, sorting, pages)."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(request, form)
    dash = _dashboard_of(request, form)
    part = DASHBOARD_PARTS.get(request.htmx.target) if request.htmx else None
    poll = request.headers.get(POLL_HEADER) == "1"
    context = {
        "dash": dash,
        "oob": part == "live",
        "with_filters": part == "live" and not poll,
        "refreshed_at": timezone.now(),
        "poll_seconds": POLL_SECONDS,
        "map": _map_settings(),
    }
    if part is None:
        response = render(request, DASHBOARD, context)
        patch_vary_headers(response, PART_VARY)
        return response
    # The live bundle shows the staleness mark, which is real time (one query).
    variant = (part, poll, dash.stale) if part == "live" else (part,)
    response = _conditional_part(request, dash, f"{DASHBOARD}#{part}", context, *variant)
    if response.status_code != 200:
        return response
    if not poll:
        response["HX-Push-Url"] = reverse("opsboard:dashboard") + dash.page_query
    if part == "live":
        response["HX-Trigger"] = _refreshed_event(dash)
    return response


@require_GET
@dashboard_required
def wallscreen(request: HtmxHttpRequest) -> HttpResponse:
    """Read-only, large type, for the Posko's wall: cycles through the kecamatan by itself."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(request, form)
    dash = _dashboard_of(request, form)
    part = request.htmx.target == "wall-live" if request.htmx else False
    context = {
        "dash": dash,
        "refreshed_at": timezone.now(),
        "cycle_seconds": WALL_CYCLE_SECONDS,
        "map": _map_settings(),
    }
    if part:
        template = "opsboard/wallscreen.html#wall-live"
        response = _conditional_part(request, dash, template, context, dash.stale)
        if response.status_code == 200:
            response["HX-Trigger"] = _refreshed_event(dash)
        return response
    # The whole operation first, then each kecamatan in scope, round and round.
    options = dash.kecamatan_options if dash.access.sees_everything else []
    context["cycle"] = ",".join(["", *(k.code for k in options)])
    context["total_tps"] = dash.figures["tps_total"] if not dash.filtered else 0
    response = render(request, "opsboard/wallscreen.html", context)
    patch_vary_headers(response, PART_VARY)
    return response


@require_GET
@dashboard_required
def export_table(request: HttpRequest, table: str) -> HttpResponse:
    """The gap table, the area table (with the guarded objects as a second XLSX sheet) or the
    guarded objects' table, as filtered on the dashboard: XLSX, CSV for Excel set to Indonesian
    (csv-excel), or CSV for programs (csv)."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(request, form)
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in exports.FORMATS:
        return HttpResponse(
            _("Format ekspor tidak dikenal: %(format)s (gunakan xlsx, csv-excel atau csv).")
            % {"format": fmt},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    dash = _dashboard_of(request, form)
    if table == "objects":
        return exports.response(request, object_table(dash), fmt)
    build = exports.gap_table if table == "gaps" else exports.area_table
    built = build(dash)
    if table == "areas":  # the guarded objects on a second sheet of the XLSX
        built.more.append(object_table(dash))
    return exports.response(request, built, fmt)


def _station(request: HttpRequest, pk: int):
    tps = TPS.objects.visible_to(request.user).with_places()
    return get_object_or_404(tps.defer("desa__boundary", "desa__kecamatan__boundary"), pk=pk)


def _phase_of(request: HttpRequest):
    """The phase named by ?phase=, else the default one; None for an unknown code."""
    operation = current_operation(with_phases=True)
    shown = default_phase(operation, clock.now())
    code = request.GET.get("phase")
    if not code or operation is None:
        return shown
    return next((p for p in operation.phases.all() if p.code == code), shown)


@require_GET
@dashboard_required
def tps_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One TPS: its place and class, its coverage, every assignment with its Sprin, and its
    field timeline (check-ins, status steps, reports, incidents, newest first)."""
    context = _tps_context(request, pk)
    context["assignments"] = tps_assignments(context["station"])
    context["indicators"] = list(context["station"].indicators.all())
    context["timeline"] = tps_history(context["station"])
    return render(request, "opsboard/tps_detail.html", context)


def _tps_context(request: HttpRequest, pk: int) -> dict:
    """A TPS in the user's scope with its coverage and guards in the phase asked for, and
    its live field state (last check-in, step reached, open incidents)."""
    station = _station(request, pk)
    phase = _phase_of(request)
    snapshot = coverage_snapshot(phase)
    return {
        "station": station,
        "phase": phase,
        "snapshot": snapshot,
        "coverage": tps_coverage(station, snapshot),
        "guards": tps_guards(station, phase),
        "live": tps_live_state(station),
    }


@require_GET
@dashboard_required
def tps_popup(request: HttpRequest, pk: int) -> HttpResponse:
    """The map's popup, fetched when it opens: small, so the map layer can stay lean."""
    response = render(request, "opsboard/tps_detail.html#popup", _tps_context(request, pk))
    patch_cache_control(response, private=True, max_age=0)
    return response


# Error pages (handler500 in opsboard/urls.py)

logger = logging.getLogger(__name__)

UNAVAILABLE = "opsboard/unavailable.html"
RETRY_AFTER_SECONDS = 30
# SQLSTATEs of a server that is shutting down, crashed or still starting. Other server errors
# (a deadlock, a cancelled statement) come from a reachable database: a bug or a race, not an
# outage, so they keep the plain 500.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error raised from it, says the database cannot be reached.

    Django wraps the driver's errors (the driver's own is the __cause__); code that talks to
    the driver directly may let psycopg's "the connection is closed" through unwrapped. Only
    explicit causes count, not every error met while handling one: an error inside the 503
    answer itself must end in the plain 500, not in another try at the 503.
    """
    driver = connection.Database  # psycopg, or sqlite3
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (InterfaceError, driver.InterfaceError)):
            return True
        if isinstance(error, (OperationalError, driver.OperationalError)):
            # Errors raised by the client (refused, timed out, connection lost) carry no
            # SQLSTATE; a server going away says 08xxx or 57P0x.
            sqlstate = getattr(error.__cause__ or error, "sqlstate", None)
            return sqlstate is None or sqlstate[:2] == "08" or sqlstate in _UNAVAILABLE_SQLSTATES
        error = error.__cause__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is unreachable, the Indonesian 500 page with the
    shell for anything else (opsboard/errors.py).

    Django calls it inside the `except` block of response_for_exception, for errors raised by a
    view or by any middleware (the session loaded by LoginRequiredMiddleware, the session saved
    in SessionMiddleware.process_response), so sys.exc_info() holds the error. With DEBUG=true
    Django shows its technical page instead and never calls this.
    """
    error = sys.exc_info()[1]
    if not database_unavailable(error):
        return errors.server_error_page(request)
    return database_unavailable_response(request, error)


def database_unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 answer, built without the database: no context processors (they read the user),
    no template tag that queries. JSON for the API and the field phone's queue, a fragment for
    htmx (htmx does not swap it; the dashboard keeps its figures and says the refresh failed),
    a page for a browser."""
    message = _(
        "Basis data sedang tidak terjangkau — coba lagi sebentar lagi; "
        "data yang sudah tersimpan aman."
    )
    if request.path_info.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    ):
        response = JsonResponse({"error": message}, status=503)
    else:
        fragment = request.headers.get("HX-Request") == "true"
        context = {
            "message": message,
            "retry_url": request.get_full_path(),
            "stylesheet": "" if fragment else _stylesheet(),
        }
        body = render_to_string(UNAVAILABLE + ("#unavailable" if fragment else ""), context)
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request", "Accept"])
    # Nothing after this may try the database again for the session: SessionMiddleware reads
    # the expiry of a session it is to save (a modified one, or every one with
    # SESSION_SAVE_EVERY_REQUEST) before it checks for a 5xx, and a session that failed to load
    # would load again, another connect_timeout on a silent host. The cookie stays as it is,
    # so the user is still signed in once the database is back.
    if hasattr(request, "session"):
        del request.session
    # One line, no traceback: the outage is the news. Django's own line is skipped, since it
    # names the path, and a sign-in link's path carries its token.
    match = request.resolver_match
    reason = str(error).strip().partition("\n")[0][:200]
    logger.error(
        "Database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        f"/{match.route}" if match is not None else "(unresolved)",
        type(error).__name__,
        reason,
    )
    response._has_been_logged = True
    return response


def _stylesheet() -> str:
    # The manifest of collected static files may be what is missing on a broken deployment;
    # the page then goes without its stylesheet rather than fail.
    try:
        return static("opsboard/base.css")
    except ValueError:
        return ""
