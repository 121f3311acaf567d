"""Redis down: the app keeps serving and saving, and coverage catches up when Redis returns.

The app (gunicorn), the admin's edit (a fresh app process) and beat reach Redis through a proxy
that the test cuts; the worker reaches Redis directly, as a worker on another network path would.
"""

from datetime import timedelta

import pytest
from django.db.models import F

from deployments.coverage import snapshot_is_stale
from deployments.models import Assignment, CoverageSnapshot, CoverageState, CoverageTPS
from tests.hardening.conftest import edit_code
from tests.hardening.support import (
    TCPProxy,
    app_environ,
    app_server,
    celery_beat,
    celery_worker,
    database_url,
    http_get,
    redis_address,
    redis_keyspace,
    redis_url_via,
    run_app_code,
    session_key_for,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# The edit must come back rather than hang; how long it takes is the settings' business
# (opsboard/settings.py bounds it to about 2 s), not a wall-clock assertion on a loaded host.
EDIT_TIMEOUT = 60


@pytest.fixture
def broker():
    """This test's own keyspace in the shared Redis: (direct URL, key prefix)."""
    with redis_keyspace() as keyspace:
        yield keyspace


def test_with_redis_cut_pages_serve_edits_save_and_coverage_catches_up_when_it_returns(
    tmp_path, command_staff, guarded, broker
):
    broker_url, prefix = broker
    before = CoverageSnapshot.objects.current_for(guarded["phase"])
    assert before is not None
    with TCPProxy(*redis_address()) as proxy:
        web = app_environ(
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url_via(proxy.port),
            REDIS_KEY_PREFIX=prefix,
        )
        with (
            celery_worker(
                app_environ(
                    DATABASE_URL=database_url(), REDIS_URL=broker_url, REDIS_KEY_PREFIX=prefix
                ),
                tmp_path / "worker.log",
            ),
            celery_beat({**web, "COVERAGE_BEAT_SECONDS": "1"}, tmp_path / "beat.log"),
            app_server(web, tmp_path) as base,
        ):
            session = session_key_for(command_staff)
            assert http_get(f"{base}/healthz").json() == {"database": "ok", "broker": "ok"}

            proxy.cut()
            health = http_get(f"{base}/healthz")
            summary = http_get(f"{base}/api/summary.json", session_key=session)
            status = http_get(f"{base}/api/tps-status.json", session_key=session)
            edit = run_app_code(edit_code(guarded), web, timeout=EDIT_TIMEOUT)

            assert (health.status, health.json()) == (200, {"database": "ok", "broker": "down"})
            assert summary.status == 200 and summary.json()["coverage"]["stale"] is False
            assert status.status == 200
            # The admin's save returned normally and is in the database.
            assert "could not queue a recompute" in edit["stderr"]
            assert Assignment.objects.filter(pk=edit["assignment"]).exists()
            state = CoverageState.objects.get(operation=guarded["operation"])
            assert state.version > before.inputs_version
            assert state.pending is False  # so that the next change or beat queues again

            # Beat ticks every second but cannot reach Redis: nothing recomputes while it is cut.
            with pytest.raises(AssertionError, match="timed out"):
                _wait_for_snapshot_of(guarded["phase"], state.version, timeout=3)
            # The 60-s rule, with time driven rather than slept.
            assert not snapshot_is_stale(
                before, state, now=state.changed_at + timedelta(seconds=59)
            )
            assert snapshot_is_stale(before, state, now=state.changed_at + timedelta(seconds=61))
            # The dashboard's own clock is real time: let the change be 61 s old.
            CoverageState.objects.filter(pk=state.pk).update(
                changed_at=F("changed_at") - timedelta(seconds=61)
            )
            aged = http_get(f"{base}/api/summary.json", session_key=session).json()
            assert aged["coverage"]["stale"] is True

            proxy.restore()
            landed = _wait_for_snapshot_of(guarded["phase"], state.version, timeout=30)

            assert CoverageTPS.objects.get(snapshot=landed, tps=guarded["tps"]).linmas_guards == 1
            # It came from beat's safety net: the edit's own enqueue never reached Redis.
            worker_tasks = _task_lines(tmp_path / "worker.log")
            assert "recompute_coverage_if_behind_task[" in worker_tasks
            assert "recompute_coverage_task[" not in worker_tasks
            assert http_get(f"{base}/healthz").json() == {"database": "ok", "broker": "ok"}
            fresh = http_get(f"{base}/api/summary.json", session_key=session).json()
            assert fresh["coverage"]["stale"] is False


def test_an_edit_gives_up_on_a_broker_that_accepts_but_never_answers(tmp_path, guarded, broker):
    _, prefix = broker
    with TCPProxy(*redis_address()) as proxy:
        web = app_environ(
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url_via(proxy.port),
            REDIS_KEY_PREFIX=prefix,
        )
        proxy.cut("blackhole")

        edit = run_app_code(edit_code(guarded), web, timeout=EDIT_TIMEOUT)

    assert "could not queue a recompute" in edit["stderr"]
    assert Assignment.objects.filter(pk=edit["assignment"]).exists()
    assert CoverageState.objects.get(operation=guarded["operation"]).pending is False


def _wait_for_snapshot_of(phase, version: int, *, timeout: float) -> CoverageSnapshot:
    return wait_until(
        lambda: CoverageSnapshot.objects.filter(phase=phase, inputs_version__gte=version).first(),
        timeout=timeout,
        what=f"a snapshot of inputs version {version}",
    )


def _task_lines(log) -> str:
    return "\n".join(line for line in log.read_text().splitlines() if "Task " in line)
