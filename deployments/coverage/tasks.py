"""Celery tasks of the coverage engine: thin interfaces around plain functions that tests call.

Their names are pinned to those they had as deployments.tasks, so that queued messages and the
beat schedule (CELERY_BEAT_SCHEDULE) still resolve; deployments/tasks.py imports this module so
that autodiscovery finds them.
"""

from celery import current_app, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from deployments.coverage.engine import coverage_prune, coverage_recompute
from deployments.models import Operation

# The dashboard's warm-up (opsboard/tasks.py), named by string: this app may not import that one.
WARM_DASHBOARD_TASK = "opsboard.tasks.warm_dashboard_task"


@shared_task(
    name="deployments.tasks.recompute_coverage_task",
    autoretry_for=(OperationalError, InterfaceError),  # the database was briefly unreachable
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=10,
    acks_late=True,
)
def recompute_coverage_task(operation_id: int | None = None) -> int:
    return _recompute_then_prune(operation_id)


@shared_task(name="deployments.tasks.recompute_coverage_if_behind_task", ignore_result=True)
def recompute_coverage_if_behind_task() -> int:
    """Beat's safety net: a change whose queued recompute was lost (broker down) lands here."""
    return _recompute_then_prune(None)


def _recompute_then_prune(operation_id: int | None) -> int:
    written = coverage_recompute(operation_id=operation_id)
    if written and settings.REDIS_URL:
        # Only a cache shared with the web workers is worth warming: without Redis each process
        # has its own, and tasks run inside the request that queued them.
        current_app.send_task(WARM_DASHBOARD_TASK, args=[[snapshot.pk for snapshot in written]])
    for operation_id in {snapshot.operation_id for snapshot in written}:
        prune_coverage_task.delay(operation_id)
    return len(written)


@shared_task(name="deployments.tasks.prune_coverage_task", acks_late=True, ignore_result=True)
def prune_coverage_task(operation_id: int) -> None:
    """The snapshot retention policy (coverage.engine.coverage_prune), after a recompute."""
    operation = Operation.objects.filter(pk=operation_id).first()
    if operation is not None:
        coverage_prune(operation=operation, now=timezone.now())
