"""The command dashboard under load: server time, requests per second beside a bare view, and
the map payload, per operation size (issue 5's budgets; `make bench` calls this).

For each size: a fresh PostgreSQL database of this run's own
(opsboard_bench_dash_<pid>_<hex>, dropped after it) with the Kediri demo (839 TPS)
or a synthetic operation (`generate_synthetic`, e.g. 60,312 TPS), gunicorn in production
settings on loopback, one signed-in command-staff session, then:

- server time of `/` with a cold cache (a new snapshot's first view) and warm (median), and of
  the 30-second live refresh;
- requests per second of `/` beside `/healthz` (a bare view: one SELECT 1), from a keep-alive
  client with --clients threads for --seconds each (a Python client on the same machine: it
  shares the cores with the server, so compare the two figures, not absolute numbers);
- the lean map layer /api/tps.geojson?fields=map: bytes raw and gzipped, and its server time;
  and the markers per kecamatan that the map loads instead above 5,000 TPS.

    .venv/bin/python bench/dashboard.py --sizes 839,60312 [--clients 8] [--seconds 10] [--write]
"""

import argparse
import gzip
import http.client
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from report import database_name, write_section  # noqa: E402  (bench/ is on sys.path as a script)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; the benchmark creates and drops only it (REDIS_URL is unset: no Redis).
DB_NAME = database_name("dash")
PASSWORD = secrets.token_urlsafe(16)  # a fresh one per run; the database is dropped after
ELECTION_DAY = "2024-11-27T09:00:00+07:00"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MAKE_USER = """
from django.contrib.auth.models import Group, User
from core.access import GROUP_COMMAND
user, _ = User.objects.get_or_create(username="kabagops")
user.set_password({password!r}); user.save()
user.groups.add(Group.objects.get_or_create(name=GROUP_COMMAND)[0])
"""


def run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def psql(sql: str) -> None:
    run(["psql", BASE_URL + "postgres", "-q", "-c", sql], os.environ.copy())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A keep-alive HTTP client with the session cookie of one signed-in user."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.port = port
        self.cookie = cookie
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
        all_headers = {"Cookie": self.cookie, **(headers or {})}
        self.connection.request("GET", path, headers=all_headers)
        response = self.connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())


def sign_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": "kabagops", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie", ""))
    if response.status != 302 or session is None:
        sys.exit(f"sign-in failed: {response.status}")
    return f"sessionid={session.group(1)}; csrftoken={csrf_cookie}"


def timed(client: Client, path: str, headers: dict | None = None) -> float:
    started = time.perf_counter()
    status, _body, _headers = client.get(path, headers)
    if status != 200:
        sys.exit(f"{path}: {status}")
    return time.perf_counter() - started


def throughput(port: int, cookie: str, path: str, clients: int, seconds: float) -> float:
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        client = Client(port, cookie)
        while time.monotonic() < stop:
            client.get(path)
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def bench_size(tps: int, clients: int, seconds: float) -> dict:
    psql(f"CREATE DATABASE {DB_NAME}")
    try:
        return measure_size(tps, clients, seconds)
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


def measure_size(tps: int, clients: int, seconds: float) -> dict:
    var_dir = tempfile.mkdtemp(prefix="opsboard-bench-")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPSBOARD_", "REDIS_URL"))},
        "DATABASE_URL": BASE_URL + DB_NAME,
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
    }
    run([PYTHON, "manage.py", "migrate", "-v", "0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    if tps == 839:
        run([PYTHON, "manage.py", "seed_kediri_2024"], env)
    else:
        run([PYTHON, "manage.py", "generate_synthetic", "--tps", str(tps)], env)
        code = "from deployments.coverage import coverage_recompute; coverage_recompute(force=True)"
        run([PYTHON, "-c", f"import django; django.setup(); {code}"], env)
    run([PYTHON, "manage.py", "shell", "-c", MAKE_USER.format(password=PASSWORD)], env)
    port = free_port()
    workers = str(max(2, os.cpu_count() or 2))
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "opsboard.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                Client(port).get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        cookie = sign_in(port)
        client = Client(port, cookie)
        cold = timed(client, "/")  # this worker's first view of the snapshot
        warm = statistics.median(timed(client, "/") for _ in range(20))
        poll = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}
        live = statistics.median(timed(client, "/", poll) for _ in range(20))
        layer = "/api/tps.geojson?fields=map"
        _s, raw, _h = client.get(layer)
        _s, packed, headers = client.get(layer, {"Accept-Encoding": "gzip"})
        assert headers.get("Content-Encoding") == "gzip"
        assert len(gzip.decompress(packed)) == len(raw)
        layer_time = statistics.median(timed(client, layer) for _ in range(5))
        # What the map loads instead above 5,000 TPS: one marker per kecamatan.
        aggregate = "/api/tps-aggregate.json?level=kecamatan"
        _s, aggregated, _h = client.get(aggregate, {"Accept-Encoding": "gzip"})
        aggregate_time = statistics.median(timed(client, aggregate) for _ in range(5))
        rps_dashboard = throughput(port, cookie, "/", clients, seconds)
        rps_bare = throughput(port, cookie, "/healthz", clients, seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "tps": tps,
        "cold_ms": cold * 1000,
        "warm_ms": warm * 1000,
        "live_ms": live * 1000,
        "rps_dashboard": rps_dashboard,
        "rps_bare": rps_bare,
        "layer_kb": len(raw) / 1024,
        "layer_gz_kb": len(packed) / 1024,
        "layer_ms": layer_time * 1000,
        "aggregate_gz_kb": len(aggregated) / 1024,
        "aggregate_ms": aggregate_time * 1000,
        "workers": workers,
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| TPS | `/` cold | `/` warm | live refresh | req/s `/` | req/s `/healthz` "
        "| map layer | gzipped | layer time | per kecamatan (gz) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['tps']:,} | {r['cold_ms']:.0f} ms | {r['warm_ms']:.0f} ms "
            f"| {r['live_ms']:.0f} ms | {r['rps_dashboard']:.0f} | {r['rps_bare']:.0f} "
            f"| {r['layer_kb']:,.0f} KB | {r['layer_gz_kb']:,.0f} KB | {r['layer_ms']:.0f} ms "
            f"| {r['aggregate_gz_kb']:,.1f} KB, {r['aggregate_ms']:.0f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "839,60312"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    rows = [
        bench_size(int(size), options.clients, options.seconds) for size in options.sizes.split(",")
    ]
    report = table(rows)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn {rows[0]['workers']} workers, {options.clients} keep-alive client threads"
    )
    print(f"Dashboard on PostgreSQL ({machine}):\n{report}")
    if options.write:
        measured = f"Measured {time.strftime('%Y-%m-%d')} on {machine}:\n\n{report}"
        write_section("dashboard-bench", "Dashboard", measured)


if __name__ == "__main__":
    main()
