"""The warm-up after a snapshot: queued by the recompute task when the cache is shared (Redis),
run by opsboard/tasks.py over the unfiltered dashboard of the Polres and each Polsek."""

import pytest
from django.core.cache import cache

from deployments.coverage import tasks as coverage_tasks
from deployments.models import CoverageSnapshot
from opsboard import tasks as opsboard_tasks
from opsboard.celery import app
from opsboard.dashboard.warm import common_scopes, warm_dashboard
from tests.api.helpers import linmas_pair_at


@pytest.fixture
def recompute_writes(monkeypatch):
    """The task's recompute writes a snapshot (a change's version bump waits for a commit that
    a test's transaction never makes)."""
    recompute = coverage_tasks.coverage_recompute
    monkeypatch.setattr(
        coverage_tasks,
        "coverage_recompute",
        lambda operation_id=None: recompute(operation_id=operation_id, force=True),
    )


def test_the_recompute_task_queues_the_warm_up_of_what_it_wrote(
    settings, monkeypatch, picture, recompute_writes
):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # a shared cache: worth warming
    sent = []
    monkeypatch.setattr(
        coverage_tasks.current_app, "send_task", lambda name, args: sent.append((name, args))
    )
    linmas_pair_at(picture["short"])

    coverage_tasks.recompute_coverage_task()

    latest = CoverageSnapshot.objects.latest("created_at")
    assert sent == [(opsboard_tasks.WARM_DASHBOARD_TASK, [[latest.pk]])]
    assert opsboard_tasks.WARM_DASHBOARD_TASK == coverage_tasks.WARM_DASHBOARD_TASK
    assert opsboard_tasks.WARM_DASHBOARD_TASK in app.tasks


def test_without_redis_nothing_is_queued(settings, monkeypatch, picture, recompute_writes):
    settings.REDIS_URL = ""
    sent = []
    monkeypatch.setattr(coverage_tasks.current_app, "send_task", lambda *a, **k: sent.append(a))
    linmas_pair_at(picture["short"])

    assert coverage_tasks.recompute_coverage_task() == 1

    assert sent == []


def test_a_superseded_snapshot_is_not_warmed(picture, polsek_staff):
    first = CoverageSnapshot.objects.latest("created_at")
    linmas_pair_at(picture["short"])
    coverage_tasks.coverage_recompute(force=True)

    assert warm_dashboard([first.pk]) == 0


def test_the_polres_and_each_polsek_are_warmed(picture, polsek_staff):
    snapshot = CoverageSnapshot.objects.latest("created_at")
    scopes = common_scopes()
    assert [access.role for access in scopes] == ["command_staff", "polsek_staff"]

    assert warm_dashboard([snapshot.pk]) == len(scopes)
    keys = [key for key in cache._cache if ":dash:v1:" in key]  # LocMemCache's own store
    assert {key.split(":dash:v1:")[1].split(":")[0] for key in keys} == {
        "figures",
        "personnel",
        "areas",
        "gaps",
        "trend",
    }
