"""PostgreSQL that accepts but answers nothing: 503 within the request, and no worker is killed.

A hung server's kernel still acknowledges every packet, so TCP keepalives do not notice it; the
proxy's "silent" mode is that server. Without a client-side bound the gunicorn worker waited on
its kept connection until gunicorn killed it, and the client got a reset instead of the 503.
"""

import re
import secrets
import threading

import pytest
from django.conf import settings
from django.db import OperationalError

from core.db.postgresql.base import DatabaseWrapper
from tests.hardening.support import (
    TCPProxy,
    app_server,
    database_url,
    http_get,
    production_environ,
    session_key_for,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Bounded so that a hang fails the test instead of stalling the suite; more than gunicorn's
# worker timeout (60 s in app_server), so that a killed worker shows as what it is.
CLIENT_TIMEOUT = 75


def _db_address() -> tuple[str, int]:
    db = settings.DATABASES["default"]
    return db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)


def _booted_workers(log) -> list[str]:
    return re.findall(r"Booting worker with pid: (\d+)", log.read_text())


def test_a_silent_database_answers_503_and_keeps_the_gunicorn_worker_alive(
    tmp_path, settings, command_staff, guarded
):
    # Given the production app on a kept connection through a proxy
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    staff = session_key_for(command_staff)
    log = tmp_path / "gunicorn.log"
    with TCPProxy(*_db_address()) as proxy:
        env = production_environ(tmp_path / "var", DATABASE_URL=database_url(port=proxy.port))
        with app_server(env, tmp_path) as base:
            assert http_get(f"{base}/", session_key=staff).status == 200
            workers = _booted_workers(log)

            # When the server goes silent under a kept connection, for a page
            proxy.cut("silent")
            page = http_get(f"{base}/", session_key=staff, timeout=CLIENT_TIMEOUT)
            api = http_get(f"{base}/api/summary.json", session_key=staff, timeout=CLIENT_TIMEOUT)
            proxy.restore()
            assert http_get(f"{base}/healthz").status == 200  # a kept connection again
            # and for the health probe
            proxy.cut("silent")
            health = http_get(f"{base}/healthz", timeout=CLIENT_TIMEOUT)
            proxy.restore()
            back = http_get(f"{base}/", session_key=staff)
            workers_after = _booted_workers(log)

    # Then each answered 503, in the same worker, and the app recovered by itself
    assert (page.status, page.headers["Retry-After"]) == (503, "30")
    assert api.status == 503 and "error" in api.json()
    assert (health.status, health.json()) == (503, {"database": "down", "broker": "absent"})
    assert back.status == 200
    assert workers_after == workers, log.read_text()[-4000:]
    assert "WORKER TIMEOUT" not in log.read_text()


def test_a_query_that_gets_no_answer_fails_after_the_answer_timeout_and_closes_the_connection(
    guarded,
):
    # Given a connection that passed its health check, as mid-request
    db = settings.DATABASES["default"]
    with TCPProxy(*_db_address()) as proxy:
        wrapper = DatabaseWrapper(
            {**db, "PORT": proxy.port, "OPTIONS": {**db["OPTIONS"], "answer_timeout": 1}},
            alias="silent",
        )
        wrapper.ensure_connection()
        wrapper.inc_thread_sharing()  # queried from a thread, so that a hang cannot stall the test
        outcome: dict = {}

        def query():
            try:
                with wrapper.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM tps_tps")
            except OperationalError as error:
                outcome["error"] = error

        # When the server goes silent
        proxy.cut("silent")
        worker = threading.Thread(target=query, daemon=True)
        worker.start()
        worker.join(timeout=CLIENT_TIMEOUT)

        # Then the query gave up with an OperationalError (a 503 in a view), and the
        # connection is closed rather than left half-way through a message
        assert not worker.is_alive(), "the query is still waiting for the silent server"
        assert "did not answer within 1 s" in str(outcome["error"])
        assert wrapper.is_usable() is False
        wrapper.dec_thread_sharing()
        wrapper.close()
