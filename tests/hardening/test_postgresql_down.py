"""PostgreSQL unreachable: /healthz says 503 quickly, and the app reconnects by itself.

gunicorn runs the app on the test database through a proxy that the test cuts and restores; the
same server process answers before, during and after, so recovery needs no restart.
"""

import pytest
from django.conf import settings

from tests.hardening.support import (
    TCPProxy,
    app_environ,
    app_server,
    database_url,
    http_get,
    session_key_for,
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
    assert connect_timeout - 1 < silent.elapsed < connect_timeout + 2
    assert (back.status, back.json()) == (200, UP)
    assert api.status == 200 and api.json()["coverage"]["phase"] == guarded["phase"].code
