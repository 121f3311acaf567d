"""The pages of the project app: health, dashboard, the field officer's own page."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from opsboard import selectors
from opsboard.http import dashboard_required, field_officer_required
from opsboard.roles import access_of


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose: 503 only when the database is down."""
    try:
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


@require_GET
@dashboard_required
def dashboard(request: HttpRequest) -> HttpResponse:
    summary = selectors.operation_summary(request.user)
    return render(request, "opsboard/dashboard.html", {"summary": summary})


@require_GET
@field_officer_required
def me(request: HttpRequest) -> HttpResponse:
    personnel = selectors.field_officer_overview(access_of(request.user).personnel_id)
    return render(request, "opsboard/me.html", personnel)
