"""The officer's page /me/ under wrk beside a bare Django view on the same gunicorn, per officer
kind and operation size (issue 14's goal: at least 25 % of the bare view's throughput).

For each size: a fresh PostgreSQL database of this run's own (opsboard_bench_me_<pid>_<hex>,
dropped after it) with the Kediri demo (839 TPS) or a synthetic operation
(`generate_synthetic`, e.g. 60,312 TPS) to which it adds per Polsek a Kapolsek (AKP) and a Padal
(Iptu, a Padal post and its duty), a check-in by each guard of every other TPS, two status steps
at every third TPS and a report at every fifth; VACUUM ANALYZE; gunicorn with production
settings (DEBUG=false, 2 workers) on a free loopback port, its URLconf the product's plus
/bench/bare/ (bench/me_site, never the product's); one officer of each kind signed in with
their sign-in card's link (a Linmas and a Polri at a TPS, a Padal, a Kapolsek); then --rounds
rounds, each running wrk for --seconds against the bare view and /me/ of each kind in turn
(interleaved, so that the load of a shared host hits them alike). Reported: the median and the
spread (min–max) of requests per second, the median p50 latency, and each kind's ratio of
medians against the bare view. wrk sends the session cookie and Accept-Encoding: gzip, as a
phone does, on keep-alive connections.

    .venv/bin/python bench/me.py --sizes 839,60312 [--rounds 5] [--seconds 5] [--write]

wrk is Debian's package `wrk`; when it is missing and this runs as root the benchmark installs
it with apt-get (as .ci/run installs its packages), else it says how.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

from common import form_sign_in, free_port, own_database, run, unique_name, write_section  # noqa: E402  (bench/ is on sys.path as a script)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; the benchmark creates and drops only it (REDIS_URL is unset: no Redis).
DB_NAME = unique_name("me")
ELECTION_DAY = "2024-11-27T09:00:00+07:00"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GOAL = 0.25
KINDS = ("linmas", "polri", "padal", "kapolsek")

# What the synthetic operation lacks for /me/'s four kinds and the Padal's summary.
FIELD_SQL = [
    """WITH ranked AS (
           SELECT p.id, row_number() OVER (PARTITION BY p.unit_id ORDER BY p.id DESC) AS n
           FROM deployments_personnel p JOIN deployments_unit u ON u.id = p.unit_id
           WHERE u.kind = 'polsek')
       UPDATE deployments_personnel p SET rank = CASE r.n WHEN 1 THEN 'AKP' ELSE 'Iptu' END
       FROM ranked r WHERE p.id = r.id AND r.n <= 2""",
    """INSERT INTO deployments_post (kind, name, desa_id, address, kerawanan, remote, protectee)
       SELECT 'padal', 'Padal Sektor ' || k.name,
              (SELECT min(d.id) FROM tps_desa d WHERE d.kecamatan_id = k.id), '', '', false, ''
       FROM tps_kecamatan k""",
    """INSERT INTO deployments_assignment (personnel_id, phase_id, kind, post_id, starts_at,
           ends_at, status, created_at, updated_at, linmas_other_desa, linmas_other_desa_reason)
       SELECT p.id, ph.id, 'padal', po.id, ph.starts_at, ph.ends_at, 'active', now(), now(),
              false, ''
       FROM deployments_personnel p
       JOIN deployments_unit u ON u.id = p.unit_id AND u.kind = 'polsek'
       JOIN tps_kecamatan k ON k.id = u.kecamatan_id
       JOIN deployments_post po ON po.kind = 'padal' AND po.name = 'Padal Sektor ' || k.name
       JOIN deployments_phase ph ON ph.code = 'pemungutan'
       WHERE p.rank = 'Iptu'""",
    """INSERT INTO opsboard_checkin (person_id, tps_id, phase_id, at, recorded_at, distance_m,
           far, via_posko)
       SELECT a.personnel_id, l.tps_id, a.phase_id, a.starts_at + interval '20 hours', now(),
              l.tps_id % 500, l.tps_id % 500 > 300, false
       FROM deployments_assignment a
       JOIN deployments_assignment_tps l ON l.assignment_id = a.id
       WHERE a.kind = 'pam_tps' AND l.tps_id % 2 = 0""",
    """INSERT INTO opsboard_tpsstatusstep (tps_id, step, at, recorded_at, via_posko)
       SELECT t.id, s, now(), now(), false
       FROM tps_tps t, generate_series(1, 2) s WHERE t.id % 3 = 0""",
    """INSERT INTO opsboard_situationreport (tps_id, kind, text, photo, urgent, at, recorded_at,
           idempotency_key, via_posko)
       SELECT t.id, (ARRAY['aman', 'gangguan', 'hoaks'])[1 + t.id % 3], 'Laporan sintetis',
              '', false, now(), now(), gen_random_uuid(), false
       FROM tps_tps t WHERE t.id % 5 = 0""",
]

# One officer of each kind, a card link for each: printed as JSON {kind: token}.
OFFICERS = """
import json
from django.db import connection
from deployments.models import Force, Personnel, PostKind
from field.selectors import kecamatan_led_by
from field.services import signin_link_issue
for sql in json.loads({field_sql!r}):
    with connection.cursor() as cursor:
        cursor.execute(sql)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
guards = Personnel.objects.filter(assignments__kind=PostKind.PAM_TPS).order_by("pk")
padal = Personnel.objects.filter(assignments__kind=PostKind.PADAL).order_by("pk")
chiefs = Personnel.objects.filter(force=Force.POLRI, unit__kind="polsek", rank__in=["AKP", "Iptu"])
kapolsek = next(p for p in chiefs.order_by("pk") if kecamatan_led_by(p))
pure_padal = padal.exclude(pk=kapolsek.pk).first() or padal.first()
people = {{
    "linmas": guards.filter(force=Force.LINMAS).first(),
    "polri": guards.filter(force=Force.POLRI).first(),
    "padal": pure_padal,
    "kapolsek": kapolsek,
}}
print(json.dumps({{k: signin_link_issue(person=p)[1] for k, p in people.items()}}))
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: sudo apt-get install wrk (Debian's package), then run again.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, env=env)
    return shutil.which("wrk") or sys.exit("apt-get installed no wrk")


def sign_in(port: int, token: str) -> str:
    """The card's link as a phone opens it: GET the page, POST its form; the session cookie."""
    return form_sign_in(port, f"/masuk/{token}/")


def check_page(port: int, cookie: str) -> int:
    """/me/ answers 200 with the officer's page (not the login); its size in bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/me/", headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200 or b"Tugas saya" not in body:
        sys.exit(f"/me/ answered {response.status} instead of the officer's page")
    return len(body)


def wrk(binary: str, port: int, path: str, cookie: str, options) -> dict:
    headers = ["-H", "Accept-Encoding: gzip"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    out = subprocess.run(
        [
            binary,
            f"-t{options.threads}",
            f"-c{options.connections}",
            f"-d{options.seconds}s",
            "--latency",
            *headers,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"wrk {path}: errors\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    return {"rps": rps, "p50_ms": float(p50.group(1)) * scale}


def bench_size(tps: int, options) -> dict:
    with own_database("me", BASE_URL, name=DB_NAME) as url:
        return measure_size(tps, url, options)


def measure_size(tps: int, database_url: str, options) -> dict:
    binary = ensure_wrk()
    var_dir = tempfile.mkdtemp(prefix="opsboard-bench-me-")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPSBOARD_", "REDIS_URL"))},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "opsboard.settings",
        "OPSBOARD_NOW": ELECTION_DAY,
        "OPSBOARD_VAR_DIR": var_dir,
        "OPSBOARD_TILE_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "OPSBOARD_ALLOW_HTTP": "true",
        "LOG_LEVEL": "WARNING",
    }
    run([PYTHON, "manage.py", "migrate", "-v", "0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    started = time.perf_counter()
    if tps == 839:
        run([PYTHON, "manage.py", "seed_kediri_2024"], env)
        field_sql = FIELD_SQL[3:]  # the demo has its Kapolsek, Padal and posts
    else:
        run([PYTHON, "manage.py", "generate_synthetic", "--tps", str(tps)], env)
        field_sql = FIELD_SQL
    shell = OFFICERS.format(field_sql=json.dumps(field_sql))
    tokens = json.loads(run([PYTHON, "manage.py", "shell", "-c", shell], env).splitlines()[-1])
    built = time.perf_counter() - started
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "opsboard.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "me_site.settings",
            "PYTHONPATH": f"{BENCH}{os.pathsep}{ROOT}",
        },
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=5).request(
                    "GET", "/bench/bare/"
                )
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.3)
        cookies = {kind: sign_in(port, tokens[kind]) for kind in KINDS}
        sizes = {kind: check_page(port, cookies[kind]) for kind in KINDS}
        targets = [("bare", "/bench/bare/", ""), *((k, "/me/", cookies[k]) for k in KINDS)]
        for _name, path, cookie in targets:  # warm-up: templates, connections
            wrk(binary, port, path, cookie, argparse.Namespace(**{**vars(options), "seconds": 1}))
        runs: dict[str, list[dict]] = {name: [] for name, _p, _c in targets}
        for _round in range(options.rounds):
            for name, path, cookie in targets:
                runs[name].append(wrk(binary, port, path, cookie, options))
    finally:
        server.terminate()
        server.wait(timeout=20)
    figures = {
        name: {
            "rps": statistics.median(r["rps"] for r in results),
            "min": min(r["rps"] for r in results),
            "max": max(r["rps"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
        }
        for name, results in runs.items()
    }
    return {"tps": tps, "figures": figures, "bytes": sizes, "build_s": built}


def table(rows: list[dict]) -> str:
    lines = [
        "| TPS | view | req/s (median) | spread | p50 | vs bare | page |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        bare = row["figures"]["bare"]["rps"]
        for name, f in row["figures"].items():
            label = "bare view" if name == "bare" else f"/me/ {name}"
            ratio = "" if name == "bare" else f"{f['rps'] / bare:.0%}"
            size = "" if name == "bare" else f"{row['bytes'][name] / 1024:.1f} KB"
            lines.append(
                f"| {row['tps']:,} | {label} | {f['rps']:,.0f} | {f['min']:,.0f}–{f['max']:,.0f} "
                f"| {f['p50_ms']:.1f} ms | {ratio} | {size} |"
            )
    return "\n".join(lines)


def verdict(rows: list[dict]) -> str:
    worst = min(
        (row["figures"][k]["rps"] / row["figures"]["bare"]["rps"], row["tps"], k)
        for row in rows
        for k in KINDS
    )
    ratio, tps, kind = worst
    met = "met" if ratio >= GOAL else "NOT met"
    return (
        f"Goal: /me/ at least {GOAL:.0%} of the bare view's requests per second for every kind "
        f"— {met} (lowest: {kind} at {tps:,} TPS, {ratio:.0%})."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "839,60312"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    rows = [bench_size(int(size), options) for size in options.sizes.split(",")]
    load = os.getloadavg()[0]
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn 2 workers, wrk {options.threads} threads × {options.connections} keep-alive "
        f"connections, {options.rounds} interleaved rounds of {options.seconds} s; load average "
        f"{load:.1f} at the end"
    )
    report = f"{table(rows)}\n\n{verdict(rows)}"
    print(f"/me/ beside a bare view on PostgreSQL ({machine}):\n{report}")
    if options.write:
        measured = f"Measured {time.strftime('%Y-%m-%d')} on {machine}:\n\n{report}"
        write_section("me-bench", "The officer's page /me/", measured)


if __name__ == "__main__":
    main()
