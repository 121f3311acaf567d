"""A worker killed in the middle of a recompute: the previous snapshot stays, the next run lands.

Two ways to die: the whole worker (its message waits in Redis for the visibility timeout, beat's
safety net recovers first), or only the pool's child, as the OOM killer picks the big process
(the worker sees it and puts the message straight back: task_reject_on_worker_lost).

The test holds a SHARE lock on the area table, so the worker's recompute stops inside its
transaction after writing the snapshot row, at the statement that writes the per-TPS rows and
the desa rows together (one statement on PostgreSQL). That is where it is killed:
deterministic, and a real SIGKILL of a real worker process.
"""

import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

from deployments.models import CoverageArea, CoverageSnapshot, CoverageState, CoverageTPS
from tests.hardening.conftest import edit_code
from tests.hardening.support import (
    Process,
    app_environ,
    celery_worker,
    database_url,
    redis_keyspace,
    run_app_code,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

AREA_TABLE = CoverageArea._meta.db_table
SAFETY_NET = """
from deployments.tasks import recompute_coverage_if_behind_task
recompute_coverage_if_behind_task.delay()
print("{}")
"""


@pytest.fixture
def broker():
    """This test's own keyspace in the shared Redis: (client, URL, key prefix)."""
    with redis_keyspace() as (url, prefix):
        client = redis.Redis.from_url(url)
        yield client, url, prefix
        client.close()


@contextmanager
def table_locked_against_writes(table: str):
    """Another session's SHARE lock: reads go on, INSERTs wait until it ends."""
    with psycopg.connect(database_url()) as locker:
        locker.execute(f"LOCK TABLE {table} IN SHARE MODE")
        yield
        locker.commit()


def _backend_waiting_to_insert_into(table: str) -> int | None:
    # By the lock it waits for, not by its query text: pg_stat_activity cuts long statements
    # at 1 kB, and the engine's statement names the area table near its end.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND l.mode = 'RowExclusiveLock' AND c.relname = %s "
            "AND a.datname = current_database()",
            [table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _tables_written_by(pid: int) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
            [pid],
        )
        return {name for (name,) in cursor.fetchall()}


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is None


def _coverage_rows() -> tuple[int, int, int]:
    return (
        CoverageSnapshot.objects.count(),
        CoverageTPS.objects.count(),
        CoverageArea.objects.count(),
    )


def test_a_worker_killed_mid_recompute_leaves_the_previous_snapshot_and_the_next_run_lands(
    tmp_path, guarded, broker
):
    client, broker_url, prefix = broker
    env = app_environ(DATABASE_URL=database_url(), REDIS_URL=broker_url, REDIS_KEY_PREFIX=prefix)
    previous = CoverageSnapshot.objects.current_for(guarded["phase"])
    rows_before = _coverage_rows()

    with (
        celery_worker(env, tmp_path / "worker-1.log") as worker,
        table_locked_against_writes(AREA_TABLE),
    ):
        run_app_code(edit_code(guarded), env)  # commits, then queues the recompute on Redis
        pid = wait_until(
            lambda: _backend_waiting_to_insert_into(AREA_TABLE),
            timeout=30,
            what="the worker's recompute to reach its area rows",
        )
        written = _tables_written_by(pid)
        worker.kill()
    # The lock is gone: the orphaned backend finishes its INSERT, finds its client dead and
    # rolls the whole transaction back.
    wait_until(lambda: _backend_gone(pid), timeout=30, what="the killed worker's session to end")

    assert CoverageSnapshot._meta.db_table in written  # killed half-way, not before it began
    assert CoverageSnapshot.objects.current_for(guarded["phase"]) == previous
    assert _coverage_rows() == rows_before  # no partial snapshot, no orphaned rows
    # acks_late: the message was not acknowledged, so Redis keeps it for redelivery; that only
    # comes after the visibility timeout (1 h), so beat's safety net is what recovers sooner.
    assert client.hlen(f"{prefix}unacked") == 1

    with celery_worker(env, tmp_path / "worker-2.log"):
        run_app_code(SAFETY_NET, env)  # what beat sends every COVERAGE_BEAT_SECONDS
        version = CoverageState.objects.get(operation=guarded["operation"]).version
        landed = wait_until(
            lambda: CoverageSnapshot.objects.filter(
                phase=guarded["phase"], inputs_version__gte=version
            ).first(),
            timeout=30,
            what="the next run's snapshot",
        )

    assert landed.pk != previous.pk
    assert CoverageTPS.objects.get(snapshot=landed, tps=guarded["tps"]).linmas_guards == 1
    assert CoverageArea.objects.filter(snapshot=landed, level="operation").exists()


def prefork_worker(env: dict[str, str], log: Path):
    """A real worker as deployed: prefork, one child that runs the tasks."""
    return celery_worker(env, log, pool="prefork")


def _pool_child(worker: Process) -> int:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_a_killed_pool_child_gets_its_recompute_delivered_again_and_the_snapshot_lands(
    tmp_path, guarded, broker
):
    _, broker_url, prefix = broker
    env = app_environ(DATABASE_URL=database_url(), REDIS_URL=broker_url, REDIS_KEY_PREFIX=prefix)
    previous = CoverageSnapshot.objects.current_for(guarded["phase"])

    with prefork_worker(env, tmp_path / "worker.log") as worker:
        with table_locked_against_writes(AREA_TABLE):
            run_app_code(edit_code(guarded), env)  # commits, then queues the recompute on Redis
            pid = wait_until(
                lambda: _backend_waiting_to_insert_into(AREA_TABLE),
                timeout=30,
                what="the worker's recompute to reach its area rows",
            )
            os.kill(_pool_child(worker), signal.SIGKILL)  # the worker itself lives on
            worker.wait_for_output(r"WorkerLostError", timeout=30)
        wait_until(lambda: _backend_gone(pid), timeout=30, what="the killed child's session to end")
        # No safety net and no visibility timeout: only the redelivered message can land this.
        version = CoverageState.objects.get(operation=guarded["operation"]).version
        landed = wait_until(
            lambda: CoverageSnapshot.objects.filter(
                phase=guarded["phase"], inputs_version__gte=version
            ).first(),
            timeout=60,
            what="the redelivered recompute's snapshot",
        )

    assert landed.pk != previous.pk
    assert CoverageTPS.objects.get(snapshot=landed, tps=guarded["tps"]).linmas_guards == 1
    assert CoverageArea.objects.filter(snapshot=landed, level="operation").exists()
    received = re.findall(r"recompute_coverage_task\[([0-9a-f-]+)\] received", worker.output())
    assert len(received) == 2 and received[0] == received[1]  # one message, handed out twice
