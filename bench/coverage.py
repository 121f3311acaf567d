"""make bench: the coverage engine against its floor, per operation size, on PostgreSQL.

For each size: build a synthetic operation in a fresh database of this run's own
(opsboard_bench_<pid>_<hex>, dropped after it), then in a
separate process run one recompute (wall time, queries, peak memory) and the floor, one bare
INSERT … SELECT … GROUP BY that computes and stores the same per-TPS figures over the same
tables. Prints a table and, with --write, puts it into docs/benchmarks.md.

    .venv/bin/python bench/coverage.py --sizes 839,60312 [--write]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from report import database_name, write_section  # noqa: E402  (bench/ is on sys.path as a script)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; the benchmark creates and drops only it (REDIS_URL is unset: no Redis).
DB_NAME = database_name()

FLOOR_SQL = """
INSERT INTO bench_floor (tps_id, polri_assigned, tni_assigned, linmas_assigned,
                         polri_guards, tni_guards, linmas_guards, required_polri, required_linmas)
SELECT t.id,
       COALESCE(SUM(CASE WHEN p.force = 'POLRI' THEN 1.0 / n.n END), 0),
       COALESCE(SUM(CASE WHEN p.force = 'TNI' THEN 1.0 / n.n END), 0),
       COALESCE(SUM(CASE WHEN p.force = 'LINMAS' THEN 1.0 / n.n END), 0),
       COUNT(DISTINCT CASE WHEN p.force = 'POLRI' THEN p.id END),
       COUNT(DISTINCT CASE WHEN p.force = 'TNI' THEN p.id END),
       COUNT(DISTINCT CASE WHEN p.force = 'LINMAS' THEN p.id END),
       MAX(CASE t.kerawanan WHEN 'kurang_rawan' THEN 0.5 WHEN 'rawan' THEN 1.0 ELSE 2.0 END),
       2.0
FROM tps_tps t
LEFT JOIN deployments_assignment_tps at ON at.tps_id = t.id
LEFT JOIN deployments_assignment a ON a.id = at.assignment_id AND a.phase_id = %(phase)s
     AND a.kind = 'pam_tps' AND a.status <> 'cancelled'
LEFT JOIN deployments_personnel p ON p.id = a.personnel_id AND p.active
LEFT JOIN (SELECT assignment_id, COUNT(*) AS n FROM deployments_assignment_tps
           GROUP BY assignment_id) n ON n.assignment_id = a.id
GROUP BY t.id
"""

MEASURE = r"""
import json, resource, time, django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from deployments.coverage import COVERAGE_WORK_MEM, coverage_prune, coverage_recompute
from deployments.models import Operation, Phase
phase = Phase.objects.get(code="pemungutan")
with connection.cursor() as c:
    c.execute("DROP TABLE IF EXISTS bench_floor")
    c.execute("CREATE TABLE bench_floor (tps_id bigint, polri_assigned float8, "
              "tni_assigned float8, linmas_assigned float8, polri_guards int, tni_guards int, "
              "linmas_guards int, required_polri float8, required_linmas float8)")
    c.execute("VACUUM ANALYZE")
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
runs = []
for _ in range(3):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        coverage_recompute(force=True)
        runs.append(time.perf_counter() - started)
# The retention policy runs as its own task after a snapshot has landed: timed apart, over the
# snapshots the runs above left (each run's older per-TPS rows to delete).
started = time.perf_counter()
coverage_prune(operation=Operation.objects.get(), now=timezone.now())
prune = time.perf_counter() - started
# The floor gets the same memory for its sorts as the engine's transaction, so that the ratio
# compares the SQL and not the settings.
with connection.cursor() as c:
    c.execute("SELECT set_config('work_mem', %s, false)", [COVERAGE_WORK_MEM])
floors = []
for _ in range(3):
    with connection.cursor() as c:
        c.execute("TRUNCATE bench_floor")
        started = time.perf_counter()
        c.execute(FLOOR_SQL, {"phase": phase.pk})
        floors.append(time.perf_counter() - started)
print(json.dumps({"recompute": min(runs), "floor": min(floors), "queries": len(queries),
                  "prune": prune,
                  "rss_base_kb": base_rss,
                  "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    run(["psql", BASE_URL + "postgres", "-q", "-c", sql], os.environ.copy())


def bench_size(tps: int) -> dict:
    psql(f"CREATE DATABASE {DB_NAME}")
    try:
        return measure_size(tps)
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


def measure_size(tps: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": BASE_URL + DB_NAME,
        "DJANGO_SETTINGS_MODULE": "opsboard.settings",
    }
    env.pop("OPSBOARD_NOW", None)
    env.pop("REDIS_URL", None)
    python = str(ROOT / ".venv" / "bin" / "python")
    run([python, "manage.py", "migrate", "-v", "0"], env)
    started = time.perf_counter()
    run([python, "manage.py", "generate_synthetic", "--tps", str(tps)], env)
    built = time.perf_counter() - started
    measure = MEASURE.replace("FLOOR_SQL", repr(FLOOR_SQL))
    figures = json.loads(run([python, "-c", measure], env).strip().splitlines()[-1])
    figures.update(tps=tps, build_s=built, ratio=figures["recompute"] / figures["floor"])
    return figures


def table(rows: list[dict]) -> str:
    lines = [
        "| TPS | recompute | floor | ratio | queries | worker RSS before → peak | prune task "
        "| build |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tps']:,} | {r['recompute']:.3f} s | {r['floor']:.3f} s | {r['ratio']:.2f}× "
            f"| {r['queries']} | {r['rss_base_kb'] / 1024:.0f} → {r['rss_peak_kb'] / 1024:.0f} MB "
            f"| {r['prune']:.3f} s | {r['build_s']:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "839,60312"))
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    rows = [bench_size(int(size)) for size in options.sizes.split(",")]
    report = table(rows)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Coverage recompute vs floor on PostgreSQL ({machine}):\n{report}")
    if options.write:
        measured = f"Measured {time.strftime('%Y-%m-%d')} on {machine}:\n\n{report}"
        write_section("coverage-bench", "Coverage engine", measured)


if __name__ == "__main__":
    main()
