"""Request typing, access decorators and the middleware that every response passes through."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from opsboard.roles import Access, Role, access_of


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def dashboard_required(view: Callable) -> Callable:
    """Pages for command staff, Polsek staff and admins; a field officer goes to /me/."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        access = access_of(request.user)
        if access.reads_dashboard:
            return view(request, *args, **kwargs)
        if access.role is Role.FIELD:
            return redirect("opsboard:me")
        return HttpResponse(_("Anda tidak berhak membuka halaman ini."), status=403)

    return wrapper


def field_officer_required(view: Callable) -> Callable:
    """Pages for field officers; everyone without a Personnel record goes to the dashboard."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if access_of(request.user).role is not Role.FIELD:
            return redirect("opsboard:dashboard")
        return view(request, *args, **kwargs)

    return wrapper


def api_view(*roles: Role) -> Callable[[Callable], Callable]:
    """JSON endpoints: anonymous gets 401, a role without access 403, both with a JSON body."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            access: Access = access_of(request.user)
            if access.role is Role.ANONYMOUS:
                return JsonResponse({"detail": _("Silakan masuk terlebih dahulu.")}, status=401)
            if access.role not in allowed:
                return JsonResponse({"detail": _("Akses ditolak untuk peran Anda.")}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HtmxLoginRedirectMiddleware:
    """An htmx request from an expired session gets HX-Redirect to the login page (API.md).

    A plain 302 would be followed by the browser's XHR and the login form swapped into a
    fragment of the page.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and response["Location"].startswith(settings.LOGIN_URL)
        ):
            htmx_response = HttpResponse(status=204)
            htmx_response["HX-Redirect"] = response["Location"]
            return htmx_response
        return response


class SecurityHeadersMiddleware:
    """Headers that Django's SecurityMiddleware does not set."""

    PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
