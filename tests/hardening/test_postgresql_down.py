"""PostgreSQL unreachable: /healthz says 503 quickly, every other page answers 503 with a clear
Indonesian message (never a 500 or a traceback), and the app reconnects by itself.

gunicorn runs the app on the test database through a proxy that the test cuts and restores; the
same server process answers before, during and after, so recovery needs no restart.
"""

import re
import secrets

import pytest
from django.conf import settings

from tests.hardening.support import (
    TCPProxy,
    app_environ,
    app_server,
    database_url,
    http_get,
    http_request,
    production_environ,
    session_key_for,
    set_cookies,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DOWN = {"database": "down", "broker": "absent"}
UP = {"database": "ok", "broker": "absent"}


def test_healthz_reports_503_while_postgresql_is_unreachable_and_200_once_it_returns(
    tmp_path, command_staff, guarded
):
    db = settings.DATABASES["default"]
    connect_timeout = db["OPTIONS"]["connect_timeout"]
    with TCPProxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)) as proxy:
        env = app_environ(DATABASE_URL=database_url(port=proxy.port))
        with app_server(env, tmp_path) as base:
            session = session_key_for(command_staff)
            assert http_get(f"{base}/healthz").json() == UP  # a kept connection now exists

            proxy.cut("refuse")  # the server is gone: connections reset, new ones refused
            refused = http_get(f"{base}/healthz")
            proxy.cut("blackhole")  # the host stopped answering: only connect_timeout ends it
            silent = http_get(f"{base}/healthz")
            proxy.restore()
            back = http_get(f"{base}/healthz")
            api = http_get(f"{base}/api/summary.json", session_key=session)

    assert (refused.status, refused.json()) == (503, DOWN)
    assert refused.elapsed < 1
    assert (silent.status, silent.json()) == (503, DOWN)
    # /healthz bounds its own connect (opsboard.views.HEALTHZ_DATABASE_SECONDS), below the
    # container's 5-s health check
    assert silent.elapsed < connect_timeout
    assert (back.status, back.json()) == (200, UP)
    assert api.status == 200 and api.json()["coverage"]["phase"] == guarded["phase"].code


MESSAGE = (
    "Basis data sedang tidak terjangkau — coba lagi sebentar lagi; data yang sudah tersimpan aman."
)


def _proxied_production_app(proxy: TCPProxy, tmp_path):
    return app_server(
        production_environ(tmp_path / "var", DATABASE_URL=database_url(port=proxy.port)), tmp_path
    )


def _sign_in_attempt(base: str) -> dict:
    """The sign-in form, as a browser gets it, then a wrong password sent from it."""
    form = http_get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = http_request(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "kabagops", "password": "salah"},
        cookies=set_cookies(form),
    )
    return {"form": form, "post": answer}


def test_every_page_answers_503_with_a_clear_message_while_postgresql_is_unreachable(
    tmp_path, settings, command_staff, field_officer, guarded
):
    # Given the production settings, which refuse the development key
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    staff = session_key_for(command_staff)
    officer = session_key_for(field_officer)
    pages = {
        "dashboard": {"session_key": staff},
        "htmx partial": {
            "session_key": staff,
            "headers": {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"},
        },
        "api": {"path": "/api/summary.json", "session_key": staff},
        "me": {"path": "/me/", "session_key": officer},
    }
    db = settings.DATABASES["default"]
    connect_timeout = db["OPTIONS"]["connect_timeout"]

    def visit(base):
        answers = {
            name: http_get(
                base + page.get("path", "/"),
                session_key=page["session_key"],
                headers=page.get("headers"),
            )
            for name, page in pages.items()
        }
        return answers | {"login " + k: v for k, v in _sign_in_attempt(base).items()}

    proxy = TCPProxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    with proxy, _proxied_production_app(proxy, tmp_path) as base:
        before = visit(base)  # kept connections now exist

        # When the server goes away, then when the host stops answering
        proxy.cut("refuse")
        down = visit(base)
        proxy.cut("blackhole")
        silent = http_get(f"{base}/", session_key=staff)
        proxy.restore()
        back = visit(base)
    log = (tmp_path / "gunicorn.log").read_text()

    # Then each answered 200 before and after, in the same process
    assert {name: r.status for name, r in before.items()} == {
        "dashboard": 200,
        "htmx partial": 200,
        "api": 200,
        "me": 200,
        "login form": 200,
        "login post": 200,  # the form again, with "wrong password"
    }
    assert {name: r.status for name, r in back.items()} == {
        name: r.status for name, r in before.items()
    }
    # and 503 with the message and Retry-After while the database was away; the sign-in form
    # itself needs no database and still shows
    assert {name: r.status for name, r in down.items()} == {
        "dashboard": 503,
        "htmx partial": 503,
        "api": 503,
        "me": 503,
        "login form": 200,
        "login post": 503,
    }
    unavailable = {name: r for name, r in down.items() if r.status == 503}
    for name, answer in unavailable.items():
        assert answer.headers["Retry-After"] == "30", name
        assert "no-store" in answer.headers["Cache-Control"], name
        assert "Traceback" not in answer.text and "OperationalError" not in answer.text, name
    assert down["api"].json() == {"error": MESSAGE}
    for name in ("dashboard", "me", "login post"):
        assert down[name].headers["Content-Type"].startswith("text/html"), name
        assert "<html" in down[name].text and MESSAGE in down[name].text, name
    # htmx gets a fragment: it does not swap a 503, and the dashboard keeps its figures
    assert MESSAGE in down["htmx partial"].text and "<html" not in down["htmx partial"].text
    # A silent host costs one connect_timeout, then the page: no second try for the session
    assert (silent.status, silent.headers["Retry-After"]) == (503, "30")
    assert connect_timeout - 1 < silent.elapsed < connect_timeout + 2
    # One log line per refused request, with the route, never a traceback or a session key
    outage_lines = re.findall(r"^Database unavailable: .*$", log, flags=re.M)
    assert len(outage_lines) == len(unavailable) + 1
    assert "Database unavailable: GET / answered 503 (OperationalError: " in log
    assert "Traceback" not in log and staff not in log and officer not in log
