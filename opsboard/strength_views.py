"""The strength ledger per unit (docs/strength.md): a page, and the dashboard's lazy part of
it (htmx), at the operation clock; the page lists the reserve pool under it. Read like the
dashboard: Polsek staff get their kecamatan's people, a field officer goes to /me/."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from core import clock
from core.access import access_of
from core.http import HtmxHttpRequest, dashboard_required
from deployments.ledger import RESERVE_SHOWN, ledger_total, reserve_pool, strength_by_unit

PAGE = "opsboard/strength.html"


@require_GET
@dashboard_required
def strength(request: HtmxHttpRequest) -> HttpResponse:
    at = clock.now()
    rows = strength_by_unit(request.user, at=at)
    context = {
        "rows": rows,
        "total": ledger_total(rows),
        "at": at,
        "warn_percent": settings.STRENGTH_COMMITTED_WARN_PERCENT,
        # The what-if page is the command's and the admins' (opsboard/what_if_views.py).
        "can_move": access_of(request.user).sees_everything,
    }
    if not request.htmx:
        # The page lists the reserve pool under the ledger; the dashboard's part links to it.
        context["reserves"] = reserve_pool(request.user, at=at)
        context["reserves_shown"] = RESERVE_SHOWN
    response = render(request, PAGE + "#strength" if request.htmx else PAGE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
