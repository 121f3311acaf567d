"""Reads from a streaming replica (opsboard/replica.py, docs/deploy.md "Read replica").

The replica is real: a hot standby of the test PostgreSQL that .ci/run starts with
pg_basebackup, streaming this run's test database as it is written. Settings are read once, so
the app runs in a child process with DATABASE_REPLICA_URL set, on the data the test commits.
"""

import json
import os
import time
from urllib.parse import urlparse

import psycopg
import pytest
from django.db import connection

from core.access import GROUP_COMMAND
from tests.factories import TPSFactory, UserFactory
from tests.platform.conftest import clean_environ, run_python

CLIENT = """
import json, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from opsboard import replica
if sys.argv[2] == "pretend-healthy":  # the check passed a moment ago; the replica is gone now
    replica._state = replica.ReplicaState(usable=True, lag=0.0, checked_at=time.monotonic())
client = Client()
client.force_login(get_user_model().objects.get(username="kabagops.replika"))
out = []
for step in sys.argv[3:]:
    method, path = step.split(" ", 1)
    with CaptureQueriesContext(connections["default"]) as primary:
        if method == "POST":
            response = client.post(path, {"language": "id", "next": "/"})
        else:
            response = client.get(path)
    log = connections["replica"].queries_log
    replica_reads = sum(1 for q in log if q["sql"].lstrip().startswith("SELECT"))
    log.clear()
    out.append({
        "status": response.status_code,
        "primary_selects": sum(1 for q in primary if q["sql"].startswith("SELECT")),
        "replica_selects": replica_reads,
        "note": b'id="replica-note"' in response.content,
    })
print(json.dumps(out))
"""


def _standby_dsn(name: str) -> str:
    parsed = urlparse(os.environ["OPSBOARD_TEST_REPLICA_URL"])
    return f"host={parsed.hostname} port={parsed.port} user={parsed.username} dbname={name}"


def _primary_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _replica_url(name: str, port: int | None = None) -> str:
    parsed = urlparse(os.environ.get("OPSBOARD_TEST_REPLICA_URL", "postgres://postgres@x:1/x"))
    port = port or parsed.port
    return f"postgres://{parsed.username}@{parsed.hostname}:{port}/{name}"


def _run(replica_url: str, *steps: str, mode: str = "check", **env) -> list[dict]:
    child_env = {
        **clean_environ(),
        "DEBUG": "true",  # queries_log on every connection
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": _primary_url(),
        "DATABASE_REPLICA_URL": replica_url,
        "OPSBOARD_NOW": "2024-11-27T09:00:00+07:00",
        **env,
    }
    result = run_python(child_env, CLIENT, "x", mode, *steps)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _replayed(name: str, username: str, seconds: float = 20) -> None:
    """Wait until the standby has replayed the user the test committed."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(_standby_dsn(name), autocommit=True) as standby:
        while time.monotonic() < deadline:
            row = standby.execute(
                "SELECT 1 FROM auth_user WHERE username = %s", [username]
            ).fetchone()
            if row:
                return
            time.sleep(0.1)
    pytest.fail("the standby did not replay the test's data within 20 s")


@pytest.fixture
def command_user():
    TPSFactory.create_batch(3)
    return UserFactory(username="kabagops.replika", groups=[GROUP_COMMAND])


@pytest.mark.services
@pytest.mark.replica
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_the_api_read_from_the_replica_until_the_user_writes(command_user):
    name = connection.settings_dict["NAME"]
    _replayed(name, command_user.username)

    dashboard, api, wrote, after = _run(
        _replica_url(name),
        "GET /",
        "GET /api/summary.json",
        "POST /i18n/setlang/",
        "GET /",
    )

    assert dashboard["status"] == 200 and dashboard["replica_selects"] > 0
    assert dashboard["note"]  # the page says it was read from the replica, with its lag
    assert api["status"] == 200 and api["replica_selects"] > 0
    assert wrote["status"] == 302
    # Their own write pins them to the primary for a while: the page they come back to has it.
    assert after["status"] == 200 and after["replica_selects"] == 0 and not after["note"]
    assert after["primary_selects"] > 0


@pytest.mark.services
@pytest.mark.replica
@pytest.mark.django_db(transaction=True)
def test_a_replica_lagging_beyond_the_bound_is_not_read(command_user):
    name = connection.settings_dict["NAME"]
    _replayed(name, command_user.username)
    with psycopg.connect(_standby_dsn("postgres"), autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            UserFactory(username="ditulis.setelah.jeda")  # WAL the standby does not replay
            time.sleep(1.5)
            (dashboard,) = _run(_replica_url(name), "GET /", DATABASE_REPLICA_MAX_LAG_SECONDS="1")
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")

    assert dashboard["status"] == 200
    assert dashboard["replica_selects"] == 1  # the lag check only
    assert not dashboard["note"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_replica_that_is_gone_is_not_read_and_the_page_is_served(command_user):
    name = connection.settings_dict["NAME"]

    (dashboard,) = _run(_replica_url(name, port=1), "GET /")

    assert dashboard == {
        "status": 200,
        "primary_selects": dashboard["primary_selects"],
        "replica_selects": 0,
        "note": False,
    }
    assert dashboard["primary_selects"] > 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_replica_failing_during_a_request_reads_again_from_the_primary(command_user):
    """The last check passed, the replica has gone since: the request's first read fails on
    it, and the view runs again on the primary."""
    name = connection.settings_dict["NAME"]

    dashboard, api = _run(
        _replica_url(name, port=1), "GET /", "GET /api/summary.json", mode="pretend-healthy"
    )

    assert dashboard["status"] == 200 and dashboard["primary_selects"] > 0
    assert not dashboard["note"]
    assert api["status"] == 200  # marked down: not tried again before the next check
