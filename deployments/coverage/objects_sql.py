"""The SQL of one snapshot's guarded-object rows: one INSERT … SELECT, whatever the number of
objects, shifts and duties (docs/coverage.md, "Guarded objects").

Every object active in the phase gets a row per shift starting in the phase (or, with no such
shift, one row for its active period clipped to the phase); the guard norm that applies is
chosen in SQL by the rule of GuardNorm.objects.required_for (NORM_PRECEDENCE). Plain SQL that
runs unchanged on SQLite and PostgreSQL; datetimes are compared column to column only, so no
backend's parameter format for them matters.
"""

from deployments.models import (
    GUARDED_KINDS,
    Assignment,
    CoverageObject,
    GuardNorm,
    Personnel,
    Phase,
    Post,
    Shift,
)
from deployments.models.coverage_objects import OBJECT_FORCES
from deployments.models.pattern import NORM_PRECEDENCE


def _table(model) -> str:
    return model._meta.db_table


def _later(column: str, bound: str) -> str:
    """The later of a nullable column and a bound (NULL: the bound), on both backends (SQLite's
    MAX and PostgreSQL's GREATEST differ)."""
    return f"CASE WHEN {column} IS NOT NULL AND {column} > {bound} THEN {column} ELSE {bound} END"


def _earlier(column: str, bound: str) -> str:
    return f"CASE WHEN {column} IS NOT NULL AND {column} < {bound} THEN {column} ELSE {bound} END"


def norm_rank_sql() -> str:
    """The rank of a norm row `n` for an object `o`, 0 = most specific: its place in
    NORM_PRECEDENCE, as (for every class?, an ordinary row for a remote object?)."""
    cases = []
    for rank, (every_class, other_remote) in enumerate(NORM_PRECEDENCE):
        class_test = "n.kerawanan = ''" if every_class else "n.kerawanan <> ''"
        remote_test = "n.remote <> o.remote" if other_remote else "n.remote = o.remote"
        cases.append(f"WHEN {class_test} AND {remote_test} THEN {rank}")
    return f"CASE {' '.join(cases)} END"


def per_object_sql() -> str:
    """INSERT … SELECT of a snapshot's object rows.

    Parameters: per_object_params().
    """
    kinds = ", ".join(f"'{k.value}'" for k in GUARDED_KINDS)
    forces = OBJECT_FORCES
    required_cols = ", ".join(
        f"SUM(CASE WHEN force = '{f.upper()}' THEN personnel_per_shift ELSE 0 END) AS {f}"
        for f in forces
    )
    assigned_cols = ", ".join(
        f"COUNT(DISTINCT CASE WHEN per.force = '{f.upper()}' THEN per.id END) AS {f}"
        for f in forces
    )
    meets_all = " AND ".join(f"COALESCE(g.{f}, 0) >= COALESCE(r.{f}, 0)" for f in forces)
    nobody = " + ".join(f"COALESCE(g.{f}, 0)" for f in forces) + " = 0"
    figures = ", ".join(f"COALESCE(r.{f}, 0), COALESCE(g.{f}, 0)" for f in forces)
    columns = ", ".join(f"{f}_required, {f}_assigned" for f in forces)
    return f"""
WITH phase_bounds AS (
    SELECT starts_at, ends_at FROM {_table(Phase)} WHERE id = %s
),
objects AS (
    SELECT p.id AS post_id, p.kind, p.kerawanan, p.remote,
           {_later("p.active_from", "ph.starts_at")} AS starts_at,
           {_earlier("p.active_until", "ph.ends_at")} AS ends_at
    FROM {_table(Post)} p CROSS JOIN phase_bounds ph
    WHERE p.kind IN ({kinds})
      AND (p.active_from IS NULL OR p.active_from < ph.ends_at)
      AND (p.active_until IS NULL OR p.active_until > ph.starts_at)
),
object_shifts AS (
    SELECT s.id AS shift_id, s.post_id, s.starts_at, s.ends_at
    FROM {_table(Shift)} s
    JOIN objects o ON o.post_id = s.post_id
    CROSS JOIN phase_bounds ph
    WHERE s.starts_at >= ph.starts_at AND s.starts_at < ph.ends_at
      AND s.starts_at < o.ends_at AND s.ends_at > o.starts_at
),
slots AS (
    SELECT shift_id, post_id, starts_at, ends_at FROM object_shifts
    UNION ALL
    SELECT NULL, o.post_id, o.starts_at, o.ends_at FROM objects o
    WHERE NOT EXISTS (SELECT 1 FROM object_shifts x WHERE x.post_id = o.post_id)
),
ranked_norms AS (
    SELECT o.post_id, n.force, n.personnel_per_shift,
           ROW_NUMBER() OVER (PARTITION BY o.post_id, n.force ORDER BY {norm_rank_sql()}) AS rn
    FROM objects o
    JOIN {_table(GuardNorm)} n ON n.operation_id = %s AND n.post_kind = o.kind
         AND (n.kerawanan = o.kerawanan OR n.kerawanan = '')
         AND (n.remote = o.remote OR NOT n.remote)
),
required AS (
    SELECT post_id, {required_cols} FROM ranked_norms WHERE rn = 1 GROUP BY post_id
),
counted AS (
    SELECT sl.post_id, sl.starts_at, a.personnel_id
    FROM slots sl JOIN {_table(Assignment)} a ON a.shift_id = sl.shift_id
    WHERE a.status = %s
    UNION ALL
    SELECT sl.post_id, sl.starts_at, a.personnel_id
    FROM slots sl JOIN {_table(Assignment)} a ON a.post_id = sl.post_id
    WHERE sl.shift_id IS NULL AND a.phase_id = %s AND a.status = %s
      AND a.starts_at < sl.ends_at AND a.ends_at > sl.starts_at
),
on_duty AS (
    SELECT c.post_id, c.starts_at, {assigned_cols}
    FROM counted c JOIN {_table(Personnel)} per ON per.id = c.personnel_id
    WHERE per.active
    GROUP BY c.post_id, c.starts_at
)
INSERT INTO {_table(CoverageObject)}
    (snapshot_id, post_id, shift_id, kind, starts_at, ends_at, status, {columns})
SELECT %s, sl.post_id, sl.shift_id, o.kind, sl.starts_at, sl.ends_at,
       CASE WHEN {meets_all} THEN 'covered' WHEN {nobody} THEN 'unguarded' ELSE 'short' END,
       {figures}
FROM slots sl
JOIN objects o ON o.post_id = sl.post_id
LEFT JOIN required r ON r.post_id = sl.post_id
LEFT JOIN on_duty g ON g.post_id = sl.post_id AND g.starts_at = sl.starts_at
"""


def per_object_params(*, phase_id: int, operation_id: int, snapshot_id: int) -> list:
    active = Assignment.Status.ACTIVE
    return [phase_id, operation_id, active, phase_id, active, snapshot_id]
