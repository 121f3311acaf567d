"""Production's 403, 404 and 500 (DEBUG=false): Indonesian pages with the navigation shell,
never Django's bare English ones; the 500 still renders when the user, a context processor or
the page's own template fails (opsboard/errors.py)."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import override_settings
from django.urls import path
from django.utils.functional import SimpleLazyObject

from opsboard import urls as opsboard_urls
from tests.csp import csp_problem
from tests.opsboard.test_navigation import OFFICE, shell_links

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request")


def _bug(request):
    raise RuntimeError("a bug, not an outage")


def _lost_user(request):
    # The user cannot be read any more when the 500 page is drawn: its shell needs the user.
    def fail():
        raise RuntimeError("the user is gone")

    request.user = SimpleLazyObject(fail)
    raise RuntimeError("a bug")


urlpatterns = [
    path("rusak/", _bug),
    path("rusak-publik/", login_not_required(_bug)),
    path("tanpa-pengguna/", _lost_user),
    *opsboard_urls.urlpatterns,
]
handler403 = opsboard_urls.handler403
handler404 = opsboard_urls.handler404
handler500 = opsboard_urls.handler500

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def production(settings):
    with override_settings(DEBUG=False):
        yield


@pytest.fixture
def client(client, production):
    client.raise_request_exception = False  # answer as in production, with the handlers
    return client


def _page(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert csp_problem(response) == ""
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert not any(english in body for english in ENGLISH)
    return body


@pytest.mark.parametrize("url", ["/tidak-ada/", "/tps/999999/", "/rapat/999999/"])
def test_a_missing_page_is_indonesian_with_the_shell(url, login, command_staff, election_day):
    response = login(command_staff).get(url)

    body = _page(response, 404)
    assert "Halaman tidak ditemukan" in body
    assert {key for key, _h, _c in shell_links(body)} == OFFICE | {"laporan", "admin"}


def test_anonymous_get_the_indonesian_404_with_the_language_switch_and_no_links(client):
    body = _page(client.get("/tidak-ada/"), 404)

    assert "Halaman tidak ditemukan" in body
    assert 'data-nav="' not in body
    assert 'action="/i18n/setlang/"' in body


def test_the_404_follows_the_language_chosen(login, command_staff, settings):
    client = login(command_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get("/tidak-ada/").content.decode()

    assert '<html lang="en">' in body and "Page not found" in body


def test_the_api_gets_its_404_as_json(login, command_staff):
    response = login(command_staff).get("/api/tidak-ada.json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_a_refused_admin_page_is_the_indonesian_403_with_the_shell(login, command_staff):
    # Command staff read the admin; adding is refused (PermissionDenied → handler403).
    response = login(command_staff).get("/admin/deployments/personnel/add/")

    body = _page(response, 403)
    assert "Akses ditolak" in body
    assert {key for key, _h, _c in shell_links(body)} == OFFICE | {"laporan", "admin"}


def test_an_account_without_a_role_gets_the_403_page_with_sign_out(login, django_user_model):
    nobody = django_user_model.objects.create_user("tanpa-peran", password="x-Pass-2024")

    body = _page(login(nobody).get("/"), 403)

    assert "Akses ditolak" in body
    assert 'action="/accounts/logout/"' in body


def test_an_error_in_a_view_renders_the_500_page_with_the_shell(login, ops_admin, caplog):
    response = login(ops_admin).get("/rusak/")

    body = _page(response, 500)
    assert "Terjadi kesalahan pada server" in body
    admin_keys = OFFICE | {"cards", "posko", "laporan", "admin"}
    assert {key for key, _h, _c in shell_links(body)} == admin_keys
    assert "RuntimeError" not in body and "Traceback" not in body
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Internal Server Error: /rusak/"
    ]


def test_the_500_page_renders_without_its_shell_when_the_user_cannot_be_read(
    login, ops_admin, caplog
):
    response = login(ops_admin).get("/tanpa-pengguna/")

    body = _page(response, 500)
    assert "Terjadi kesalahan pada server" in body
    assert 'data-nav="' not in body
    assert any("500 page without its shell" in r.getMessage() for r in caplog.records)


def test_the_500_is_fixed_indonesian_html_when_its_template_fails(client, settings, tmp_path):
    broken = tmp_path / "500.html"
    broken.write_text("{% url 'tidak-ada' %}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    response = client.get("/rusak-publik/")

    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()
    assert csp_problem(response) == ""
