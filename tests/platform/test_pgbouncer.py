"""The app through Debian's PgBouncer in transaction mode (docs/deploy.md, "PgBouncer").

A real PgBouncer, started here on a free port in front of this run's test database, and a child
process of the app with DATABASE_POOL_MODE=transaction doing what the app does: a statement run
often enough for psycopg to prepare it, iterator() over several chunks, a row lock in a
transaction, a coverage recompute with its SET LOCALs; and the statement timeout and jit=off
that a direct connection asks for at startup, here set by PgBouncer's connect_query.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import AssignmentFactory, SecurityPatternFactory, TPSFactory
from tests.platform.conftest import BASE_DIR, clean_environ, run_python

PGBOUNCER = "/usr/sbin/pgbouncer"
TEMPLATE = BASE_DIR / "docker" / "pgbouncer" / "pgbouncer.ini"

SCRIPT = """
import json, django
django.setup()
from django.db import connection, transaction
from deployments.coverage.engine import coverage_recompute
from deployments.models import Personnel
from tps.models import TPS
out = {}
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    out["statement_timeout"] = cursor.fetchone()[0]
    cursor.execute("SHOW jit")
    out["jit"] = cursor.fetchone()[0]
for _ in range(8):  # psycopg prepares a statement from its fifth run on
    list(TPS.objects.filter(number__gte=1).values_list("pk", flat=True))
out["iterated"] = sum(1 for _ in TPS.objects.order_by("pk").iterator(chunk_size=2))
with transaction.atomic():
    out["locked"] = Personnel.objects.select_for_update().order_by("pk").first() is not None
out["snapshots"] = len(coverage_recompute(force=True))
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pgbouncer():
    """PgBouncer from the project's own template, in front of this run's test database."""
    if not Path(PGBOUNCER).exists():
        pytest.fail("PgBouncer is not installed: apt-get install pgbouncer (.ci/run does).")
    db = connection.settings_dict
    port = _free_port()
    # PgBouncer refuses to run as root: as root, run it as postgres, from files it can read.
    workdir = Path(tempfile.mkdtemp(prefix="opsboard-pgbouncer-"))
    workdir.chmod(0o755)
    values = {
        "DB_HOST": db["HOST"] or "127.0.0.1",
        "DB_PORT": str(db["PORT"] or 5432),
        "DB_NAME": db["NAME"],
        "DB_EXTRA": f" user={db['USER']}",
        "STATEMENT_TIMEOUT_MS": "15000",
        "LISTEN_ADDR": "127.0.0.1",
        "LISTEN_PORT": str(port),
        "AUTH_TYPE": "any",  # CI's PostgreSQL trusts local connections
        "AUTH_FILE": str(workdir / "userlist.txt"),
    }
    ini = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        ini = ini.replace(f"@{name}@", value)
    (workdir / "pgbouncer.ini").write_text(ini, encoding="utf-8")
    (workdir / "userlist.txt").write_text("", encoding="utf-8")
    command = [PGBOUNCER, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"PgBouncer did not start: {output}")
                time.sleep(0.1)
        yield f"postgres://{db['USER']}@127.0.0.1:{port}/opsboard"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _env(url: str, **more: str) -> dict[str, str]:
    return {**clean_environ(), "DATABASE_URL": url, **more}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_app_works_through_pgbouncer_in_transaction_mode(pgbouncer):
    SecurityPatternFactory(personnel_count=1, tps_count=1)
    stations = TPSFactory.create_batch(5)
    AssignmentFactory(tps=stations[:2])

    result = run_python(_env(pgbouncer, DATABASE_POOL_MODE="transaction"), SCRIPT)

    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out == {
        "statement_timeout": "15s",  # PgBouncer's connect_query, as the direct startup option
        "jit": "off",
        "iterated": 5,
        "locked": True,
        "snapshots": 1,
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_direct_connections_settings_do_not_pass_pgbouncer(pgbouncer):
    """Without DATABASE_POOL_MODE the app asks for its statement timeout in the startup
    packet, which PgBouncer refuses: the setting is what makes the pooled stack work."""
    result = run_python(_env(pgbouncer), SCRIPT)

    assert result.returncode != 0
    assert "unsupported startup parameter" in result.stderr


def test_transaction_mode_turns_off_what_cannot_cross_transactions():
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "'prepare_threshold' in db['OPTIONS'] and db['OPTIONS']['prepare_threshold'], "
        "'options' in db['OPTIONS']]))"
    )
    url = "postgres://opsboard@127.0.0.1:6432/opsboard"
    pooled = run_python(_env(url, DATABASE_POOL_MODE="transaction"), script)
    direct = run_python(_env(url), script)
    wrong = run_python(_env(url, DATABASE_POOL_MODE="statement"), script)

    assert json.loads(pooled.stdout.splitlines()[-1]) == [True, None, False]
    assert json.loads(direct.stdout.splitlines()[-1]) == [False, False, True]
    assert wrong.returncode != 0 and "DATABASE_POOL_MODE='statement'" in wrong.stderr
