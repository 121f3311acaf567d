"""The coverage engine: for each TPS, does it have the guards its class requires?

The arithmetic is written out in docs/coverage.md; this module and that document stay in step.
Everything is set-based: one INSERT … SELECT writes the per-TPS rows of a snapshot and a fixed
number of INSERT … SELECT … GROUP BY statements write the area rows, whatever the number of TPS,
so the worker's memory and the query count do not grow with the operation. The SQL is plain
enough to run unchanged on SQLite and PostgreSQL, which must give the same verdicts.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from core import clock
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageSnapshot,
    CoverageState,
    CoverageTPS,
    Force,
    Operation,
    Personnel,
    Phase,
    PostKind,
    SecurityPattern,
    Unit,
)
from deployments.selectors import current_operation, default_phase
from tps.models import TPS, Desa, KabKota, Kecamatan, Kerawanan

logger = logging.getLogger(__name__)

FORCES: tuple[str, ...] = tuple(Force.values)  # POLRI, TNI, LINMAS
# Assigned shares are sums of 1/n; compare with a tolerance, never with float equality.
EPSILON = 1e-9
# History: every snapshot for 2 days, then one an hour (docs/coverage.md).
KEEP_ALL_FOR = timedelta(days=2)
STALE_AFTER = timedelta(seconds=60)
# Memory for the sorts and hashes of one recompute on PostgreSQL (SET LOCAL: this transaction
# only). ~12 MB suffices at 60,000 TPS; national scale spills some to disk either way.
COVERAGE_WORK_MEM = "64MB"

Requirements = dict[str, dict[str, float]]  # kerawanan → force → guards per TPS


def requirements_for(operation: Operation, phase: Phase, *, using: str = "default") -> Requirements:
    """required[class][force] = personnel_count / tps_count; a phase row overrides all-phases."""
    required: Requirements = {c: dict.fromkeys(FORCES, 0.0) for c in Kerawanan.values}
    rows = (
        SecurityPattern.objects.using(using)
        .filter(operation=operation)
        .filter(Q(phase=phase) | Q(phase__isnull=True))
        .order_by(F("phase").asc(nulls_first=True))  # all-phases rows first, phase rows win
    )
    for row in rows:
        required[row.kerawanan][row.force] = row.personnel_count / row.tps_count
    return required


def _table(model) -> str:
    return model._meta.db_table


def _per_tps_sql(required: Requirements) -> tuple[str, list]:
    """INSERT … SELECT of one snapshot's per-TPS rows. Parameters: see coverage_compute."""
    requirement_rows = ", ".join(["(%s, %s, %s, %s)"] * len(required))
    requirement_params: list = []
    for kerawanan, per_force in required.items():
        requirement_params += [kerawanan, *(float(per_force[f]) for f in FORCES)]
    assigned_cols = ",\n".join(
        f"SUM(CASE WHEN force = '{f}' THEN share ELSE 0 END) AS {f.lower()}_assigned, "
        f"COUNT(DISTINCT CASE WHEN force = '{f}' THEN personnel_id END) AS {f.lower()}_guards"
        for f in FORCES
    )
    select_cols = ",\n".join(
        f"COALESCE(r.{f.lower()}, 0) AS {f.lower()}_required, "
        f"COALESCE(g.{f.lower()}_assigned, 0) AS {f.lower()}_assigned, "
        f"COALESCE(g.{f.lower()}_guards, 0) AS {f.lower()}_guards"
        for f in FORCES
    )
    meets_all = " AND ".join(
        f"b.{f.lower()}_assigned + {EPSILON!r} >= b.{f.lower()}_required" for f in FORCES
    )
    nobody = " + ".join(f"b.{f.lower()}_guards" for f in FORCES) + " = 0"
    columns = ", ".join(
        f"{f.lower()}_required, {f.lower()}_assigned, {f.lower()}_guards" for f in FORCES
    )
    sql = f"""
WITH required_per_class (kerawanan, polri, tni, linmas) AS (VALUES {requirement_rows}),
counted AS (
    SELECT at.tps_id, p.force, p.id AS personnel_id,
           CAST(1 AS DOUBLE PRECISION) / COUNT(*) OVER (PARTITION BY at.assignment_id) AS share
    FROM {_table(Assignment.tps.through)} at
    JOIN {_table(Assignment)} a ON a.id = at.assignment_id
    JOIN {_table(Personnel)} p ON p.id = a.personnel_id
    WHERE a.phase_id = %s AND a.kind = %s AND a.status <> %s AND p.active
),
per_tps AS (
    SELECT tps_id, {assigned_cols}
    FROM counted GROUP BY tps_id
),
base AS (
    SELECT t.id AS tps_id, t.desa_id, t.kerawanan, {select_cols}
    FROM {_table(TPS)} t
    LEFT JOIN required_per_class r ON r.kerawanan = t.kerawanan
    LEFT JOIN per_tps g ON g.tps_id = t.id
)
INSERT INTO {_table(CoverageTPS)} (snapshot_id, tps_id, desa_id, kerawanan, status, {columns})
SELECT %s, b.tps_id, b.desa_id, b.kerawanan,
       CASE WHEN {meets_all} THEN 'covered' WHEN {nobody} THEN 'unguarded' ELSE 'short' END,
       {", ".join("b." + c.strip() for c in columns.split(","))}
FROM base b
"""
    return sql, requirement_params


_FORCE_COLUMNS = [f"{f.lower()}_{m}" for f in FORCES for m in ("required", "assigned", "fulfilled")]
_COUNT_COLUMNS = ["tps_total", "covered", "short", "unguarded"]
_TPS_FIGURES = [f"{f.lower()}_{m}" for f in FORCES for m in ("required", "assigned")]
_AREA_COLUMNS = ", ".join(
    ["snapshot_id", "level", "code", "kerawanan", *_COUNT_COLUMNS, *_FORCE_COLUMNS]
)


def _desa_by_class_sql(source: str | None = None) -> str:
    """The one pass over the per-TPS rows: a row per desa and class. Everything above sums these.

    `source` names the rows to read: by default this snapshot's rows in the table; on
    PostgreSQL the RETURNING rows of the per-TPS insert (see _whole_snapshot_sql). The rows are
    grouped by desa id and only the groups, a sixth as many, are joined to their desa's code.

    Σ min(assigned, required) is taken per TPS here; higher levels add up those sums, so
    over-staffing one TPS never hides a gap at another at any level.
    """
    forces = [f.lower() for f in FORCES]
    force_sums = ",\n".join(
        f"SUM(c.{f}_required) AS {f}_required, SUM(c.{f}_assigned) AS {f}_assigned, "
        f"SUM(CASE WHEN c.{f}_assigned < c.{f}_required THEN c.{f}_assigned "
        f"ELSE c.{f}_required END) AS {f}_fulfilled"
        for f in forces
    )
    figures = ", ".join(f"g.{c}" for c in [*_COUNT_COLUMNS, *_FORCE_COLUMNS])
    return f"""
INSERT INTO {_table(CoverageArea)} ({_AREA_COLUMNS})
SELECT %s, 'desa', d.code, g.kerawanan, {figures}
FROM (
    SELECT c.desa_id, c.kerawanan, COUNT(*) AS tps_total,
           SUM(CASE WHEN c.status = 'covered' THEN 1 ELSE 0 END) AS covered,
           SUM(CASE WHEN c.status = 'short' THEN 1 ELSE 0 END) AS short,
           SUM(CASE WHEN c.status = 'unguarded' THEN 1 ELSE 0 END) AS unguarded,
           {force_sums}
    FROM {source or _table(CoverageTPS)} c
    {"" if source else "WHERE c.snapshot_id = %s"}
    GROUP BY c.desa_id, c.kerawanan
) g
JOIN {_table(Desa)} d ON d.id = g.desa_id
"""


@dataclass(frozen=True)
class _Rollup:
    """Area rows of `level` summed from the by-class rows of `source` (a much smaller table)."""

    level: str
    source: str
    code_sql: str  # the target area's code, from the source row `a` and the joins
    joins: str = ""


_DESA_TO_KECAMATAN = (
    f"JOIN {_table(Desa)} d ON d.code = a.code JOIN {_table(Kecamatan)} k ON k.id = d.kecamatan_id"
)
ROLLUPS = (
    _Rollup(CoverageArea.Level.KECAMATAN, CoverageArea.Level.DESA, "k.code", _DESA_TO_KECAMATAN),
    _Rollup(
        CoverageArea.Level.POLSEK,
        CoverageArea.Level.KECAMATAN,
        "u.code",
        f"JOIN {_table(Kecamatan)} k ON k.code = a.code "
        f"JOIN {_table(Unit)} u ON u.kecamatan_id = k.id AND u.kind = 'polsek'",
    ),
    _Rollup(
        CoverageArea.Level.KABKOTA,
        CoverageArea.Level.KECAMATAN,
        "kk.code",
        f"JOIN {_table(Kecamatan)} k ON k.code = a.code "
        f"JOIN {_table(KabKota)} kk ON kk.id = k.kabkota_id",
    ),
    _Rollup(CoverageArea.Level.OPERATION, CoverageArea.Level.KABKOTA, "'all'"),
)


def _rollup_sql(rollup: _Rollup, *, by_class: bool, source: str | None = None) -> str:
    """Area rows of a level from the by-class rows of the level below: by default this
    snapshot's rows in the table (parameters: snapshot id twice); on PostgreSQL the RETURNING
    rows of the insert below (`source`, a CTE name; parameter: snapshot id once)."""
    sums = ", ".join(f"COALESCE(SUM(a.{col}), 0)" for col in [*_COUNT_COLUMNS, *_FORCE_COLUMNS])
    group_by = [] if rollup.code_sql == "'all'" else [rollup.code_sql]
    if by_class:
        group_by.append("a.kerawanan")
    group_sql = f"GROUP BY {', '.join(group_by)}" if group_by else ""
    where = (
        ""
        if source
        else f"WHERE a.snapshot_id = %s AND a.level = '{rollup.source}' AND a.kerawanan <> ''"
    )
    return f"""
INSERT INTO {_table(CoverageArea)} ({_AREA_COLUMNS})
SELECT %s, '{rollup.level}', {rollup.code_sql}, {"a.kerawanan" if by_class else "''"}, {sums}
FROM {source or _table(CoverageArea)} a
{rollup.joins}
{where}
{group_sql}
"""


# The desa rows of all classes together: a rollup from desa to desa.
DESA_ALL_CLASSES = _Rollup(CoverageArea.Level.DESA, CoverageArea.Level.DESA, "a.code")


def _whole_snapshot_sql(required: Requirements) -> tuple[str, list, int]:
    """PostgreSQL: every row of a snapshot in one statement, a chain of data-modifying CTEs.

    Each insert hands its RETURNING rows to the next level's aggregate: the per-TPS rows to
    the desa rows, the desa rows to the kecamatan rows, and so on up to the operation. Nothing
    written is read back from the tables, and the statement is planned once. Parameters: those
    of _per_tps_sql, then the snapshot id once per further insert (the number returned). SQLite
    has no such CTE and runs the statements one by one (coverage_compute); the backend
    comparison test holds both to the same rows.
    """
    per_tps, params = _per_tps_sql(required)
    head, insert = per_tps.split("\nINSERT INTO ", 1)
    area_columns = ", ".join(["code", "kerawanan", *_COUNT_COLUMNS, *_FORCE_COLUMNS])
    tps_columns = ", ".join(["desa_id", "kerawanan", "status", *_TPS_FIGURES])
    steps = [f"{head},\ninserted AS (\nINSERT INTO {insert.rstrip()}\nRETURNING {tps_columns}\n)"]
    steps.append(
        f"desa_by_class AS ({_desa_by_class_sql(source='inserted')} RETURNING {area_columns})"
    )
    further = 1
    below = {CoverageArea.Level.DESA: "desa_by_class"}
    for rollup in ROLLUPS:
        name = f"{rollup.level}_by_class"
        by_class = _rollup_sql(rollup, by_class=True, source=below[rollup.source])
        steps.append(f"{name} AS ({by_class} RETURNING {area_columns})")
        all_classes = _rollup_sql(rollup, by_class=False, source=below[rollup.source])
        steps.append(f"{rollup.level}_all AS ({all_classes})")
        below[rollup.level] = name
        further += 2
    desa_all = _rollup_sql(DESA_ALL_CLASSES, by_class=False, source="desa_by_class")
    return ",\n".join(steps) + desa_all, params, further + 1


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
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            # For this transaction only. synchronous_commit: a snapshot is derived data that
            # the engine recomputes after a crash, so the commit need not wait for the WAL
            # flush of tens of thousands of rows; atomicity is unchanged, a crash still leaves
            # the previous snapshot current. work_mem: the per-TPS aggregate sorts a few
            # hundred thousand assignment rows, which spill to disk with the default 4 MB.
            with connections[using].cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('synchronous_commit', 'off', true), "
                    "set_config('work_mem', %s, true)",
                    [COVERAGE_WORK_MEM],
                )
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
        inputs = [phase.pk, PostKind.PAM_TPS, Assignment.Status.CANCELLED, snapshot.pk]
        with connections[using].cursor() as cursor:
            if connections[using].vendor == "postgresql":
                sql, requirement_params, more = _whole_snapshot_sql(required)
                cursor.execute(sql, [*requirement_params, *inputs, *[snapshot.pk] * more])
            else:
                sql, requirement_params = _per_tps_sql(required)
                cursor.execute(sql, [*requirement_params, *inputs])
                both = [snapshot.pk, snapshot.pk]
                cursor.execute(_desa_by_class_sql(), both)
                for rollup in ROLLUPS:
                    # By-class rows first: the next rollup sums them.
                    cursor.execute(_rollup_sql(rollup, by_class=True), both)
                    cursor.execute(_rollup_sql(rollup, by_class=False), both)
                cursor.execute(_rollup_sql(DESA_ALL_CLASSES, by_class=False), both)
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
    with transaction.atomic():
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
    """Keep per-TPS and desa rows for the current snapshot and the one before, per phase;
    keep every snapshot for two days, then one an hour (the last of each hour).

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
        CoverageArea.objects.filter(snapshot_id__in=old, level=CoverageArea.Level.DESA).delete()


def snapshot_is_stale(
    snapshot: CoverageSnapshot, state: CoverageState | None, *, now: datetime
) -> bool:
    """Stale: an input changed after the snapshot and no recompute has landed within 60 s; where
    beat runs (COVERAGE_BEAT_SECONDS > 0), also older than twice the beat interval. Real time."""
    if (
        state is not None
        and state.version > snapshot.inputs_version
        and state.changed_at is not None
        and now - state.changed_at > STALE_AFTER
    ):
        return True
    beat = settings.COVERAGE_BEAT_SECONDS
    return bool(beat) and now - snapshot.created_at > timedelta(seconds=2 * beat)


# Triggering: every write path that can move coverage ends up in coverage_inputs_changed().


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
    from deployments.tasks import recompute_coverage_task

    try:
        recompute_coverage_task.apply_async(
            args=[operation_id], countdown=settings.COVERAGE_DEBOUNCE_SECONDS
        )
    except Exception:
        # The broker is down: the edit stays saved; the beat safety net (or the next change)
        # queues the recompute when Redis is back. Never fail the admin's save for this.
        CoverageState.objects.filter(operation_id=operation_id).update(pending=False)
        logger.exception("coverage: could not queue a recompute; it will run later")
