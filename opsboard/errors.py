"""Indonesian 403, 404 and 500 pages with the navigation shell, never Django's bare English ones.

handler403 and handler404 in opsboard/urls.py; the 500 is rendered by ``server_error_page``,
which opsboard.views.server_error calls for every error that is not an unreachable database
(that one answers 503 without touching the database). The API, and a phone's queue asking for
JSON, get the same answer as JSON.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# The last resort, when even the page without its shell fails (a template or the manifest of
# static files is what broke): Indonesian still, and no markup that could fail.
LAST_RESORT = (
    '<!doctype html><html lang="id"><meta charset="utf-8"><title>Kesalahan server · Opsboard'
    "</title><h1>Terjadi kesalahan pada server</h1><p>Kesalahan sudah dicatat. Coba lagi "
    'sebentar lagi. <a href="/">Kembali ke Opsboard</a></p></html>'
)


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


# requires_csrf_token: the shell's forms (language switch, sign-out) need a token even when
# the request never reached CsrfViewMiddleware's view step (a URL that resolves to nothing).
@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
    return render(request, "404.html", status=404)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Akses ditolak untuk peran Anda.")}, status=403)
    return render(request, "403.html", status=403)


@requires_csrf_token
def server_error_page(request: HttpRequest) -> HttpResponse:
    """The 500 page: with the shell when the request's user and context can still be read,
    without it when they cannot (the error may be in the user's session, a context processor
    or the shell itself), and as fixed HTML when the template fails too."""
    if _wants_json(request):
        return JsonResponse({"detail": _("Terjadi kesalahan pada server.")}, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception as error:  # any failure here must still end in a page
        # One line: the error that led here is logged by Django with its traceback.
        logger.warning("500 page without its shell: %s: %.200s", type(error).__name__, error)
    try:
        return HttpResponse(render_to_string("500.html"), status=500)
    except Exception as error:
        logger.warning("500 page as fixed HTML: %s: %.200s", type(error).__name__, error)
    return HttpResponse(LAST_RESORT, status=500)
