"""The global search page, /cari/?q= (opsboard/search.py does the finding)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import dashboard_required
from opsboard.search import QueryTooLong, SearchResults, site_search, too_long_message

SEARCH = "opsboard/search.html"


@require_GET
@dashboard_required
def search(request: HttpRequest) -> HttpResponse:
    """Dashboard readers only: a field officer has no search and is sent to /me/."""
    raw = request.GET.get("q", "")
    try:
        results = site_search(request, raw)
    except QueryTooLong:
        results = SearchResults(query="", hint=too_long_message())
        return render(request, SEARCH, {"results": results}, status=400)
    return render(request, SEARCH, {"results": results, "search_query": results.query})
