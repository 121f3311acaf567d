"""Coverage must follow every change to its inputs, whatever wrote it.

Model signals are how the admin's save and delete, its delete_selected action, history reverts
and plain .save() calls all reach the engine without each path remembering to. Bulk writes
(bulk_create, QuerySet.update) send no signals; the services and imports that use them call
coverage_inputs_changed() themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from deployments.coverage import coverage_inputs_changed
from deployments.models import Assignment, Personnel, Phase, SecurityPattern
from tps.models import TPS

COVERAGE_INPUTS = (Assignment, Personnel, Phase, SecurityPattern, TPS)


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
