"""handler500: a database that cannot be reached gives a 503 with a clear message; any other
error keeps Django's plain 500.

These run in-process on any database, with errors the driver really raises (a connection to a
closed port, a file that cannot be opened). test_postgresql_down.py makes the outage for real
under gunicorn, where the error also comes from the session and auth middleware.
"""

import logging
import socket

import psycopg
import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.urls import path

from opsboard import urls as opsboard_urls
from opsboard.views import database_unavailable

MESSAGE = (
    "Basis data sedang tidak terjangkau — coba lagi sebentar lagi; data yang sudah tersimpan aman."
)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _connect_to_nowhere() -> None:
    """Connects to a database that is not there, the way every query does during an outage."""
    default = connections["default"]
    unreachable = dict(default.settings_dict)
    if default.vendor == "postgresql":
        unreachable.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        unreachable.update(NAME="/nonexistent/core/db.sqlite3")
    type(default)(unreachable, alias="unreachable").ensure_connection()


def _unreachable_database(request, **kwargs):
    _connect_to_nowhere()


class _SessionSavedToNowhere(SessionStore):
    """A database session whose save finds the database gone, as when it goes between the view
    and SessionMiddleware.process_response."""

    def save(self, must_create=False):
        _connect_to_nowhere()


def _session_lost_on_save(request):
    request.session = _SessionSavedToNowhere()
    request.session["seen"] = True
    return HttpResponse("ok")


def _bug(request):
    raise RuntimeError("a bug, not an outage")


# The project's URLs and its handler500, plus views that fail.
urlpatterns = [
    path("rusak/", login_not_required(_bug)),
    path("sesi/", login_not_required(_session_lost_on_save)),
    path("putus/", _unreachable_database),
    path("masuk/<str:token>/putus/", login_not_required(_unreachable_database)),
    path("api/putus.json", login_not_required(_unreachable_database)),
    *opsboard_urls.urlpatterns,
]
handler500 = opsboard_urls.handler500

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # answer as in production, with the handlers
    return client


def test_an_error_that_is_not_the_database_still_answers_the_plain_500(client, caplog):
    response = client.get("/rusak/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert MESSAGE not in response.content.decode()
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Internal Server Error: /rusak/"
    ]


def test_an_unreachable_database_answers_503_with_a_page_and_queries_nothing_more(
    client, command_staff, django_assert_num_queries
):
    client.force_login(command_staff)

    # 1. the session, 2. the user, both loaded before the view; the 503 page adds nothing
    # (no context processor runs: they would read the user's groups)
    with django_assert_num_queries(2):
        response = client.get("/putus/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert body.startswith("<!doctype html>") and MESSAGE in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_a_session_that_cannot_be_saved_answers_503_too(client):
    # The view answered 200; SessionMiddleware.process_response raised while saving.
    response = client.get("/sesi/")

    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert "sessionid" not in response.cookies


def test_htmx_gets_a_fragment_and_the_api_json(client):
    fragment = client.get("/masuk/abc/putus/", headers={"HX-Request": "true"})
    api = client.get("/api/putus.json")

    assert (fragment.status_code, api.status_code) == (503, 503)
    assert MESSAGE in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    assert api.json() == {"error": MESSAGE}
    assert api["Retry-After"] == "30"


def test_the_field_phone_queue_asking_for_json_gets_json(client):
    response = client.get("/masuk/abc/putus/", headers={"Accept": "application/json"})

    assert response.status_code == 503
    assert response.json() == {"error": MESSAGE}


def test_the_message_follows_the_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/api/putus.json")

    assert response.status_code == 503
    assert response.json()["error"].startswith("The database cannot be reached")


def test_the_outage_is_logged_once_without_the_path_of_a_sign_in_link(client, caplog):
    caplog.set_level(logging.INFO)

    client.get("/masuk/rahasia-token-123/putus/")

    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert len(lines) == 1
    name, level, message = lines[0]
    assert (name, level) == ("opsboard.views", "ERROR")
    assert message.startswith(
        "Database unavailable: GET /masuk/<str:token>/putus/ answered 503 (OperationalError: "
    )
    assert "rahasia-token-123" not in message
    assert caplog.records[0].exc_info is None  # no traceback: the outage is the news


def _wrapped(driver_error: Exception) -> Exception:
    """The error as Django raises it: its own class, the driver's error as the cause."""
    django_class = InterfaceError if isinstance(driver_error, psycopg.InterfaceError) else None
    django_class = django_class or OperationalError
    error = django_class(str(driver_error))
    error.__cause__ = driver_error
    return error


@pytest.mark.parametrize(
    ("driver_error", "outage"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.OperationalError("consuming input failed: server closed the connection"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.LockNotAvailable("could not obtain lock"), False),
    ],
)
def test_only_a_database_that_cannot_be_reached_counts_as_an_outage(driver_error, outage):
    assert database_unavailable(_wrapped(driver_error)) is outage


def test_other_errors_are_not_an_outage_unless_raised_from_one():
    lost = _wrapped(psycopg.OperationalError("server closed the connection unexpectedly"))
    raised_from = RuntimeError("could not save the report")
    raised_from.__cause__ = lost
    met_while_handling = RuntimeError("a bug in an except block")
    met_while_handling.__context__ = lost

    assert database_unavailable(raised_from) is True
    assert database_unavailable(met_while_handling) is False
    assert database_unavailable(ValueError("bad input")) is False
    assert database_unavailable(None) is False
