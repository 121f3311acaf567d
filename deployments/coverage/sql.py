"""The SQL of one coverage snapshot: per-TPS rows in one INSERT … SELECT, area rows in a fixed
number of INSERT … SELECT … GROUP BY statements (or on PostgreSQL one chain of CTEs).

The arithmetic is written out in docs/coverage.md; this module and that document stay in step.
The SQL is plain enough to run unchanged on SQLite and PostgreSQL, which must give the same
verdicts.
"""

from dataclasses import dataclass

from deployments.models import Assignment, CoverageArea, CoverageTPS, Force, Personnel, Unit
from tps.models import TPS, Desa, KabKota, Kecamatan

FORCES: tuple[str, ...] = tuple(Force.values)  # POLRI, TNI, LINMAS
# Assigned shares are sums of 1/n; compare with a tolerance, never with float equality.
EPSILON = 1e-9

Requirements = dict[str, dict[str, float]]  # kerawanan → force → guards per TPS


def _table(model) -> str:
    return model._meta.db_table


def per_tps_sql(required: Requirements) -> tuple[str, list]:
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
    WHERE a.phase_id = %s AND a.kind = %s AND a.status = %s AND p.active
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


def desa_by_class_sql(source: str | None = None) -> str:
    """The one pass over the per-TPS rows: a row per desa and class. Everything above sums these.

    `source` names the rows to read: by default this snapshot's rows in the table; on
    PostgreSQL the RETURNING rows of the per-TPS insert (see whole_snapshot_sql). The rows are
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


def rollup_sql(rollup: _Rollup, *, by_class: bool, source: str | None = None) -> str:
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


def whole_snapshot_sql(required: Requirements) -> tuple[str, list, int]:
    """PostgreSQL: every row of a snapshot in one statement, a chain of data-modifying CTEs.

    Each insert hands its RETURNING rows to the next level's aggregate: the per-TPS rows to
    the desa rows, the desa rows to the kecamatan rows, and so on up to the operation. Nothing
    written is read back from the tables, and the statement is planned once. Parameters: those
    of per_tps_sql, then the snapshot id once per further insert (the number returned). SQLite
    has no such CTE and runs the statements one by one (coverage_compute); the backend
    comparison test holds both to the same rows.
    """
    per_tps, params = per_tps_sql(required)
    head, insert = per_tps.split("\nINSERT INTO ", 1)
    area_columns = ", ".join(["code", "kerawanan", *_COUNT_COLUMNS, *_FORCE_COLUMNS])
    tps_columns = ", ".join(["desa_id", "kerawanan", "status", *_TPS_FIGURES])
    steps = [f"{head},\ninserted AS (\nINSERT INTO {insert.rstrip()}\nRETURNING {tps_columns}\n)"]
    steps.append(
        f"desa_by_class AS ({desa_by_class_sql(source='inserted')} RETURNING {area_columns})"
    )
    further = 1
    below = {CoverageArea.Level.DESA: "desa_by_class"}
    for rollup in ROLLUPS:
        name = f"{rollup.level}_by_class"
        by_class = rollup_sql(rollup, by_class=True, source=below[rollup.source])
        steps.append(f"{name} AS ({by_class} RETURNING {area_columns})")
        all_classes = rollup_sql(rollup, by_class=False, source=below[rollup.source])
        steps.append(f"{rollup.level}_all AS ({all_classes})")
        below[rollup.level] = name
        further += 2
    desa_all = rollup_sql(DESA_ALL_CLASSES, by_class=False, source="desa_by_class")
    return ",\n".join(steps) + desa_all, params, further + 1
