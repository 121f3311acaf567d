"""The product's URLs and /bench/bare/: Django's floor on the same server, through the same
middleware, returning two bytes without reading the database."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from opsboard.urls import handler500  # noqa: F401 (the product's error page)
from opsboard.urls import urlpatterns as product


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product]
