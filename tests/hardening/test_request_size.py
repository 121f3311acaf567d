"""Uploads above the limit are refused before their body is read (issue #9)."""

import pytest
from django.test import Client

from core.http import RequestSizeLimitMiddleware
from deployments.models import ImportJob

pytestmark = pytest.mark.django_db

TOO_BIG = str(RequestSizeLimitMiddleware.FORM_OVERHEAD_BYTES + 64 * 1024 * 1024)


class Unread:
    """A body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _declared(client: Client, path: str, **headers):
    """A POST that declares a 65 MB body it never sends."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": TOO_BIG,
        "wsgi.input": Unread(),
        **headers,
    }
    return client.request(**environ)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/deployments/personnel/import/",
        "/admin/coordination/meeting/add/",
        "/me/lapor/",
        "/accounts/login/",
    ],
)
def test_a_declared_body_over_the_limit_is_refused_unread(login, ops_admin, path):
    response = _declared(login(ops_admin), path)

    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_phone_gets_the_refusal_in_json(login, field_officer):
    response = _declared(login(field_officer), "/me/lapor/", HTTP_ACCEPT="application/json")

    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.json()["errors"]["__all__"][0]


def test_a_body_within_the_limit_reaches_the_view(login, ops_admin):
    response = login(ops_admin).post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code != 413
