"""The printed dashboard's own part (docs/dashboard.md, Print), beside the dashboard's views.

Its own URL rather than a part of the dashboard page: it holds every uncovered TPS and every
open incident, which the page would otherwise carry in each load and the 30-second refresh
would recompute. The dashboard fetches it once loaded and again when its filters or its
snapshot change (static/opsboard/print.js), so that Ctrl+P finds it in the page.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from core.http import HtmxHttpRequest, dashboard_required
from opsboard.dashboard.printout import dashboard_printout
from opsboard.views import _dashboard_of, _filter_form, _invalid_filters

PRINT_SUMMARY = "opsboard/_print_summary.html"


@require_GET
@dashboard_required
def print_summary(request: HtmxHttpRequest) -> HttpResponse:
    """The dashboard's filters in, the print-only section out; opened without htmx (a page
    without JavaScript links to it), the same section shown on screen."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(request, form)
    dash = _dashboard_of(request, form)
    context = {"dash": dash, "printout": dashboard_printout(dash), "on_screen": not request.htmx}
    response = render(request, PRINT_SUMMARY + "#print-summary", context)
    # Names of reporters and what they reported: never kept by a shared cache or the browser.
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["HX-Request"])
    return response
