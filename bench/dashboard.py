"""The command dashboard under load, beside a bare Django view on the same gunicorn, in the same
run (issue 14's goal: every part at least 40 % of the bare view's requests per second, the first
view after a new snapshot included); `make bench` calls this.

For each size: a PostgreSQL database of this run's own (bench/common.py: created, then dropped
in a finally) with the Kediri demo (839 TPS) or a synthetic operation (`generate_synthetic`), a
Redis key prefix of its own on the shared Redis (REDIS_KEY_PREFIX: the dashboard's cache and the
broker; only its keys are deleted afterwards, never a database), gunicorn in production settings
on loopback with --workers workers, one signed-in command-staff session, then:

- requests per second of each part — the live refresh, the gap table, the area table, the wall's
  part, tps-status.json, the map's lean layer for a zoom-14 view (bbox=), the desa markers for
  it — answered 304 (the browser holds that version: If-None-Match) and 200 (from the shared
  cache), beside the bare view (an empty view through the whole middleware) and /healthz (its
  SELECT 1 and Redis PING), interleaved over --rounds rounds: median and min–max;
- the first view after a new snapshot, separately: a change is written (some duties cancelled),
  the engine writes the snapshot and the Celery task's warm-up runs, as the worker does; then
  the first poll's time (warmed: the whole Polres; not warmed: a kecamatan filter, computed once
  across the workers), and the requests per second of new views (200) of that snapshot;
- bytes per refresh: the live bundle in full, a 304, tps-status.json in full and as the delta
  since the previous snapshot, a pan at zoom 14 (TPS in view, desa markers), the zoomed-out
  kecamatan markers, and the whole lean layer that the map no longer loads at this size.

The client is Python (threads with keep-alive connections) on the same machine: it shares the
cores with the server, so compare the figures with each other, not with another host's.

    .venv/bin/python bench/dashboard.py --sizes 839,60312 [--clients 4] [--seconds 2]
        [--rounds 3] [--write]
"""

import argparse
import gzip
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import (  # bench/ is on sys.path when this runs as a script
    Figure,
    figures_table,
    form_sign_in,
    free_port,
    interleaved,
    measured_line,
    own_database,
    own_redis_keys,
    ratios,
    run,
    spread,
    write_section,
)

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = secrets.token_urlsafe(16)  # a fresh one per run; the database is dropped after
ELECTION_DAY = "2024-11-27T09:00:00+07:00"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GOAL = 0.40  # of the bare view's requests per second
POLL = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}
GZIP = {"Accept-Encoding": "gzip"}
MAKE_USER = """
from django.contrib.auth.models import Group, User
from core.access import GROUP_COMMAND
user, _ = User.objects.get_or_create(username="kabagops")
user.set_password({password!r}); user.save()
user.groups.add(Group.objects.get_or_create(name=GROUP_COMMAND)[0])
"""
# The bare view: nothing but Django's request cycle and the project's middleware.
BARE_WSGI = """
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from opsboard import urls
urls.urlpatterns.insert(0, path("bench-bare/", login_not_required(lambda r: HttpResponse(b"ok"))))
"""
# What a change does in the Celery worker: the engine writes the snapshot, the warm-up follows.
NEW_SNAPSHOT = """
import django; django.setup()
from deployments.coverage import coverage_recompute
from deployments.models import Assignment
from opsboard.dashboard.warm import warm_dashboard
live = Assignment.objects.filter(status="active", kind="pam_tps").order_by("?")
Assignment.objects.filter(pk__in=list(live.values_list("pk", flat=True)[:25])).update(
    status="cancelled")
written = coverage_recompute(force=True)
warm_dashboard([s.pk for s in written])
print(max(s.pk for s in written))
"""
CENTRE = """
import django; django.setup()
from django.db.models import Avg
from tps.models import Kecamatan, TPS
k = Kecamatan.objects.order_by("code").first()
row = TPS.objects.filter(desa__kecamatan=k).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
print(f"{row['lng']:.6f},{row['lat']:.6f},{k.code}")
"""
# A zoom-14 view of 1366×768 pixels is ~0.117° × 0.066°; map.js asks for it padded by a quarter
# on each side.
VIEW_DEGREES = (0.117 * 1.5, 0.066 * 1.5)


class Client:
    """A keep-alive HTTP client with the session cookie of one signed-in user."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = cookie

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
        self.connection.request("GET", path, headers={"Cookie": self.cookie, **(headers or {})})
        response = self.connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}


def sign_in(port: int) -> str:
    return form_sign_in(port, "/accounts/login/", {"username": "kabagops", "password": PASSWORD})


def throughput(port: int, cookie: str, path: str, headers: dict, clients: int, seconds: float):
    """Requests per second of `clients` keep-alive clients asking for `path` for `seconds`."""
    counts, statuses = [0] * clients, set()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        client = Client(port, cookie)
        while time.monotonic() < stop:
            status, _body, _h = client.get(path, headers)
            statuses.add(status)
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if not statuses <= {200, 304}:
        sys.exit(f"{path}: answered {sorted(statuses)}")
    return sum(counts) / seconds


def header_bytes(headers: dict) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.items()) + 17  # + the status line


def bench_size(tps: int, options) -> dict:
    with own_database("dash", BASE_URL) as url, own_redis_keys("dash", REDIS_URL) as prefix:
        return measure_size(tps, url, prefix, options)


def measure_size(tps: int, database_url: str, prefix: str, options) -> dict:
    var_dir = tempfile.mkdtemp(prefix="opsboard-bench-")
    Path(var_dir, "bench_wsgi.py").write_text(BARE_WSGI, encoding="utf-8")
    seed_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPSBOARD_", "REDIS_"))},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "opsboard.settings",
        "OPSBOARD_NOW": ELECTION_DAY,
        "OPSBOARD_VAR_DIR": var_dir,
        "OPSBOARD_DEMO_PASSWORD": PASSWORD,
        "OPSBOARD_TILE_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "OPSBOARD_ALLOW_HTTP": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{var_dir}:{ROOT}",
        # A Polda's bulk inserts on a busy shared host outlast the 15 s bound of a request.
        "DATABASE_STATEMENT_TIMEOUT": "900",
    }
    # Seeding runs its tasks in-process (no REDIS_URL); the server and the "worker" below use
    # this run's Redis keyspace, as production does.
    env = {**seed_env, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix}
    del env["DATABASE_STATEMENT_TIMEOUT"]  # the server's own default
    started = time.monotonic()
    run([PYTHON, "manage.py", "migrate", "-v", "0"], seed_env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], seed_env)
    if tps == 839:
        run([PYTHON, "manage.py", "seed_kediri_2024"], seed_env)
    else:
        run([PYTHON, "manage.py", "generate_synthetic", "--tps", str(tps)], seed_env)
    code = "from deployments.coverage import coverage_recompute; coverage_recompute(force=True)"
    run([PYTHON, "-c", f"import django; django.setup(); {code}"], seed_env)
    run([PYTHON, "manage.py", "shell", "-c", MAKE_USER.format(password=PASSWORD)], seed_env)
    lng, lat, kecamatan = run([PYTHON, "-c", CENTRE], env).strip().split(",")
    print(f"  {tps:,} TPS seeded in {time.monotonic() - started:.0f} s", flush=True)
    half_w, half_h = VIEW_DEGREES[0] / 2, VIEW_DEGREES[1] / 2
    bbox = f"{float(lng) - half_w:.6f},{float(lat) - half_h:.6f},"
    bbox += f"{float(lng) + half_w:.6f},{float(lat) + half_h:.6f}"
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bench_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Client(port).get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        cookie = sign_in(port)
        return measure(port, cookie, env, bbox, kecamatan, options) | {"tps": tps}
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(port: int, cookie: str, env: dict, bbox: str, kecamatan: str, options) -> dict:
    client = Client(port, cookie)
    parts = {
        "live": ("/", POLL),
        "gaps": ("/?sort=pemilih", {"HX-Request": "true", "HX-Target": "gaps"}),
        "areas": ("/", {"HX-Request": "true", "HX-Target": "areas"}),
        "wall": ("/wall/", {"HX-Request": "true", "HX-Target": "wall-live"}),
        "status": ("/api/tps-status.json", {}),
        "pan": (f"/api/tps.geojson?fields=map&bbox={bbox}&zoom=14", {}),
        "desa": (f"/api/tps-aggregate.json?bbox={bbox}&zoom=14", {}),
    }

    def tag_of(path: str, headers: dict) -> str:
        status, _b, h = client.get(path, headers)
        assert status == 200, (path, status)
        return h["etag"]

    def contenders() -> dict:
        found = {
            "bare": lambda: throughput(port, cookie, "/bench-bare/", {}, *load),
            "healthz": lambda: throughput(port, cookie, "/healthz", {}, *load),
        }
        for name, (path, headers) in parts.items():
            tag = tag_of(path, headers)
            conditional = {**headers, "If-None-Match": tag, **GZIP}
            found[f"{name} 304"] = lambda p=path, h=conditional: throughput(
                port, cookie, p, h, *load
            )
            found[f"{name} 200"] = lambda p=path, h={**headers, **GZIP}: throughput(
                port, cookie, p, h, *load
            )
        return found

    load = (options.clients, options.seconds)
    rps = interleaved(options.rounds, contenders())

    # Bytes per refresh, before the next snapshot.
    _s, live_raw, _h = client.get("/", POLL)
    _s, live_gz, live_headers = client.get("/", {**POLL, **GZIP})
    _s, not_modified, nm_headers = client.get(
        "/", {**POLL, **GZIP, "If-None-Match": live_headers["etag"]}
    )
    assert _s == 304 and not_modified == b""
    _s, status_full, _h = client.get("/api/tps-status.json", GZIP)
    previous = json.loads(gzip.decompress(status_full))["snapshot"]
    _s, pan, _h = client.get(parts["pan"][0], GZIP)
    _s, desa, _h = client.get(parts["desa"][0], GZIP)
    _s, kecamatan_markers, _h = client.get("/api/tps-aggregate.json?zoom=10", GZIP)
    _s, whole_layer, _h = client.get("/api/tps.geojson?fields=map", GZIP)

    # The first view after a new snapshot, per round.
    first_warm, first_cold, fresh, delta_bytes, changed = [], [], [], [], []
    filtered = f"/?kecamatan={kecamatan}"
    for _ in range(options.rounds):
        old_tag = tag_of("/", POLL)
        snapshot = int(run([PYTHON, "-c", NEW_SNAPSHOT], env).strip())
        started = time.perf_counter()
        status, _b, _h = client.get("/", {**POLL, **GZIP, "If-None-Match": old_tag})
        first_warm.append(time.perf_counter() - started)
        assert status == 200
        started = time.perf_counter()
        client.get(filtered, {**POLL, **GZIP})
        first_cold.append(time.perf_counter() - started)
        fresh.append(throughput(port, cookie, "/", {**POLL, **GZIP}, *load))
        _s, body, _h = client.get(f"/api/tps-status.json?since={previous}", GZIP)
        delta = json.loads(gzip.decompress(body))
        assert delta["snapshot"] == snapshot
        delta_bytes.append(len(body))
        changed.append(len(delta["status"]))
        previous = snapshot

    return {
        "rps": rps,
        "first_warm": first_warm,
        "first_cold": first_cold,
        "fresh": fresh,
        "bytes": {
            "live": (len(live_raw), len(live_gz)),
            "304": header_bytes(nm_headers),
            "status": len(status_full),
            "delta": int(statistics.median(delta_bytes)),
            "changed": int(statistics.median(changed)),
            "pan": len(pan),
            "desa": len(desa),
            "kecamatan": len(kecamatan_markers),
            "whole": len(whole_layer),
        },
    }


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def figures(results: list[dict]) -> list[Figure]:
    def share(name: str) -> tuple[str, ...]:
        return tuple(
            str(spread(ratios(r["rps"][name], r["rps"]["bare"]), unit="×", digits=2))
            for r in results
        )

    def rps(name: str) -> tuple[str, ...]:
        return tuple(str(spread(r["rps"][name], unit="/s", digits=0)) for r in results)

    rows = [
        Figure("bare view, requests/s", "", rps("bare"), "empty view, whole middleware"),
        Figure("/healthz, requests/s", "", rps("healthz"), "SELECT 1 and a Redis PING"),
    ]
    labels = {
        "live": "live refresh",
        "gaps": "gap table page",
        "areas": "area table",
        "wall": "wall screen's part",
        "status": "tps-status.json",
        "pan": "map: TPS in a zoom-14 view",
        "desa": "map: desa markers in view",
    }
    for name, label in labels.items():
        for kind, how in (("304", "If-None-Match of the version shown"), ("200", "a new view")):
            rows.append(
                Figure(
                    f"{label}, {kind}: share of the bare view's requests/s",
                    f"≥ {GOAL:.2f}×",
                    share(f"{name} {kind}"),
                    f"{how}; {rps(f'{name} {kind}')[-1]} at the largest size",
                )
            )
    rows += [
        Figure(
            "first poll after a new snapshot (warmed: the Polres)",
            "",
            tuple(str(spread(r["first_warm"], digits=3)) for r in results),
            "engine + the Celery task's warm-up, then one poll naming the old ETag",
        ),
        Figure(
            "first view of a kecamatan filter after it (not warmed)",
            "",
            tuple(str(spread(r["first_cold"], digits=3)) for r in results),
            "computed once across the workers, then shared",
        ),
        Figure(
            "new views of a new snapshot: share of the bare view's requests/s",
            f"≥ {GOAL:.2f}×",
            tuple(
                f"{statistics.median(r['fresh']) / statistics.median(r['rps']['bare']):.2f}× "
                f"({statistics.median(r['fresh']):.0f}/s)"
                for r in results
            ),
            "right after each new snapshot, no If-None-Match",
        ),
    ]
    b = [r["bytes"] for r in results]
    rows += [
        Figure(
            "bytes: live refresh in full",
            "",
            tuple(f"{kb(x['live'][0])} ({kb(x['live'][1])} gz)" for x in b),
            "raw (gzipped)",
        ),
        Figure(
            "bytes: live refresh unchanged (304)",
            "",
            tuple(f"{x['304']} B" for x in b),
            "headers only, no body",
        ),
        Figure("bytes: tps-status.json in full", "", tuple(kb(x["status"]) for x in b), "gz"),
        Figure(
            "bytes: tps-status.json?since= after a change",
            "",
            tuple(f"{kb(x['delta'])} ({x['changed']} TPS)" for x in b),
            "gz; 25 duties cancelled",
        ),
        Figure(
            "bytes: a pan at zoom 14 (TPS in view)",
            "",
            tuple(kb(x["pan"]) for x in b),
            "gz; bbox of the padded view",
        ),
        Figure("bytes: desa markers in view", "", tuple(kb(x["desa"]) for x in b), "gz"),
        Figure(
            "bytes: kecamatan markers (zoomed out)", "", tuple(kb(x["kecamatan"]) for x in b), "gz"
        ),
        Figure(
            "bytes: the whole lean layer (not loaded above 5,000 TPS)",
            "",
            tuple(kb(x["whole"]) for x in b),
            "gz, for comparison",
        ),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "839,60312"))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    load = os.getloadavg()[0]
    sizes = [int(size) for size in options.sizes.split(",")]
    results = []
    for size in sizes:
        print(f"dashboard bench: {size:,} TPS", flush=True)
        results.append(bench_size(size, options))
    columns = tuple(f"{size:,} TPS" for size in sizes)
    table = figures_table(figures(results), columns)
    version = run(["psql", BASE_URL + "postgres", "-tAc", "SHOW server_version"], dict(os.environ))
    text = (
        f"{measured_line(version.strip(), load)} gunicorn {options.workers} workers, "
        f"{options.clients} keep-alive client threads, {options.seconds:g} s per figure and "
        f"round, {options.rounds} rounds interleaved.\n\n{table}"
    )
    print(text)
    if options.write:
        write_section("dashboard-bench", "Dashboard", text)


if __name__ == "__main__":
    main()
