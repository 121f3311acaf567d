"""The benchmarks run on shared hosts: each run creates and drops a database of its own name,
never a fixed one that another run, the test suite or a developer's stack might be using."""

import importlib.util
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # as when run as a script: `from report import …`
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_runs_get_different_database_names(monkeypatch):
    report = _load("report", monkeypatch)

    first, second = report.database_name(), report.database_name("dash")

    assert first != second != report.database_name("dash")
    assert first.startswith(f"opsboard_bench_{os.getpid()}_")
    assert second.startswith(f"opsboard_bench_dash_{os.getpid()}_")


@pytest.mark.parametrize(
    "name, fixed", [("coverage", "opsboard_bench"), ("dashboard", "opsboard_bench_dash")]
)
def test_each_benchmark_uses_its_own_runs_database(monkeypatch, name, fixed):
    once, again = _load(name, monkeypatch).DB_NAME, _load(name, monkeypatch).DB_NAME

    assert once.startswith("opsboard_bench_")
    assert once != fixed
    assert once != again
