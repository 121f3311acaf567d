"""Request typing, access decorators and the middleware that every response passes through."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from core.access import Access, Role, access_of


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
        # handler403's page (opsboard/errors.py): Indonesian, with the shell and sign-out.
        raise PermissionDenied

    return wrapper


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Pages for the given roles only; everyone else signed in gets 403 (handler403's page),
    a field officer too: these pages are not theirs to be sent to."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if access_of(request.user).role in allowed:
                return view(request, *args, **kwargs)
            raise PermissionDenied

        return wrapper

    return decorator


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


class IgnoreBrowserLanguageMiddleware:
    """Opsboard is in Indonesian until someone picks English in the language switch.

    Most officers' phones and many office browsers are set to English; with Accept-Language
    honoured they would silently get English, which the Polres does not work in, and would
    not know that a switch exists. Placed before LocaleMiddleware, it hides the header, so
    the language is the `django_language` cookie that /i18n/setlang/ sets, else LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


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


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than any upload Opsboard takes (413),
    before a byte of it is read: the largest upload limit (an import sheet or a rakor
    attachment, 10 MB; a field photo, 8 MB) plus room for the form around it. Each upload's
    own limit is still checked, with its own message, once its body has been read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, and streams a large one to disk
    whole before any view can look at it.
    """

    FORM_OVERHEAD_BYTES = 1024 * 1024

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.limit = (
            max(
                settings.FIELD_PHOTO_MAX_BYTES,
                settings.COORDINATION_ATTACHMENT_MAX_BYTES,
                settings.IMPORT_MAX_BYTES,
            )
            + self.FORM_OVERHEAD_BYTES
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= self.limit:
            return self.get_response(request)
        message = _("Kiriman terlalu besar: paling besar %(mb)s MB.") % {
            "mb": self.limit // (1024 * 1024)
        }
        if "application/json" in request.headers.get("Accept", "") or request.path.startswith(
            "/api/"
        ):
            # The shape of every refused submission (docs/api-additions.md, the phone's queue).
            return JsonResponse({"errors": {"__all__": [message]}}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
