"""The coverage engine: for each TPS and guarded object, does it have the guards it requires?

sql: the statements of one snapshot; objects_sql: its guarded objects' rows. engine: computing,
recomputing and pruning snapshots. selectors: what a phase requires, whether a snapshot is
stale. triggers: the one way a change reaches the engine (coverage_inputs_changed) and the model
receivers that call it. tasks: the Celery interfaces. The names the rest of the project uses
are importable from here.
"""

from deployments.coverage.engine import (
    COVERAGE_WORK_MEM,
    KEEP_ALL_FOR,
    coverage_compute,
    coverage_prune,
    coverage_recompute,
    phases_to_compute,
)
from deployments.coverage.selectors import STALE_AFTER, requirements_for, snapshot_is_stale
from deployments.coverage.sql import EPSILON, FORCES, Requirements
from deployments.coverage.triggers import coverage_inputs_changed, enqueue_recompute

__all__ = [
    "COVERAGE_WORK_MEM",
    "EPSILON",
    "FORCES",
    "KEEP_ALL_FOR",
    "STALE_AFTER",
    "Requirements",
    "coverage_compute",
    "coverage_inputs_changed",
    "coverage_prune",
    "coverage_recompute",
    "enqueue_recompute",
    "phases_to_compute",
    "requirements_for",
    "snapshot_is_stale",
]
