# ruff: noqa: S608 - the SQL is built from fixed names of this module, never from input
"""The coverage engine's floor: what the engine's rows cost when written as well as one can.

One hand-written statement per phase computes and stores exactly what coverage_compute stores
(deployments/coverage/engine.py, sql.py): the snapshot row with its unassigned counts, every
column of every per-TPS row, and the area rows of every level (desa, kecamatan, Polsek,
kab/kota, operation; per kerawanan class and for all classes), reading the requirements from
the pattern table itself. It writes into scratch copies of the engine's tables in a schema of
its own (`floor`, CREATE TABLE … LIKE … INCLUDING ALL: the same columns, defaults, checks and
indexes), so that the work is the same; PRUNE_SQL is the retention policy of coverage_prune in
one statement. DIFFERENCES_SQL compares the engine's current snapshot with the floor's, row by
row and column by column; the benchmark fails when it finds any.

Plain SQL strings and functions of a DB-API cursor: bench/coverage_rounds.py runs them with
Django's connection, tests/platform/test_bench_hygiene.py against the engine on a small
operation built to hit every rule.
"""

SCHEMA = "floor"
TABLES = (
    "deployments_coveragesnapshot",
    "deployments_coveragetps",
    "deployments_coveragearea",
    "deployments_coverageobject",
)

SCHEMA_SQL = [
    f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
    f"CREATE SCHEMA {SCHEMA}",
    *(f"CREATE TABLE {SCHEMA}.{t} (LIKE public.{t} INCLUDING ALL)" for t in TABLES),
    # LIKE copies no foreign key: the snapshot's two, as the engine's table has them.
    f"ALTER TABLE {SCHEMA}.deployments_coveragesnapshot "
    "ADD FOREIGN KEY (operation_id) REFERENCES public.deployments_operation (id) "
    "DEFERRABLE INITIALLY DEFERRED, "
    "ADD FOREIGN KEY (phase_id) REFERENCES public.deployments_phase (id) "
    "DEFERRABLE INITIALLY DEFERRED",
]

_FORCES = ("polri", "tni", "linmas")
# The kinds of post that are guarded objects (deployments.models.GUARDED_KINDS).
_GUARDED = ", ".join(
    f"'{k}'"
    for k in (
        "ppk",
        "pps",
        "kantor_kpu",
        "kantor_bawaslu",
        "gudang_logistik",
        "walpri",
        "lokasi_kampanye",
    )
)
_AREA_FIGURES = ["tps_total", "covered", "short", "unguarded"] + [
    f"{f}_{m}" for f in _FORCES for m in ("required", "assigned", "fulfilled")
]
_AREA_SUMS = ", ".join(f"SUM({c})" for c in _AREA_FIGURES)


def _area_level(level: str, code: str, source: str, group: str) -> str:
    """One level's rows, per class and for all classes, in one grouping pass."""
    return f"""
    SELECT '{level}', {code}, COALESCE(s.kerawanan, ''), {_AREA_SUMS}
    FROM {source}
    GROUP BY GROUPING SETS (({group}, s.kerawanan), ({group}))"""


# Parameters: operation, phase, computed_at, created_at, inputs_version (pyformat).
FLOOR_SQL = f"""
WITH snapshot AS (
    INSERT INTO {SCHEMA}.deployments_coveragesnapshot
        (operation_id, phase_id, computed_at, created_at, inputs_version, duration_ms,
         unassigned_polri, unassigned_tni, unassigned_linmas)
    SELECT %(operation)s, %(phase)s, %(computed_at)s, %(created_at)s, %(inputs_version)s, 0,
           COUNT(*) FILTER (WHERE p.force = 'POLRI'),
           COUNT(*) FILTER (WHERE p.force = 'TNI'),
           COUNT(*) FILTER (WHERE p.force = 'LINMAS')
    FROM deployments_personnel p
    WHERE p.active AND NOT EXISTS (
        SELECT FROM deployments_assignment a
        WHERE a.personnel_id = p.id AND a.phase_id = %(phase)s AND a.status <> 'cancelled')
    RETURNING id
),
-- Per class and force, the phase's own pattern row, else the all-phases row.
required AS (
    SELECT kerawanan,
           COALESCE(MAX(per_tps) FILTER (WHERE force = 'POLRI'), 0) AS polri,
           COALESCE(MAX(per_tps) FILTER (WHERE force = 'TNI'), 0) AS tni,
           COALESCE(MAX(per_tps) FILTER (WHERE force = 'LINMAS'), 0) AS linmas
    FROM (
        SELECT DISTINCT ON (kerawanan, force) kerawanan, force,
               CAST(personnel_count AS float8) / tps_count AS per_tps
        FROM deployments_securitypattern
        WHERE operation_id = %(operation)s AND (phase_id = %(phase)s OR phase_id IS NULL)
        ORDER BY kerawanan, force, phase_id NULLS LAST
    ) rows
    GROUP BY kerawanan
),
-- A guard's share of a TPS: 1/n for each duty of n TPS. One sort by TPS and a group aggregate
-- (a guard with two duties at one TPS counted once) measured faster than hashing per guard
-- first, on 60,312 TPS: 0.92 s against 1.49 s at best of five, and a third less memory.
assigned AS (
    SELECT tps_id,
           SUM(CASE WHEN force = 'POLRI' THEN share ELSE 0 END) AS polri,
           COUNT(DISTINCT CASE WHEN force = 'POLRI' THEN personnel_id END) AS polri_guards,
           SUM(CASE WHEN force = 'TNI' THEN share ELSE 0 END) AS tni,
           COUNT(DISTINCT CASE WHEN force = 'TNI' THEN personnel_id END) AS tni_guards,
           SUM(CASE WHEN force = 'LINMAS' THEN share ELSE 0 END) AS linmas,
           COUNT(DISTINCT CASE WHEN force = 'LINMAS' THEN personnel_id END) AS linmas_guards
    FROM (
        SELECT at.tps_id, p.force, a.personnel_id,
               CAST(1 AS float8) / COUNT(*) OVER (PARTITION BY at.assignment_id) AS share
        FROM deployments_assignment_tps at
        JOIN deployments_assignment a ON a.id = at.assignment_id
        JOIN deployments_personnel p ON p.id = a.personnel_id
        WHERE a.phase_id = %(phase)s AND a.kind = 'pam_tps' AND a.status = 'active'
          AND p.active
    ) duty
    GROUP BY tps_id
),
tps_rows AS (
    INSERT INTO {SCHEMA}.deployments_coveragetps
        (snapshot_id, tps_id, desa_id, kerawanan, status,
         polri_required, polri_assigned, polri_guards, tni_required, tni_assigned, tni_guards,
         linmas_required, linmas_assigned, linmas_guards)
    SELECT (SELECT id FROM snapshot), t.id, t.desa_id, t.kerawanan,
           CASE WHEN COALESCE(g.polri, 0) + 1e-9 >= COALESCE(r.polri, 0)
                 AND COALESCE(g.tni, 0) + 1e-9 >= COALESCE(r.tni, 0)
                 AND COALESCE(g.linmas, 0) + 1e-9 >= COALESCE(r.linmas, 0) THEN 'covered'
                WHEN g.tps_id IS NULL THEN 'unguarded' ELSE 'short' END,
           COALESCE(r.polri, 0), COALESCE(g.polri, 0), COALESCE(g.polri_guards, 0),
           COALESCE(r.tni, 0), COALESCE(g.tni, 0), COALESCE(g.tni_guards, 0),
           COALESCE(r.linmas, 0), COALESCE(g.linmas, 0), COALESCE(g.linmas_guards, 0)
    FROM tps_tps t
    LEFT JOIN required r ON r.kerawanan = t.kerawanan
    LEFT JOIN assigned g ON g.tps_id = t.id
    RETURNING desa_id, kerawanan, status, polri_required, polri_assigned, tni_required,
              tni_assigned, linmas_required, linmas_assigned
),
desa AS (
    SELECT desa_id, kerawanan, COUNT(*) AS tps_total,
           COUNT(*) FILTER (WHERE status = 'covered') AS covered,
           COUNT(*) FILTER (WHERE status = 'short') AS short,
           COUNT(*) FILTER (WHERE status = 'unguarded') AS unguarded,
           {
    ", ".join(
        f"SUM({f}_required) AS {f}_required, SUM({f}_assigned) AS {f}_assigned, "
        f"SUM(LEAST({f}_assigned, {f}_required)) AS {f}_fulfilled"
        for f in _FORCES
    )
}
    FROM tps_rows GROUP BY desa_id, kerawanan
),
kecamatan AS (
    SELECT d.kecamatan_id, s.kerawanan, {", ".join(f"SUM({c}) AS {c}" for c in _AREA_FIGURES)}
    FROM desa s JOIN tps_desa d ON d.id = s.desa_id
    GROUP BY d.kecamatan_id, s.kerawanan
),
areas AS ({_area_level("desa", "d.code", "desa s JOIN tps_desa d ON d.id = s.desa_id", "d.code")}
    UNION ALL{
    _area_level(
        "kecamatan",
        "k.code",
        "kecamatan s JOIN tps_kecamatan k ON k.id = s.kecamatan_id",
        "k.code",
    )
}
    UNION ALL{
    _area_level(
        "polsek",
        "u.code",
        "kecamatan s JOIN deployments_unit u ON u.kecamatan_id = s.kecamatan_id "
        "AND u.kind = 'polsek'",
        "u.code",
    )
}
    UNION ALL{
    _area_level(
        "kabkota",
        "kk.code",
        "kecamatan s JOIN tps_kecamatan k ON k.id = s.kecamatan_id "
        "JOIN tps_kabkota kk ON kk.id = k.kabkota_id",
        "kk.code",
    )
}
    UNION ALL
    SELECT 'operation', 'all', COALESCE(s.kerawanan, ''),
           {", ".join(f"COALESCE(SUM({c}), 0)" for c in _AREA_FIGURES)}
    FROM kecamatan s
    GROUP BY GROUPING SETS ((s.kerawanan), ())
),
area_rows AS (
    INSERT INTO {SCHEMA}.deployments_coveragearea
        (snapshot_id, level, code, kerawanan, {", ".join(_AREA_FIGURES)})
    SELECT (SELECT id FROM snapshot), areas.* FROM areas
),
-- The guarded objects active in the phase, their period clipped to it.
objects AS (
    SELECT o.id, o.kind, o.kerawanan, o.remote,
           GREATEST(o.active_from, ph.starts_at) AS starts_at,
           LEAST(o.active_until, ph.ends_at) AS ends_at
    FROM deployments_post o JOIN deployments_phase ph ON ph.id = %(phase)s
    WHERE o.kind IN ({_GUARDED})
      AND (o.active_from IS NULL OR o.active_from < ph.ends_at)
      AND (o.active_until IS NULL OR o.active_until > ph.starts_at)
),
-- A row per shift starting in the phase, or one for the period of an object without any.
slots AS (
    SELECT s.id AS shift_id, s.post_id, s.starts_at, s.ends_at
    FROM deployments_shift s
    JOIN objects o ON o.id = s.post_id
    JOIN deployments_phase ph ON ph.id = %(phase)s
    WHERE s.starts_at >= ph.starts_at AND s.starts_at < ph.ends_at
      AND s.starts_at < o.ends_at AND s.ends_at > o.starts_at
),
all_slots AS (
    SELECT * FROM slots
    UNION ALL
    SELECT NULL, o.id, o.starts_at, o.ends_at FROM objects o
    WHERE NOT EXISTS (SELECT FROM slots WHERE slots.post_id = o.id)
),
-- Per object and force the most specific norm: its class before every class, a remote row
-- before the ordinary ones for a remote object (NORM_PRECEDENCE).
norms AS (
    SELECT DISTINCT ON (o.id, n.force) o.id AS post_id, n.force, n.personnel_per_shift
    FROM objects o
    JOIN deployments_guardnorm n ON n.operation_id = %(operation)s AND n.post_kind = o.kind
         AND n.kerawanan IN (o.kerawanan, '') AND (n.remote = o.remote OR NOT n.remote)
    ORDER BY o.id, n.force, n.remote <> o.remote, n.kerawanan = ''
),
object_required AS (
    SELECT post_id,
           COALESCE(MAX(personnel_per_shift) FILTER (WHERE force = 'POLRI'), 0) AS polri,
           COALESCE(MAX(personnel_per_shift) FILTER (WHERE force = 'TNI'), 0) AS tni,
           COALESCE(MAX(personnel_per_shift) FILTER (WHERE force = 'LINMAS'), 0) AS linmas
    FROM norms GROUP BY post_id
),
on_duty AS (
    SELECT sl.post_id, sl.starts_at,
           COUNT(DISTINCT p.id) FILTER (WHERE p.force = 'POLRI') AS polri,
           COUNT(DISTINCT p.id) FILTER (WHERE p.force = 'TNI') AS tni,
           COUNT(DISTINCT p.id) FILTER (WHERE p.force = 'LINMAS') AS linmas
    FROM (
        SELECT sl.post_id, sl.starts_at, a.personnel_id
        FROM slots sl JOIN deployments_assignment a ON a.shift_id = sl.shift_id
        WHERE a.status = 'active'
        UNION ALL
        SELECT sl.post_id, sl.starts_at, a.personnel_id
        FROM all_slots sl JOIN deployments_assignment a ON a.post_id = sl.post_id
        WHERE sl.shift_id IS NULL AND a.phase_id = %(phase)s AND a.status = 'active'
          AND a.starts_at < sl.ends_at AND a.ends_at > sl.starts_at
    ) sl
    JOIN deployments_personnel p ON p.id = sl.personnel_id AND p.active
    GROUP BY sl.post_id, sl.starts_at
),
object_rows AS (
    INSERT INTO {SCHEMA}.deployments_coverageobject
        (snapshot_id, post_id, shift_id, kind, starts_at, ends_at, status,
         polri_required, polri_assigned, tni_required, tni_assigned,
         linmas_required, linmas_assigned)
    SELECT (SELECT id FROM snapshot), sl.post_id, sl.shift_id, o.kind, sl.starts_at, sl.ends_at,
           CASE WHEN COALESCE(g.polri, 0) >= COALESCE(r.polri, 0)
                 AND COALESCE(g.tni, 0) >= COALESCE(r.tni, 0)
                 AND COALESCE(g.linmas, 0) >= COALESCE(r.linmas, 0) THEN 'covered'
                WHEN g.post_id IS NULL THEN 'unguarded' ELSE 'short' END,
           COALESCE(r.polri, 0), COALESCE(g.polri, 0), COALESCE(r.tni, 0), COALESCE(g.tni, 0),
           COALESCE(r.linmas, 0), COALESCE(g.linmas, 0)
    FROM all_slots sl
    JOIN objects o ON o.id = sl.post_id
    LEFT JOIN object_required r ON r.post_id = sl.post_id
    LEFT JOIN on_duty g ON g.post_id = sl.post_id AND g.starts_at = sl.starts_at
)
SELECT id FROM snapshot
"""

# coverage_prune's policy in one statement: per-TPS, per-object and desa rows for the newest
# two snapshots of each phase only; snapshots older than two days thinned to the last of each
# hour (UTC).
# Parameters: operation, now.
PRUNE_SQL = f"""
WITH ranked AS (
    SELECT id, phase_id, created_at,
           row_number() OVER (PARTITION BY phase_id ORDER BY created_at DESC, id DESC) AS newest
    FROM {SCHEMA}.deployments_coveragesnapshot WHERE operation_id = %(operation)s
),
old AS (SELECT id, phase_id, created_at FROM ranked WHERE newest > 2),
hourly AS (
    SELECT id, row_number() OVER (
        PARTITION BY phase_id, date_trunc('hour', created_at AT TIME ZONE 'UTC')
        ORDER BY created_at DESC, id DESC) AS in_hour
    FROM old WHERE created_at < CAST(%(now)s AS timestamptz) - interval '2 days'
),
dropped AS (
    DELETE FROM {SCHEMA}.deployments_coveragesnapshot s USING hourly h
    WHERE s.id = h.id AND h.in_hour > 1 RETURNING s.id
),
tps_rows AS (
    DELETE FROM {SCHEMA}.deployments_coveragetps c USING old WHERE c.snapshot_id = old.id
),
object_rows AS (
    DELETE FROM {SCHEMA}.deployments_coverageobject c USING old WHERE c.snapshot_id = old.id
)
DELETE FROM {SCHEMA}.deployments_coveragearea a USING old
WHERE a.snapshot_id = old.id AND (a.level = 'desa' OR old.id IN (SELECT id FROM dropped))
"""

_TPS_COLUMNS = ["desa_id", "kerawanan", "status"] + [
    f"{f}_{m}" for f in _FORCES for m in ("required", "assigned", "guards")
]
_OBJECT_COLUMNS = ["shift_id", "kind", "ends_at", "status"] + [
    f"{f}_{m}" for f in _FORCES for m in ("required", "assigned")
]
_SNAPSHOT_COLUMNS = ["operation_id", "phase_id", "inputs_version"] + [
    f"unassigned_{f}" for f in _FORCES
]
# Shares are sums of 1/n added in another order than the engine's: equal within 1e-9.
_FLOATS = {
    c for c in _TPS_COLUMNS + _AREA_FIGURES if c.endswith(("_required", "_assigned", "_fulfilled"))
}


def _differs(column: str) -> str:
    if column in _FLOATS:
        return f"NOT (abs(e.{column} - f.{column}) <= 1e-9 * greatest(1, abs(e.{column})))"
    return f"e.{column} IS DISTINCT FROM f.{column}"


def _compare(table: str, key: list[str], columns: list[str]) -> str:
    on = " AND ".join(f"e.{k} = f.{k}" for k in key)
    missing = [f"e.{key[0]} IS NULL", f"f.{key[0]} IS NULL"]
    differs = " OR ".join(missing + [_differs(c) for c in columns])
    shown = ", ".join(f"e.{c}, f.{c}" for c in columns)
    return f"""
SELECT '{table}', concat_ws('/', {", ".join(f"COALESCE(e.{k}, f.{k})" for k in key)}),
       'engine, floor: ' || ROW({shown})::text
FROM (SELECT * FROM public.{table} WHERE snapshot_id = %(engine)s) e
FULL JOIN (SELECT * FROM {SCHEMA}.{table} WHERE snapshot_id = %(floor)s) f ON {on}
WHERE {differs}"""


# Rows that are not the same in the engine's snapshot and the floor's: (table, key, values).
# Parameters: engine, floor (snapshot ids). Every column but ids, timestamps and duration_ms
# (the snapshot's own id differs, and the rows are matched on the TPS or the area instead).
DIFFERENCES_SQL = f"""
SELECT 'deployments_coveragesnapshot', '', ROW(e.*)::text || ' / ' || ROW(f.*)::text
FROM (SELECT {", ".join(_SNAPSHOT_COLUMNS)} FROM public.deployments_coveragesnapshot
      WHERE id = %(engine)s) e
FULL JOIN (SELECT {", ".join(_SNAPSHOT_COLUMNS)} FROM {SCHEMA}.deployments_coveragesnapshot
      WHERE id = %(floor)s) f ON true
WHERE ROW(e.*) IS DISTINCT FROM ROW(f.*)
UNION ALL{_compare("deployments_coveragetps", ["tps_id"], _TPS_COLUMNS)}
UNION ALL{_compare("deployments_coveragearea", ["level", "code", "kerawanan"], _AREA_FIGURES)}
UNION ALL{_compare("deployments_coverageobject", ["post_id", "starts_at"], _OBJECT_COLUMNS)}
"""


def create_schema(cursor) -> None:
    for statement in SCHEMA_SQL:
        cursor.execute(statement)


def floor_compute(cursor, **params) -> int:
    """One snapshot of one phase, in one statement; the new snapshot's id. Parameters: those of
    FLOOR_SQL. Run it inside a transaction, as the engine's."""
    cursor.execute(FLOOR_SQL, params)
    return cursor.fetchone()[0]


def floor_prune(cursor, *, operation: int, now) -> None:
    cursor.execute(PRUNE_SQL, {"operation": operation, "now": now})


def differences(cursor, *, engine: int, floor: int) -> list[tuple]:
    """Rows of the two snapshots that differ; [] when every row and column is the same."""
    cursor.execute(DIFFERENCES_SQL, {"engine": engine, "floor": floor})
    return cursor.fetchall()


def row_counts(cursor, *, engine: int, floor: int) -> dict[str, tuple[int, int]]:
    counts = {}
    for table in TABLES[1:]:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM public.{table} WHERE snapshot_id = %s), "
            f"(SELECT count(*) FROM {SCHEMA}.{table} WHERE snapshot_id = %s)",
            [engine, floor],
        )
        counts[table] = cursor.fetchone()
    return counts
