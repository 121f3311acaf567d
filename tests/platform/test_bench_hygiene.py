"""Benchmarks and the load test run on a shared host (bench/common.py): each run creates its own
database and Redis key prefix, removes only what it created, and never flushes a Redis database
or names a fixed database that another run, the suite or a developer's stack could be using."""

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]
BENCH = BASE / "bench"


def _load(relative: str):
    """A bench/ module as its script sees it (bench/ on sys.path: `from common import …`)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    path = BENCH / relative
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


common = _load("common.py")


def test_each_call_names_a_database_and_a_key_prefix_of_its_own():
    databases = {common.unique_name("cov") for _ in range(50)}
    prefixes = {common.redis_prefix("load") for _ in range(50)}

    assert len(databases) == len(prefixes) == 50
    pid = os.getpid()
    assert all(re.fullmatch(rf"opsboard_bench_cov_{pid}_[0-9a-f]{{8}}", n) for n in databases)
    assert all(re.fullmatch(rf"opsboard-bench-load-{pid}-[0-9a-f]{{8}}:", p) for p in prefixes)
    with pytest.raises(ValueError):
        common.unique_name("cov; DROP DATABASE opsboard")


@pytest.mark.parametrize(
    "module, names",
    [
        ("coverage.py", ["DB_NAME"]),
        ("report_board.py", ["DB_NAME"]),
        ("panic_wall.py", ["DB_NAME"]),
        ("loadtest/run.py", ["DB_NAME", "REDIS_KEY_PREFIX"]),
    ],
)
def test_the_benchmarks_use_names_made_for_this_run(module, names):
    once, again = _load(module), _load(module)

    for name in names:
        value = getattr(once, name)
        assert value != getattr(again, name)
        assert value.startswith(("opsboard_bench_", "opsboard-bench-"))


def test_the_old_name_helper_still_names_a_database_of_this_run():
    # bench/report.py, kept for a benchmark written against it before bench/common.py.
    report = _load("report.py")

    first, second = report.database_name(), report.database_name("dash")

    assert first.startswith(f"opsboard_bench_{os.getpid()}_")
    assert second.startswith(f"opsboard_bench_dash_{os.getpid()}_")
    assert second != report.database_name("dash")


def test_redis_cleanup_refuses_a_prefix_that_is_not_a_runs_own():
    # Raised before any connection: an empty or shared prefix would match everyone's keys.
    for prefix in ("", "*", "opsboard:", "opsboard-bench-", "opsboard-test-1:"):
        with pytest.raises(ValueError):
            common.delete_redis_keys("redis://127.0.0.1:1/0", prefix)


@pytest.mark.services
def test_redis_cleanup_deletes_this_runs_keys_and_no_other():
    import redis

    url = os.environ["OPSBOARD_TEST_REDIS_URL"]
    ours, theirs = common.redis_prefix("test"), common.redis_prefix("test")
    client = redis.Redis.from_url(url)
    try:
        client.mset({f"{ours}a": 1, f"{ours}b:c": 2, f"{theirs}a": 3, f"x{ours}": 4})

        deleted = common.delete_redis_keys(url, ours)

        assert deleted == 2
        assert client.exists(f"{ours}a", f"{ours}b:c") == 0
        assert client.exists(f"{theirs}a", f"x{ours}") == 2
    finally:
        client.delete(f"{ours}a", f"{ours}b:c", f"{theirs}a", f"x{ours}")
        client.close()


def test_a_database_is_dropped_only_by_the_run_that_created_it(monkeypatch):
    sent, refuse = [], set()

    def psql(base_url, sql):  # the server, as far as own_database can tell
        sent.append(sql)
        if sql.startswith("CREATE DATABASE") and sql.split()[2] in refuse:
            raise RuntimeError(f'psql {sql!r} failed: database "{sql.split()[2]}" already exists')
        return ""

    monkeypatch.setattr(common, "psql", psql)
    base = "postgres://postgres@127.0.0.1:5432/"

    with pytest.raises(KeyError), common.own_database("cov", base) as url:
        raise KeyError("the benchmark failed half-way")
    name = url.rsplit("/", 1)[1]
    assert sent == [f"CREATE DATABASE {name}", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]

    # Another run's database of the same name: this run's CREATE fails, and it drops nothing.
    sent.clear()
    refuse.add(theirs := common.unique_name("cov"))
    with (
        pytest.raises(RuntimeError, match="already exists"),
        common.own_database("cov", base, name=theirs),
    ):
        pass
    assert sent == [f"CREATE DATABASE {theirs}"]

    # Nor is a name other than a run's own ever created or dropped.
    for fixed in ("opsboard", "opsboard_bench", "opsboard_bench_cov", "postgres"):
        with pytest.raises(ValueError), common.own_database("cov", base, name=fixed):
            pass
    assert sent == [f"CREATE DATABASE {theirs}"]


def test_rounds_alternate_and_report_median_and_spread():
    calls = []
    results = common.interleaved(
        3, {"engine": lambda: calls.append("e") or 2.0, "floor": lambda: calls.append("f") or 1.0}
    )

    assert calls == ["e", "f", "e", "f", "e", "f"]
    assert results == {"engine": [2.0] * 3, "floor": [1.0] * 3}
    figures = common.spread([3.0, 1.0, 2.0, 10.0, 4.0])
    assert (figures.median, figures.low, figures.high, figures.n) == (3.0, 1.0, 10.0, 5)
    assert str(figures) == "3.000 s (1.000–10.000)"
    assert str(common.spread(common.ratios([3, 4], [2, 2]), unit="×", digits=2)) == (
        "1.75× (1.50–2.00)"
    )


def _sources() -> dict[Path, str]:
    files = [*BENCH.rglob("*.py"), BASE / "Makefile"]
    return {path: path.read_text(encoding="utf-8") for path in files}


# A call or a command, not the word in a comment that says it is never used.
FLUSH = re.compile(r"\.flush(db|all)\s*\(|[\"']\s*flush(db|all)\b|\bcache\.clear\s*\(", re.I)
# CREATE/DROP DATABASE and a literal name where the string ends, not a {placeholder}.
FIXED_DATABASE = re.compile(
    r"(CREATE|DROP)\s+DATABASE\s+(IF\s+EXISTS\s+)?[a-z_][a-z0-9_]*\s*([\"';]|WITH\b)", re.I
)
# A Redis URL that picks a database other than 0: where the old runs flushed 5, 6 and 7.
REDIS_DATABASE = re.compile(r"redis://[^\s\"'/]*/(?!0\b)\d+")


def test_no_benchmark_flushes_redis_or_names_a_fixed_database():
    found = [
        f"{path.relative_to(BASE)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for path, text in _sources().items()
        for pattern in (FLUSH, FIXED_DATABASE, REDIS_DATABASE)
        for match in pattern.finditer(text)
    ]

    assert found == []


def test_the_guard_would_see_what_the_old_benchmarks_did():
    old = [
        "client.flushdb()",
        'run(["redis-cli", "-n", "5", "FLUSHDB"])',
        "cache.clear()",
        'psql("DROP DATABASE IF EXISTS opsboard_bench")',
        'psql("CREATE DATABASE opsboard_loadtest")',
        'REDIS_URL = "redis://127.0.0.1:6379/6"',
    ]

    for line in old:
        assert any(p.search(line) for p in (FLUSH, FIXED_DATABASE, REDIS_DATABASE)), line
