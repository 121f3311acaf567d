"""The coverage engine: for each TPS, does it have the guards its class requires?

The arithmetic is written out in docs/coverage.md; this module and that document stay in step.
Everything is set-based: one INSERT … SELECT writes the per-TPS rows of a snapshot and a fixed
number of INSERT … SELECT … GROUP BY statements write the area rows, whatever the number of TPS,
so the worker's memory and the query count do not grow with the operation. The SQL is plain
enough to run unchanged on SQLite and PostgreSQL, which must give the same verdicts.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from core import clock
from core.db.postgresql.base import answering_within
from deployments.coverage.objects_sql import per_object_params, per_object_sql
from deployments.coverage.selectors import requirements_for
from deployments.coverage.sql import (
    DESA_ALL_CLASSES,
    FORCES,
    ROLLUPS,
    desa_by_class_sql,
    per_tps_sql,
    rollup_sql,
    whole_snapshot_sql,
)
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageObject,
    CoverageSnapshot,
    CoverageState,
    CoverageTPS,
    Force,
    Operation,
    Personnel,
    Phase,
    PostKind,
)
from deployments.selectors import current_operation, default_phase

logger = logging.getLogger(__name__)

# History: every snapshot for 2 days, then one an hour (docs/coverage.md).
KEEP_ALL_FOR = timedelta(days=2)

# Memory for the sorts and hashes of one recompute on PostgreSQL (SET LOCAL: this transaction
# only). ~12 MB suffices at 60,000 TPS; national scale spills some to disk either way.
COVERAGE_WORK_MEM = "64MB"
# The client waits this much longer than the server's own statement_timeout, so that a slow but
# live server cancels the statement itself, with a clear error (core/db/postgresql).
ANSWER_MARGIN_SECONDS = 5


@contextmanager
def _long_statements(using: str) -> Iterator[None]:
    """A recompute's transaction on PostgreSQL: statements may run for
    COVERAGE_STATEMENT_TIMEOUT_SECONDS instead of the default 15 s, and the client waits for
    their answer that long too (plus the margin). A national-size recompute takes ~13 s, and a
    worker queued behind another's lock waits about as long.

    Enter it inside the transaction.atomic() block: set_config(..., true) is SET LOCAL, gone at
    the transaction's end. synchronous_commit: a snapshot is derived data that the engine
    recomputes after a crash, so the commit need not wait for the WAL flush of tens of
    thousands of rows; atomicity is unchanged, a crash still leaves the previous snapshot
    current. work_mem: the per-TPS aggregate sorts a few hundred thousand assignment rows,
    which spill to disk with the default 4 MB. SQLite has none of these: a no-op there.

    Nested (coverage_compute inside coverage_recompute's transaction) it sends nothing: the
    outer block's settings hold until that transaction ends, after the inner block.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or getattr(connection, "_coverage_long", False):
        yield
        return
    seconds = settings.COVERAGE_STATEMENT_TIMEOUT_SECONDS
    with answering_within(connection, seconds + ANSWER_MARGIN_SECONDS):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('synchronous_commit', 'off', true), "
                "set_config('work_mem', %s, true), "
                "set_config('statement_timeout', %s, true)",
                [COVERAGE_WORK_MEM, f"{seconds}s"],
            )
        connection._coverage_long = True
        try:
            yield
        finally:
            connection._coverage_long = False


def _unassigned_counts(phase: Phase, *, using: str) -> dict[str, int]:
    """Active personnel with no non-cancelled assignment of any kind in the phase, per force."""
    busy = (
        Assignment.objects.using(using)
        .filter(phase=phase, personnel=OuterRef("pk"))
        .not_cancelled()
    )
    rows = (
        Personnel.objects.using(using)
        .active()
        # NOT EXISTS plans as an anti-join; NOT IN over 150,000 ids does not.
        .filter(~Exists(busy))
        .values("force")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(FORCES, 0)
    counts.update({row["force"]: row["n"] for row in rows})
    return counts


def coverage_compute(
    *, operation: Operation, phase: Phase, inputs_version: int = 0, using: str = "default"
) -> CoverageSnapshot:
    """Compute and store one snapshot, atomically: a crash half-way leaves the previous one."""
    started = time.monotonic()
    required = requirements_for(operation, phase, using=using)
    unassigned = _unassigned_counts(phase, using=using)
    with transaction.atomic(using=using), _long_statements(using):
        snapshot = CoverageSnapshot.objects.using(using).create(
            operation=operation,
            phase=phase,
            computed_at=clock.now(),
            created_at=timezone.now(),
            inputs_version=inputs_version,
            unassigned_polri=unassigned[Force.POLRI],
            unassigned_tni=unassigned[Force.TNI],
            unassigned_linmas=unassigned[Force.LINMAS],
        )
        # Counted: active duties only (Assignment.objects.counted_for), so neither cancelled nor
        # relieved ones (a guard sent to an incident has left the TPS).
        inputs = [phase.pk, PostKind.PAM_TPS, Assignment.Status.ACTIVE, snapshot.pk]
        with connections[using].cursor() as cursor:
            if connections[using].vendor == "postgresql":
                sql, requirement_params, more = whole_snapshot_sql(required)
                cursor.execute(sql, [*requirement_params, *inputs, *[snapshot.pk] * more])
            else:
                sql, requirement_params = per_tps_sql(required)
                cursor.execute(sql, [*requirement_params, *inputs])
                both = [snapshot.pk, snapshot.pk]
                cursor.execute(desa_by_class_sql(), both)
                for rollup in ROLLUPS:
                    # By-class rows first: the next rollup sums them.
                    cursor.execute(rollup_sql(rollup, by_class=True), both)
                    cursor.execute(rollup_sql(rollup, by_class=False), both)
                cursor.execute(rollup_sql(DESA_ALL_CLASSES, by_class=False), both)
            # The guarded objects: one more statement on either backend, whatever their number.
            cursor.execute(
                per_object_sql(),
                per_object_params(
                    phase_id=phase.pk, operation_id=operation.pk, snapshot_id=snapshot.pk
                ),
            )
        snapshot.duration_ms = int((time.monotonic() - started) * 1000)
        snapshot.save(update_fields=["duration_ms"])
    return snapshot


def phases_to_compute(operation: Operation, *, using: str = "default") -> list[Phase]:
    """The default phase at the operation clock, and every phase that has assignments."""
    phases = list(Phase.objects.using(using).filter(operation=operation).order_by("starts_at"))
    # order_by(): the model's default ordering would join personnel into the DISTINCT.
    with_assignments = set(
        Assignment.objects.using(using)
        .filter(phase__in=phases)
        .order_by()
        .values_list("phase_id", flat=True)
        .distinct()
    )
    shown = default_phase(operation, clock.now())
    return [p for p in phases if p.pk in with_assignments or (shown and p.pk == shown.pk)]


def coverage_recompute(
    *, operation_id: int | None = None, force: bool = False
) -> list[CoverageSnapshot]:
    """Recompute every phase that needs it; the plain function behind recompute_coverage_task.

    Two workers never write two snapshots for one change: the operation's row is locked for the
    whole computation (a second worker waits, then sees that the inputs version it would
    compute is already in the current snapshot, and skips).
    """
    if operation_id is None:
        operation = current_operation()
        if operation is None:
            return []
        operation_id = operation.pk
    written: list[CoverageSnapshot] = []
    # Changes committed from now on must queue a new run: clear the flag before computing, and
    # outside the computation's transaction, so that a worker killed half-way does not leave it
    # set and every later change waiting for beat.
    CoverageState.objects.filter(operation_id=operation_id).update(pending=False)
    # Long statements from the lock on: a worker queued behind another's recompute waits on
    # that lock for as long as the other computes, several phases of ~13 s each at most.
    with transaction.atomic(), _long_statements("default"):
        operation = Operation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None:  # deleted since the task was queued
            return []
        state, _ = CoverageState.objects.get_or_create(operation=operation)
        for phase in phases_to_compute(operation):
            current = CoverageSnapshot.objects.current_for(phase)
            if not force and current is not None and current.inputs_version >= state.version:
                continue
            written.append(
                coverage_compute(operation=operation, phase=phase, inputs_version=state.version)
            )
    if written:
        logger.info("coverage: %d snapshot(s) written (v%d)", len(written), state.version)
    return written


def coverage_prune(*, operation: Operation, now: datetime) -> None:
    """Keep per-TPS, per-object and desa rows for the current snapshot and the one before, per
    phase; keep every snapshot for two days, then one an hour (the last of each hour).

    Its own task (prune_coverage_task) after a recompute has landed, outside the operation's
    lock: deleting the tens of thousands of per-TPS rows of an older snapshot must not hold
    back the new one. Idempotent, so a prune that never ran is caught up by the next."""
    snapshots = list(
        CoverageSnapshot.objects.filter(operation=operation)
        .order_by("phase_id", "-created_at", "-pk")
        .values_list("pk", "phase_id", "created_at")
    )
    keep_detail: set[int] = set()
    seen_per_phase: dict[int, int] = {}
    for pk, phase_id, _created in snapshots:
        if seen_per_phase.get(phase_id, 0) < 2:
            keep_detail.add(pk)
            seen_per_phase[phase_id] = seen_per_phase.get(phase_id, 0) + 1
    drop: list[int] = []
    hours_kept: set[tuple[int, datetime]] = set()
    for pk, phase_id, created in snapshots:
        if pk in keep_detail or now - created <= KEEP_ALL_FOR:
            continue
        hour = (phase_id, created.replace(minute=0, second=0, microsecond=0))
        if hour in hours_kept:
            drop.append(pk)
        else:
            hours_kept.add(hour)  # newest first: the last snapshot of each hour stays
    if drop:
        CoverageSnapshot.objects.filter(pk__in=drop).delete()
    old = [pk for pk, _phase, _created in snapshots if pk not in keep_detail and pk not in drop]
    if old:
        CoverageTPS.objects.filter(snapshot_id__in=old).delete()
        CoverageObject.objects.filter(snapshot_id__in=old).delete()
        CoverageArea.objects.filter(snapshot_id__in=old, level=CoverageArea.Level.DESA).delete()
