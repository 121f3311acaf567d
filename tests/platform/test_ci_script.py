""".ci/run, the CI entry point: it must be runnable as `bash .ci/run` and as ./.ci/run, and its
steps that start PostgreSQL and Redis must start them when they are installed but stopped."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.platform.conftest import BASE_DIR

CI_RUN = BASE_DIR / ".ci" / "run"


def test_ci_run_is_an_executable_bash_script_that_parses():
    text = CI_RUN.read_text(encoding="utf-8")

    result = subprocess.run(["bash", "-n", str(CI_RUN)], capture_output=True, text=True, timeout=30)

    assert text.startswith("#!/usr/bin/env bash\n")
    assert os.access(CI_RUN, os.X_OK)
    assert "set -euo pipefail" in text
    assert result.returncode == 0, result.stderr


def test_sourcing_ci_run_defines_its_steps_without_running_them():
    script = f"source {CI_RUN}; declare -F | awk '{{print $3}}'"

    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)

    functions = set(result.stdout.split())
    assert result.returncode == 0, result.stderr
    assert {"install_packages", "start_postgres", "start_redis", "main"} <= functions
    assert "==> .ci/run" not in result.stdout  # main did not run


# The start functions, run for real on a spare port and a spare cluster, so that their
# "installed but stopped" path (the one a fresh CI machine takes) is exercised, not only parsed.
# They need root, like .ci/run itself, and the Debian packages that the `services` tests use.


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert port not in (5432, 6379)  # never the running PostgreSQL or Redis
    return port


def _ci_run(function: str, **variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI_WAIT_SECONDS": "30", **variables}
    return subprocess.run(
        ["bash", "-c", f'source "{CI_RUN}"; {function}'],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _redis_ping(port: int) -> str:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "ping"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return result.stdout.strip()


@pytest.mark.services
def test_start_redis_starts_a_redis_where_none_answers():
    port = _spare_port()
    assert _redis_ping(port) != "PONG"

    try:
        started = _ci_run("start_redis", CI_REDIS_PORT=str(port))
        pong = _redis_ping(port)
        again = _ci_run("start_redis", CI_REDIS_PORT=str(port))
    finally:
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
        )

    assert started.returncode == 0, started.stdout + started.stderr
    assert f"Redis on 127.0.0.1:{port}" in started.stdout
    assert "starting redis-server" in started.stdout
    assert "Redis answers" in started.stdout
    assert pong == "PONG"
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already running" in again.stdout
    assert "starting redis-server" not in again.stdout


def _psql(port: int, sql: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-w", "-Atqc", sql],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout.strip()


@pytest.mark.services
def test_start_postgres_creates_and_starts_a_missing_cluster_and_restarts_a_stopped_one():
    port = _spare_port()
    cluster = f"citest{port}"
    version = _ci_run("pg_version").stdout.strip()
    assert version and not (Path("/etc/postgresql") / version / cluster).exists()
    variables = {"CI_PG_PORT": str(port), "CI_PG_CLUSTER": cluster}

    try:
        created = _ci_run("start_postgres", **variables)
        databases = _psql(port, "SELECT datname FROM pg_database ORDER BY datname")
        stop = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "stop"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        stopped = _psql(port, "SELECT 1")
        restarted = _ci_run("start_postgres", **variables)
        after_restart = _psql(port, "SELECT 1")
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", version, cluster], capture_output=True, timeout=60
        )

    assert created.returncode == 0, created.stdout + created.stderr
    assert f"creating cluster {version}/{cluster}" in created.stdout
    assert f"starting cluster {version}/{cluster}" in created.stdout
    assert "created database opsboard" in created.stdout
    assert "opsboard" in databases.split()
    assert stop.returncode == 0, stop.stderr
    assert stopped == ""  # the cluster really was down before the second run
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "creating cluster" not in restarted.stdout  # its configuration was kept
    assert f"starting cluster {version}/{cluster}" in restarted.stdout
    assert "created database opsboard" not in restarted.stdout
    assert after_restart == "1"
    assert not (Path("/etc/postgresql") / version / cluster).exists()
