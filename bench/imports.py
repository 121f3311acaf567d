"""make bench: the personnel and the assignment import (validate + apply) of a Kediri roster
and a Polda roster.

In a PostgreSQL database of this run's own (opsboard_bench_imports_<pid>_<hex>, dropped after
it), a synthetic operation at Polda Jatim's size (60,312 TPS: its kecamatan, desa, Polsek,
Koramil and Satlinmas, and the ~156,000 people it already deploys) is built with the demo's
generator. Then, in a child process, for each roster size:

- personnel: a CSV of new people in Kediri's proportions (576 Polri : 31 TNI : 1,678 Linmas),
  named from the demo's name lists and placed in the synthetic units;
- assignments: a CSV of the synthetic people's duties for the masa tenang (the export of their
  pemungutan duties, one row per TPS as in a Sprin annex, a Polri pair's 4 TPS as 4 rows, moved
  to 24/11 06.00 – 25/11 18.00), checked against every duty and unavailability period the
  people already hold;

goes through the admin's path (import_job_create, import_job_validate, import_job_claim,
import_job_apply), several rounds, each round's rows deleted before the next. Reported:
validate, apply and both together (median and min–max), the queries of each, and at the
largest size the all-or-nothing check: the same file whose last row becomes wrong between the
preview and the confirmation (its unit removed; its person reported sick), which must write
nothing.

The coverage recompute the import queues after its commit is counted (one per import), not run:
bench/coverage.py measures it. No Redis is used (REDIS_URL is unset for the child).

    .venv/bin/python bench/imports.py [--sizes 2285,156000] [--rounds 3]
        [--kinds personnel,assignment] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import (  # noqa: E402  (bench/ is on sys.path as a script)
    Figure,
    figures_table,
    measured_line,
    own_database,
    spread,
    write_section,
)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
POLDA_TPS = 60_312
GOALS = {2285: 2.0, 156000: 60.0}  # issue #14: seconds for validate + apply
KEDIRI = {"POLRI": 576, "TNI": 31, "LINMAS": 1678}


def run(args: list[str], env: dict, *, show_progress: bool = False) -> str:
    result = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


# The child: runs inside the benchmark's database.


def roster(size: int, *, seed: int) -> list[list]:
    """`size` new people in Kediri's proportions, in the import's columns."""
    import random

    from demo.names import FEMALE_FAMILY, FEMALE_GIVEN, MALE_FAMILY, MALE_GIVEN, MOBILE_PREFIXES
    from deployments.models import Unit

    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    polsek = list(Unit.objects.filter(kind="polsek").values_list("name", flat=True))
    koramil = list(Unit.objects.filter(kind="koramil").values_list("name", flat=True))
    satlinmas = list(Unit.objects.filter(kind="satlinmas").values_list("code", "desa__code"))
    total = sum(KEDIRI.values())
    polri = round(size * KEDIRI["POLRI"] / total)
    tni = round(size * KEDIRI["TNI"] / total)

    def name() -> str:
        if rng.random() < 0.07:
            return f"{rng.choice(FEMALE_GIVEN)} {rng.choice(FEMALE_FAMILY)}"
        return f"{rng.choice(MALE_GIVEN)} {rng.choice(MALE_FAMILY)}"

    def phone() -> str:
        if rng.random() > 0.55:
            return ""
        return (
            f"{rng.choice(MOBILE_PREFIXES)}-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"
        )

    rows = []
    base = seed * 1_000_000
    for n in range(polri):
        rank = rng.choice(("Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu"))
        unit = polsek[n % len(polsek)]
        rows.append(
            ["Polri", f"{80_000_000 + base + n:08d}", name(), rank, "", unit, phone(), "", "Ya"]
        )
    for n in range(tni):
        unit = koramil[n % len(koramil)]
        rows.append(["TNI", f"2{base + n:010d}", name(), "Serda", "Inf", unit, phone(), "", "Ya"])
    for n in range(size - polri - tni):
        code, desa = satlinmas[n % len(satlinmas)]
        identifier = f"LM-{desa}-{seed:02d}{n // len(satlinmas):03d}"
        rows.append(["Linmas", identifier, name(), "", "", code, phone(), desa, "Ya"])
    return rows


def child(sizes: list[int], rounds: int, kinds: list[str]) -> dict:
    import statistics

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from deployments.coverage import triggers
    from deployments.imports import sheets
    from deployments.models import Assignment, Personnel

    queued: list[int] = []
    # The recompute the import asks for after its commit: counted, not run (bench/coverage.py
    # times it; in production a worker runs it after the debounce).
    triggers._after_commit = lambda: queued.append(1)
    users = get_user_model().objects
    # A second child in the same database (a size measured again) finds the first's user.
    user = users.filter(username="bench").first() or users.create_superuser(
        "bench", "bench@bench.invalid", None
    )
    # The product's own upload limits (IMPORT_MAX_BYTES, the background row limit) hold a
    # Polda roster: the benchmark runs under them, and the report says what they were.
    limits = {"max_bytes": sheets.MAX_FILE_BYTES, "max_rows": sheets.BACKGROUND_ROW_LIMIT}
    out: dict = {
        "limits": limits,
        "existing_personnel": Personnel.objects.count(),
        "existing_assignments": Assignment.objects.count(),
    }
    if "personnel" in kinds:
        out.update(personnel_rounds(sizes, rounds, user, queued))
        out["median"] = {
            k: statistics.median(v["seconds"]["total"]) for k, v in out["sizes"].items()
        }
    if "assignment" in kinds:
        out["assignments"] = assignment_rounds(sizes, rounds, user, queued)
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        out["postgres"] = c.fetchone()[0].split()[0]
    return out


def timed_import(kind: str, content: bytes, user, queued: list) -> dict:
    """One file through the admin's path: validate, claim, apply; seconds, CPU, SQL, queries."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deployments.imports import (
        import_job_apply,
        import_job_claim,
        import_job_create,
        import_job_validate,
    )
    from deployments.models import ImportJob

    job = import_job_create(
        kind=kind, file_name=f"{kind}.csv", content=content, background=True, by=user
    )
    queued.clear()
    cpu = time.process_time()
    with CaptureQueriesContext(connection) as q_validate:
        started = time.perf_counter()
        job = import_job_validate(job_id=job.pk)
        checked = time.perf_counter()
    assert job.status == ImportJob.Status.READY, (job.message, job.errors[:3])
    with CaptureQueriesContext(connection) as q_apply:
        confirmed = time.perf_counter()
        import_job_claim(job=job)
        job = import_job_apply(job_id=job.pk, by_id=user.pk)
        done = time.perf_counter()
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors[:3])
    return {
        "job": job,
        "validate": checked - started,
        "apply": done - confirmed,
        "total": checked - started + done - confirmed,
        "cpu": time.process_time() - cpu,
        "sql": sum(float(q["time"]) for c in (q_validate, q_apply) for q in c.captured_queries),
        "queries": {"validate": len(q_validate), "apply": len(q_apply), "recompute": len(queued)},
    }


def personnel_rounds(sizes: list[int], rounds: int, user, queued: list) -> dict:
    import time

    from django.db import connection

    from deployments.imports import (
        PersonnelResource,
        import_job_apply,
        import_job_claim,
        import_job_create,
        import_job_validate,
        sheets,
    )
    from deployments.models import Personnel, Unit

    columns = PersonnelResource.columns
    before = Personnel.objects.count()
    out: dict = {"sizes": {}}

    def clean_up(first_id: int) -> None:
        # Untimed housekeeping of 156,000 rows: no statement timeout for it.
        with connection.answering_within(3600), connection.cursor() as c:
            c.execute("SET statement_timeout = 0")
            c.execute("DELETE FROM deployments_historicalpersonnel WHERE id >= %s", [first_id])
            c.execute("DELETE FROM deployments_personnel WHERE id >= %s", [first_id])
            c.execute("VACUUM ANALYZE deployments_personnel")
            c.execute("RESET statement_timeout")

    for size in sizes:
        rows = roster(size, seed=1)
        content = sheets.csv_bytes(columns, rows)
        figures: dict[str, list] = {
            "validate": [],
            "apply": [],
            "total": [],
            "cpu": [],
            "sql": [],
        }
        queries: dict[str, int] = {}
        for _round in range(rounds):
            first_id = (Personnel.objects.order_by("-pk").values_list("pk", flat=True).first()) + 1
            measured = timed_import("personnel", content, user, queued)
            job = measured.pop("job")
            assert job.counts["new"] == size, job.counts
            assert Personnel.objects.count() == before + size
            queries = measured.pop("queries")
            for name, value in measured.items():
                figures[name].append(value)
            took = f"{measured['validate']:.1f} s + {measured['apply']:.1f} s"
            print(f"personnel, {size} rows: {took}", file=sys.stderr)
            clean_up(first_id)
        out["sizes"][str(size)] = {"seconds": figures, "queries": queries, "bytes": len(content)}

    # All-or-nothing at the largest size: the last row's unit is gone by the confirmation.
    size = max(sizes)
    rows = roster(size, seed=2)
    unit = Unit.objects.create(
        code="bench-sementara", name="Polsek Bench Sementara", force="POLRI", kind="bag"
    )
    rows[-1] = ["Polri", "89999999", "Baris Terakhir", "Bripka", "", unit.name, "", "", "Ya"]
    job = import_job_create(
        kind="personnel",
        file_name="roster-bad.csv",
        content=sheets.csv_bytes(columns, rows),
        background=True,
        by=user,
    )
    job = import_job_validate(job_id=job.pk)
    ready = job.status
    unit.delete()
    import_job_claim(job=job)
    started = time.perf_counter()
    job = import_job_apply(job_id=job.pk, by_id=user.pk)
    refused = time.perf_counter() - started
    out["all_or_nothing"] = {
        "ready_before": ready,
        "status": job.status,
        "errors": job.errors[:3],
        "written": Personnel.objects.count() - before,
        "seconds": refused,
        "line": size + 1,
    }
    return out


ASSIGNMENT_WINDOW = ("24/11/2024 06.00", "25/11/2024 18.00")  # inside the masa tenang


def assignment_roster(size: int) -> list[list]:
    """`size` rows of the synthetic people's duties for the masa tenang, in the import's
    columns, as the export writes them (one row per TPS: a Polri pair's 4 TPS are 4 rows of
    one duty), read in one query over the pemungutan duties' TPS links."""
    from deployments.imports import AssignmentResource
    from deployments.models import Assignment, Force, PostKind

    person = "assignment__personnel__"
    links = (
        Assignment.tps.through.objects.order_by("assignment_id", "tps_id")
        .values_list(
            f"{person}force",
            f"{person}identifier",
            f"{person}name",
            f"{person}rank",
            f"{person}corps",
            f"{person}unit__name",
            "tps__desa__code",
            "tps__number",
        )
        .iterator(chunk_size=20_000)
    )
    forces = {f.value: str(f.label) for f in Force}
    pam_tps = str(PostKind.PAM_TPS.label)
    rows = []
    for force, identifier, name, rank, corps, unit, desa, number in links:
        if len(rows) >= size:
            break
        rank_label = f"{rank} {corps}".strip()
        rows.append(
            [
                forces[force],
                identifier,
                name,
                rank_label,
                unit,
                desa,
                f"{number:03d}",
                pam_tps,
                "",
                *ASSIGNMENT_WINDOW,
                "",
                None,
            ]
        )
    assert len(AssignmentResource.columns) == len(rows[0])
    return rows


def assignment_rounds(sizes: list[int], rounds: int, user, queued: list) -> dict:
    import time
    from datetime import datetime

    from django.db import connection

    from deployments.imports import (
        AssignmentResource,
        import_job_apply,
        import_job_claim,
        import_job_create,
        import_job_validate,
        sheets,
    )
    from deployments.models import Assignment, Personnel, Unavailability
    from deployments.phases import WIB

    columns = AssignmentResource.columns
    through = Assignment.tps.through
    history = Assignment.history.model
    m2m_history = history.tps.model
    tables = [
        (m2m_history._meta.db_table, "m2m_history_id"),
        (history._meta.db_table, "history_id"),
        (through._meta.db_table, "id"),
        (Assignment._meta.db_table, "id"),
    ]

    def last_ids() -> dict[str, int]:
        with connection.cursor() as c:
            found = {}
            for table, column in tables:
                c.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # noqa: S608
                found[table] = c.fetchone()[0]
            return found

    def clean_up(before: dict[str, int]) -> None:
        # Untimed housekeeping of up to 156,000 duties: no statement timeout for it.
        with connection.answering_within(3600), connection.cursor() as c:
            c.execute("SET statement_timeout = 0")
            for table, column in tables:
                c.execute(f"DELETE FROM {table} WHERE {column} > %s", [before[table]])  # noqa: S608
            c.execute(f"VACUUM ANALYZE {Assignment._meta.db_table}")
            c.execute(f"VACUUM ANALYZE {through._meta.db_table}")
            c.execute("RESET statement_timeout")

    before_count = Assignment.objects.count()
    out: dict = {"sizes": {}}
    rosters: dict[int, list] = {}
    for size in sizes:
        rows = rosters[size] = assignment_roster(size)
        content = sheets.csv_bytes(columns, rows)
        figures: dict[str, list] = {k: [] for k in ("validate", "apply", "total", "cpu", "sql")}
        queries: dict[str, int] = {}
        made = 0
        for _round in range(rounds):
            before = last_ids()
            measured = timed_import("assignment", content, user, queued)
            job = measured.pop("job")
            made = job.counts["new"]
            assert job.counts["invalid"] == 0 and made > 0, job.counts
            assert Assignment.objects.count() == before_count + made
            queries = measured.pop("queries")
            for name, value in measured.items():
                figures[name].append(value)
            took = f"{measured['validate']:.1f} s + {measured['apply']:.1f} s"
            print(f"assignments, {size} rows: {took}", file=sys.stderr)
            clean_up(before)
        out["sizes"][str(size)] = {
            "seconds": figures,
            "queries": queries,
            "bytes": len(content),
            "assignments": made,
        }

    # All-or-nothing at the largest size: the last row's person is reported sick for the
    # window between the preview and the confirmation.
    size = max(sizes)
    rows = rosters[size]
    job = import_job_create(
        kind="assignment",
        file_name="penugasan-bad.csv",
        content=sheets.csv_bytes(columns, rows),
        background=True,
        by=user,
    )
    job = import_job_validate(job_id=job.pk)
    ready = job.status
    force = {"Polri": "POLRI", "TNI": "TNI", "Linmas": "LINMAS"}[rows[-1][0]]
    person = Personnel.objects.get(force=force, identifier=rows[-1][1])
    sick = Unavailability.objects.create(
        personnel=person,
        kind=Unavailability.Kind.SICK,
        starts_at=datetime(2024, 11, 24, tzinfo=WIB),
        ends_at=datetime(2024, 11, 26, tzinfo=WIB),
    )
    import_job_claim(job=job)
    started = time.perf_counter()
    job = import_job_apply(job_id=job.pk, by_id=user.pk)
    refused = time.perf_counter() - started
    sick.delete()  # the database as it was: a later run's roster names this person again
    out["all_or_nothing"] = {
        "ready_before": ready,
        "status": job.status,
        "errors": job.errors[:3],
        "written": Assignment.objects.count() - before_count,
        "seconds": refused,
        "line": size + 1,
    }
    return out


# The parent: its own database, the synthetic Polda, the child, the report.


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2285,156000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="personnel,assignment")
    parser.add_argument("--tps", type=int, default=POLDA_TPS, help="a smaller Polda for a try")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(child(sizes, args.rounds, args.kinds.split(","))))
        return
    load = os.getloadavg()[0]
    with own_database("imports", BASE_URL) as url:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "opsboard.settings"}
        env.pop("OPSBOARD_NOW", None)
        env.pop("REDIS_URL", None)
        venv = ROOT / ".venv" / "bin" / "python"
        python = str(venv) if venv.exists() else sys.executable
        # Building the Polda copies 300,000 rows a statement; the import itself runs under
        # the product's statement timeout.
        build = {**env, "DATABASE_STATEMENT_TIMEOUT": "900"}
        run([python, "manage.py", "migrate", "-v", "0"], build)
        run([python, "manage.py", "generate_synthetic", "--tps", str(args.tps)], build)
        output = run(
            [
                python,
                str(Path(__file__).resolve()),
                "--child",
                "--sizes",
                args.sizes,
                "--rounds",
                str(args.rounds),
                "--kinds",
                args.kinds,
            ],
            env,
            show_progress=True,
        )
    result = json.loads(output.strip().splitlines()[-1])
    for kind, marker, title in SECTIONS:
        if kind in args.kinds.split(","):
            text = report(result, sizes, args.rounds, load, args.tps, kind=kind)
            print(text)
            if args.write:
                write_section(marker, title, text)


# One section of docs/benchmarks.md per kind, so that either can be measured again alone.
SECTIONS = (
    ("personnel", "bench-imports", "Imports: a Kediri and a Polda roster"),
    ("assignment", "bench-imports-assignments", "Imports: a Kediri and a Polda roster of duties"),
)


def report(result: dict, sizes: list[int], rounds: int, load: float, tps: int, *, kind: str):
    limits = result["limits"]
    if kind == "personnel":
        figures = kind_figures(result, sizes, rounds, what="people", label="personnel")
        rosters = (
            "rosters of new people in Kediri's proportions (576 Polri : 31 TNI : 1,678 Linmas) "
            "from the demo's name lists"
        )
    else:
        figures = kind_figures(
            result["assignments"], sizes, rounds, what="assignment rows", label="assignments"
        )
        rosters = (
            "rosters of duties for the masa tenang: the synthetic people's pemungutan duties as "
            "the import's sheet (one row per TPS, so a Polri pair's TPS are merged back into one "
            "duty, Nama, Pangkat and Satuan checked against the register), each checked against "
            "every duty and unavailability period of its person"
        )
    return "\n".join(
        [
            measured_line(result["postgres"], load),
            "",
            f"Synthetic Polda Jatim operation ({tps:,} TPS, {result['existing_personnel']:,} "
            f"people and {result['existing_assignments']:,} duties already in the database); "
            f"{rosters}; imported under the product's own upload limits "
            f"({limits['max_bytes'] // 1024 // 1024} MB, {limits['max_rows']:,} rows per "
            "background file).",
            "",
            figures_table(figures),
        ]
    )


def kind_figures(result: dict, sizes: list[int], rounds: int, *, what: str, label: str) -> list:
    figures = []
    for size in sizes:
        data = result["sizes"][str(size)]
        seconds, queries = data["seconds"], data["queries"]
        goal = GOALS.get(size)
        total = spread(seconds["total"], digits=2)
        verdict = "" if goal is None else (" — met" if total.median < goal else " — NOT met")
        made = f" ({data['assignments']:,} assignments)" if "assignments" in data else ""
        method = (
            f"CSV of {size:,} {what}{made} ({data['bytes'] / 1e6:.1f} MB), import_job_validate "
            f"then import_job_apply, {rounds} rounds"
        )
        figures += [
            Figure(
                f"{label}, {size:,} rows: validate + apply",
                f"< {goal:g} s" if goal else "",
                f"{total}{verdict}",
                method,
            ),
            Figure(
                f"{label}, {size:,} rows: validate (dry run)",
                "",
                str(spread(seconds["validate"], digits=2)),
                f"{queries['validate']} queries",
            ),
            Figure(
                f"{label}, {size:,} rows: CPU of the Django process + time in SQL",
                "",
                f"{spread(seconds['cpu'], digits=2)} + {spread(seconds['sql'], digits=2)}",
                "validate + apply: process_time(), and the statements' own durations (the rest "
                "of the wall time is waiting for a core on a shared host)",
            ),
            Figure(
                f"{label}, {size:,} rows: apply (one transaction)",
                "",
                str(spread(seconds["apply"], digits=2)),
                f"{queries['apply']} queries; coverage recompute queued {queries['recompute']}×",
            ),
        ]
    bad = result["all_or_nothing"]
    kept = "nothing written" if bad["written"] == 0 else f"{bad['written']} rows WRITTEN"
    how = (
        "its person reported sick for the window" if label == "assignments" else "its unit deleted"
    )
    figures.append(
        Figure(
            f"{label}, {max(sizes):,} rows, last row refused at apply",
            "all or nothing",
            f"{bad['status']}, {kept} ({bad['seconds']:.1f} s)",
            f"line {bad['line']:,}: {how} between preview ({bad['ready_before']}) and "
            f"confirmation; error: {bad['errors'][0]['message'] if bad['errors'] else '-'}",
        )
    )
    return figures


if __name__ == "__main__":
    main()
