"""Where Celery's autodiscovery looks (<app>.tasks): the task modules of deployments.

The tasks live beside what they call (coverage/tasks.py, imports/tasks.py); their registered
names stay deployments.tasks.<name>, pinned on each, so queued messages and the beat schedule
still resolve.
"""

from deployments.coverage.tasks import (
    prune_coverage_task,
    recompute_coverage_if_behind_task,
    recompute_coverage_task,
)
from deployments.imports.tasks import apply_import_task, validate_import_task

__all__ = [
    "apply_import_task",
    "prune_coverage_task",
    "recompute_coverage_if_behind_task",
    "recompute_coverage_task",
    "validate_import_task",
]
