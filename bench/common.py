"""What every benchmark and load test shares, so that they can run on a shared host and report
alike. bench/ is on sys.path when a benchmark runs as a script: `from common import …`.

Names of this run only (nothing fixed, nothing another run, the test suite or a developer's
stack could be using):

    unique_name(kind) -> "opsboard_bench_<kind>_<pid>_<hex>"   a database name (SQL identifier)
    redis_prefix(kind) -> "opsboard-bench-<kind>-<pid>-<hex>:" a Redis key prefix (REDIS_KEY_PREFIX)

Created here, removed here, and only what this run created:

    with own_database("cov", base_url) as url: ...   CREATE DATABASE <unique_name>; yields its
        URL (base_url + name); DROP DATABASE in a finally, only if the CREATE succeeded.
    with own_redis_keys("cov", redis_url) as prefix: ...   yields a fresh prefix; afterwards
        deletes the keys under it (delete_redis_keys), never FLUSHDB/FLUSHALL.
    delete_redis_keys(redis_url, prefix) -> int   SCAN MATCH <prefix>* and DEL, in batches;
        refuses a prefix that is not one of redis_prefix()'s.

Measuring:

    interleaved(rounds, {"engine": fn, "floor": fn}) -> {"engine": [r1, r2, …], "floor": […]}
        calls engine, floor, engine, floor … `rounds` times, so that drift of the host (another
        job, the cache warming) falls on both alike. Each fn returns a number (seconds) or a
        dict of numbers; timed(fn) wraps a plain callable into one that returns its seconds.
    spread(values) -> Spread(median, low, high, q1, q3, n); str() reads "0.71 s (0.69–0.74)".
    ratios(a, b) -> [a_i / b_i]: per round, so that the ratio's spread is the rounds' own.

Reporting into docs/benchmarks.md (one marked section per benchmark, one table each):

    Figure(figure, goal, measured, method)   one row: what, its goal ("" when none), the
        measured median and spread as text (a tuple of texts: one per measured column), how it
        was measured.
    figures_table(figures, columns=()) -> markdown table: figure | goal | measured … | method;
        columns names the measured columns ("839 TPS", "60,312 TPS"), by default one.
    machine(pg_version, load) -> "x86_64, 2 cores, Python 3.11.7, PostgreSQL 15.8, load average
        0.9 at the start" (load: os.getloadavg()[0] read when the run started)
    measured_line(pg_version, load) -> "Measured 2026-12-02 16:30 UTC on <machine(…)>."
    write_section(marker, title, text)   replaces <!-- marker --> … <!-- /marker -->, or adds
        "## title" with the section at the end of the document.
    psql(base_url, sql)   one statement through psql on base_url's maintenance database.
"""

import http.client
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
DATABASE_PREFIX = "opsboard_bench_"
REDIS_PREFIX = "opsboard-bench-"
_KIND = re.compile(r"[a-z][a-z0-9]{0,15}")
_DATABASE = re.compile(r"opsboard_bench_[a-z0-9]+_[0-9]+_[0-9a-f]{8}")
_REDIS = re.compile(r"opsboard-bench-[a-z0-9]+-[0-9]+-[0-9a-f]{8}:")


def _kind(kind: str) -> str:
    if not _KIND.fullmatch(kind):
        raise ValueError(f"benchmark kind {kind!r}: lower-case letters and digits, up to 16")
    return kind


def unique_name(kind: str) -> str:
    """A database name of this run only; a plain identifier, safe to put into SQL unquoted."""
    return f"{DATABASE_PREFIX}{_kind(kind)}_{os.getpid()}_{secrets.token_hex(4)}"


def redis_prefix(kind: str) -> str:
    """A key prefix of this run only, for REDIS_KEY_PREFIX (the broker's global_keyprefix)."""
    return f"{REDIS_PREFIX}{_kind(kind)}-{os.getpid()}-{secrets.token_hex(4)}:"


def psql(base_url: str, sql: str) -> str:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run
    inside the database itself)."""
    result = subprocess.run(
        ["psql", base_url + "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"psql {sql!r} failed: {result.stderr.strip()}")
    return result.stdout


@contextmanager
def own_database(kind: str, base_url: str, *, name: str | None = None) -> Iterator[str]:
    """CREATE a database of this run's own, yield its URL, DROP it afterwards. Without a
    successful CREATE nothing is dropped: a name someone else made is never removed."""
    name = name or unique_name(kind)
    if not _DATABASE.fullmatch(name):
        raise ValueError(f"{name!r} is not a benchmark database name (unique_name())")
    psql(base_url, f"CREATE DATABASE {name}")
    try:
        yield base_url + name
    finally:
        # WITH (FORCE): a child process killed mid-run may still hold a connection.
        psql(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def delete_redis_keys(redis_url: str, prefix: str) -> int:
    """Delete the keys under this run's prefix, and only those (SCAN, never FLUSHDB: the
    Redis database is shared). Returns how many were deleted."""
    if not _REDIS.fullmatch(prefix):
        raise ValueError(f"{prefix!r} is not a benchmark key prefix (redis_prefix())")
    import redis  # only the benchmarks that use Redis need the client

    client = redis.Redis.from_url(redis_url)
    deleted, batch = 0, []
    # The prefix is ours (letters, digits, '-', ':'): no glob characters to escape.
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


@contextmanager
def own_redis_keys(kind: str, redis_url: str) -> Iterator[str]:
    """Yield a fresh key prefix; delete its keys afterwards."""
    prefix = redis_prefix(kind)
    try:
        yield prefix
    finally:
        delete_redis_keys(redis_url, prefix)


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    return run


def wait_for_load_beside(after: str, *, limit_seconds: int = 600) -> None:
    """Hold the rounds until ``after`` exists (``make loadtest`` beside this run writes it, or
    a `sleep 25 && touch`), so that they fall inside its load; nothing when ``after`` is empty."""
    if not after:
        return
    waited = time.monotonic()
    while not Path(after).exists():
        if time.monotonic() - waited > limit_seconds:
            sys.exit(f"{after} did not appear within {limit_seconds // 60} minutes")
        time.sleep(0.5)


def interleaved(rounds: int, contenders: Mapping[str, Callable[[], object]]) -> dict[str, list]:
    """Each contender once per round, in turn (a, b, a, b, …): the results per contender."""
    results: dict[str, list] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            results[name].append(fn())
    return results


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float
    q1: float
    q3: float
    n: int
    unit: str = "s"
    digits: int = 3

    def __str__(self) -> str:
        d, u = self.digits, f" {self.unit}" if self.unit and self.unit != "×" else self.unit
        if self.n == 1:
            return f"{self.median:.{d}f}{u}"
        return f"{self.median:.{d}f}{u} ({self.low:.{d}f}–{self.high:.{d}f})"


def spread(values: list[float], *, unit: str = "s", digits: int = 3) -> Spread:
    """Median, min–max and quartiles of one figure over the rounds."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    q1, _, q3 = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else ordered * 3
    return Spread(
        statistics.median(ordered), ordered[0], ordered[-1], q1, q3, len(ordered), unit, digits
    )


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    return [a / b for a, b in zip(numerators, denominators, strict=True)]


@dataclass(frozen=True)
class Figure:
    figure: str
    goal: str
    measured: str | tuple[str, ...]  # one text per measured column of figures_table
    method: str


def figures_table(figures: list[Figure], columns: tuple[str, ...] = ()) -> str:
    """One row per figure; `columns` names the measured columns when there are several (one
    per operation size, say), else there is one, "measured (median, min–max)"."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    columns = columns or ("measured (median, min–max)",)
    lines = [
        f"| figure | goal | {' | '.join(columns)} | method |",
        "|---|---|" + "---:|" * len(columns) + "---|",
    ]
    for f in figures:
        measured = (f.measured,) if isinstance(f.measured, str) else f.measured
        if len(measured) != len(columns):
            raise ValueError(f"{f.figure}: {len(measured)} values for {len(columns)} columns")
        lines.append(
            f"| {cell(f.figure)} | {cell(f.goal) or '—'} | "
            f"{' | '.join(cell(m) for m in measured)} | {cell(f.method)} |"
        )
    return "\n".join(lines)


def machine(postgres_version: str = "", load: float | None = None) -> str:
    """The host, and its load average: pass the one read when the run started (other work on
    a shared host skews every figure), or the current one is given."""
    parts = [f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"]
    if postgres_version:
        parts.append(f"PostgreSQL {postgres_version}")
    if load is None:
        parts.append(f"load average {os.getloadavg()[0]:.1f}")
    else:
        parts.append(f"load average {load:.1f} at the start")
    return ", ".join(parts)


def measured_line(postgres_version: str = "", load: float | None = None) -> str:
    return f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine(postgres_version, load)}."


def write_section(marker: str, title: str, text: str) -> None:
    """Replace the text between <!-- marker --> and <!-- /marker -->, or add the section."""
    document = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{start}\n{text}\n{end}"
    if start in document:
        document = (
            document[: document.index(start)] + block + document[document.index(end) + len(end) :]
        )
    else:
        document += f"\n## {title}\n\n{block}\n"
    BENCHMARKS.write_text(document, encoding="utf-8")


def form_sign_in(port: int, path: str, fields: Mapping[str, str] | None = None) -> str:
    """Sign in through a page's form on 127.0.0.1:port as a browser does (GET the page, POST
    its form with the CSRF token and cookie); the session cookie header to send afterwards.
    Exits the benchmark when no session comes back: every figure after it would be wrong."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    connection.request(
        "POST",
        path,
        body=urllib.parse.urlencode({**(fields or {}), "csrfmiddlewaretoken": form_token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie", ""))
    connection.close()
    if response.status != 302 or session is None:
        raise SystemExit(f"sign-in at {path} failed: {response.status}")
    return f"sessionid={session.group(1)}; csrftoken={csrf}"


def run(args: list[str], env: dict, *, timeout: float | None = None) -> str:
    """A command of the project (manage.py, a child benchmark) from the repository's root; its
    stdout. A failure ends the benchmark with the command's own output."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        args, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    """A TCP port nothing listens on now, for the run's own server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
