"""Celery tasks of the coverage engine: thin interfaces around plain functions that tests call.

Their names are pinned to those they had as deployments.tasks, so that queued messages and the
beat schedule (CELERY_BEAT_SCHEDULE) still resolve; deployments/tasks.py imports this module so
that autodiscovery finds them.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from deployments.coverage.engine import coverage_prune, coverage_recompute
from deployments.models import Operation


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
    for operation_id in {snapshot.operation_id for snapshot in written}:
        prune_coverage_task.delay(operation_id)
    return len(written)


@shared_task(name="deployments.tasks.prune_coverage_task", acks_late=True, ignore_result=True)
def prune_coverage_task(operation_id: int) -> None:
    """The snapshot retention policy (coverage.engine.coverage_prune), after a recompute."""
    operation = Operation.objects.filter(pk=operation_id).first()
    if operation is not None:
        coverage_prune(operation=operation, now=timezone.now())
