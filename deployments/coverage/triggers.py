"""Coverage must follow every change to its inputs, whatever wrote it.

Every write path that can move coverage ends up in coverage_inputs_changed(), which queues one
recompute after the commit. Model signals (connected in DeploymentsConfig.ready()) are how the
admin's save and delete, its delete_selected action, history reverts and plain .save() calls
all reach it without each path remembering to. Bulk writes (bulk_create, QuerySet.update) send
no signals; the services and imports that use them call coverage_inputs_changed() themselves.
"""

import logging

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from deployments.coverage.tasks import recompute_coverage_task
from deployments.models import (
    Assignment,
    CoverageState,
    GuardNorm,
    Personnel,
    Phase,
    Post,
    SecurityPattern,
    Shift,
)
from deployments.selectors import current_operation
from tps.models import TPS

logger = logging.getLogger(__name__)

# Post, GuardNorm and Shift: the guarded objects' periods, classes, norms and shifts.
COVERAGE_INPUTS = (Assignment, GuardNorm, Personnel, Phase, Post, SecurityPattern, Shift, TPS)


def coverage_inputs_changed(using: str = "default") -> None:
    """Call inside the transaction that changed an input; a recompute follows its commit.

    A burst (an import of 2,000 assignments in one transaction) registers one callback, and
    the callback queues a task only when none is pending, with a countdown that lets the
    burst finish: one or two recomputes, not 2,000.
    """
    connection = connections[using]
    if any(func is _after_commit for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_after_commit, using=using)


def _after_commit() -> None:
    operation = current_operation()
    if operation is None:
        return
    state, _ = CoverageState.objects.get_or_create(operation=operation)
    CoverageState.objects.filter(pk=state.pk).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    claimed = CoverageState.objects.filter(pk=state.pk, pending=False).update(pending=True)
    if claimed:
        enqueue_recompute(operation.pk)


def enqueue_recompute(operation_id: int) -> None:
    try:
        recompute_coverage_task.apply_async(
            args=[operation_id], countdown=settings.COVERAGE_DEBOUNCE_SECONDS
        )
    except Exception:
        # The broker is down: the edit stays saved; the beat safety net (or the next change)
        # queues the recompute when Redis is back. Never fail the admin's save for this.
        CoverageState.objects.filter(operation_id=operation_id).update(pending=False)
        logger.exception("coverage: could not queue a recompute; it will run later")


# The model receivers: connected once, in DeploymentsConfig.ready().


def _changed(sender, instance=None, raw=False, using="default", **kwargs) -> None:
    if raw:  # loaddata: the loaded rows are followed by an explicit recompute
        return
    if (
        sender is Personnel
        and kwargs.get("update_fields")
        and "active" not in kwargs["update_fields"]
    ):
        return
    if sender is TPS and kwargs.get("update_fields") and "kerawanan" not in kwargs["update_fields"]:
        return
    coverage_inputs_changed(using=using)


def _tps_set_changed(sender, action=None, using="default", **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        coverage_inputs_changed(using=using)


def connect() -> None:
    for model in COVERAGE_INPUTS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"coverage_save_{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"coverage_delete_{model.__name__}"
        )
    m2m_changed.connect(
        _tps_set_changed, sender=Assignment.tps.through, dispatch_uid="coverage_tps_set"
    )
