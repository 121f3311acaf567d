"""make bench: the coverage engine against its floor, per operation size, on PostgreSQL.

For each size: a synthetic operation in a database of this run's own
(opsboard_bench_cov_<pid>_<hex>, created and dropped by this run only; no Redis), then in a
child process (bench/coverage_rounds.py) ROUNDS interleaved rounds — engine, floor, engine,
floor … — after two unmeasured ones:

- engine: coverage_recompute (lock, phases, snapshot rows) then the prune task, as a worker
  runs them after a change;
- floor: the same rows as one hand-written statement per phase into scratch copies of the
  engine's tables, and the same retention policy as one statement (bench/coverage_floor.py),
  checked equal to the engine's snapshot, every row and column, after every round: the run
  fails (exit 2) on any difference.

Reported per figure: the median and min–max over the rounds; the ratio per round. Beside the
worker's memory, the PostgreSQL backend's (each round on a new connection, peak from
/proc/<pid>/status), and how long the recompute holds the operation's lock. With --write the
table goes into docs/benchmarks.md between <!-- coverage-bench --> and <!-- /coverage-bench -->.

    .venv/bin/python bench/coverage.py --sizes 839,60312 [--rounds 5] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# bench/ is on sys.path as a script
from common import (  # noqa: E402
    Figure,
    figures_table,
    measured_line,
    own_database,
    psql,
    ratios,
    spread,
    unique_name,
    write_section,
)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; created and dropped per size by this run only.
DB_NAME = unique_name("cov")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RATIO_GOAL = {60312: 1.5, 823000: 2.0}  # engine ÷ floor, recompute and prune


def run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed ({result.returncode}):\n{result.stderr[-6000:]}")
    return result.stdout


def bench_size(tps: int, rounds: int) -> dict:
    with own_database("cov", BASE_URL, name=DB_NAME) as url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("OPSBOARD_", "REDIS_"))},
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "opsboard.settings",
            "LOG_LEVEL": "WARNING",
            # The build's bulk COPY, and the prune's deletes, on a busy shared host: the
            # recompute and the floor set their own bound (COVERAGE_STATEMENT_TIMEOUT_SECONDS).
            "DATABASE_STATEMENT_TIMEOUT": "600",
        }
        run([PYTHON, "manage.py", "migrate", "-v", "0"], env)
        started = time.perf_counter()
        run([PYTHON, "manage.py", "generate_synthetic", "--tps", str(tps)], env)
        built = time.perf_counter() - started
        output = run([PYTHON, str(ROOT / "bench" / "coverage_rounds.py"), str(rounds)], env)
    figures = json.loads(output.strip().splitlines()[-1])
    figures.update(tps=tps, build_s=built)
    return figures


def _mb(rounds: list[dict], key: str) -> str:
    values = [r[key] for r in rounds if r[key] is not None]
    if not values:
        return "n/a"
    return str(spread([v / 1024 for v in values], unit="MB", digits=0))


def _ratio(result: dict, key: str) -> str:
    engine = [r[key] for r in result["engine"]]
    floor = [r[key] for r in result["floor"]]
    return str(spread(ratios(engine, floor), unit="×", digits=2))


def figures(results: list[dict]) -> list[Figure]:
    def each(fn) -> tuple[str, ...]:
        return tuple(fn(r) for r in results)

    def seconds(side: str, key: str):
        return each(lambda r: str(spread([x[key] for x in r[side]])))

    ratio_goal = "; ".join(f"≤ {g:g}× at {t:,} TPS" for t, g in RATIO_GOAL.items())
    return [
        Figure(
            "engine: recompute",
            "",
            seconds("engine", "compute"),
            "coverage_recompute(force=True): the lock, the phases, every snapshot, commit",
        ),
        Figure(
            "floor: the same rows",
            "",
            seconds("floor", "compute"),
            "one INSERT … SELECT with data-modifying CTEs per phase, the engine's "
            "work_mem and synchronous_commit, commit",
        ),
        Figure("engine: prune task", "", seconds("engine", "prune"), "coverage_prune, after"),
        Figure("floor: prune", "", seconds("floor", "prune"), "one DELETE with CTEs, same policy"),
        Figure(
            "engine ÷ floor, recompute and prune",
            ratio_goal,
            each(lambda r: _ratio(r, "total")),
            "per round, engine's total over the floor's in the same round",
        ),
        Figure(
            "engine ÷ floor, recompute only",
            "",
            each(lambda r: _ratio(r, "compute")),
            "per round",
        ),
        Figure(
            "operation lock held by the recompute",
            "",
            seconds("engine", "lock"),
            "from the SELECT … FOR UPDATE's return to the commit",
        ),
        Figure(
            "queries: recompute + prune",
            "constant in the TPS count",
            each(
                lambda r: (
                    f"{r['engine'][0]['queries']} + {r['engine'][0]['prune_queries']} "
                    f"(floor {r['floor'][0]['queries']} + {r['floor'][0]['prune_queries']})"
                )
            ),
            "CaptureQueriesContext; the floor's: its statements and the transaction's settings",
        ),
        Figure(
            "PostgreSQL backend peak RSS: engine / floor",
            "",
            each(lambda r: f"{_mb(r['engine'], 'pg_peak_kb')} / {_mb(r['floor'], 'pg_peak_kb')}"),
            "VmHWM of the round's own backend (new connection, reset by clear_refs): shared "
            "buffers and libraries it touched included",
        ),
        Figure(
            "PostgreSQL backend private memory: engine / floor",
            "",
            each(
                lambda r: (
                    f"{_mb(r['engine'], 'pg_private_kb')} / {_mb(r['floor'], 'pg_private_kb')}"
                )
            ),
            "RssAnon of the backend, highest of samples every 5 ms",
        ),
        Figure(
            "worker peak RSS: engine / floor",
            "flat in the TPS count",
            each(
                lambda r: (
                    f"{_mb(r['engine'], 'worker_peak_kb')} / {_mb(r['floor'], 'worker_peak_kb')}"
                )
            ),
            "VmHWM of the Python process, reset before each round",
        ),
        Figure(
            "rows checked equal, every column",
            "all",
            each(
                lambda r: (
                    f"{r['rows']['deployments_coveragetps']:,} TPS + "
                    f"{r['rows']['deployments_coveragearea']:,} area + "
                    f"{r['rows'].get('deployments_coverageobject', 0):,} object rows, "
                    f"{len(r['floor'])} rounds"
                )
            ),
            "FULL JOIN of the engine's current snapshot and the floor's; floats within 1e-9",
        ),
        Figure("synthetic operation built", "", each(lambda r: f"{r['build_s']:.1f} s"), "once"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "839,60312"))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    load = os.getloadavg()[0]
    results = [bench_size(int(size), options.rounds) for size in options.sizes.split(",")]
    version = psql(BASE_URL, "SHOW server_version").strip().split()[0]
    columns = tuple(f"{r['tps']:,} TPS" for r in results)
    text = (
        f"{measured_line(version, load)} {options.rounds} rounds per size, interleaved "
        f"(engine, floor, engine, floor …) after 2 unmeasured ones; median (min–max).\n\n"
        f"{figures_table(figures(results), columns)}"
    )
    print(text)
    if options.write:
        write_section("coverage-bench", "Coverage engine", text)


if __name__ == "__main__":
    main()
