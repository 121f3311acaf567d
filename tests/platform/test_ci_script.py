""".ci/run, the CI entry point: it must be runnable as `bash .ci/run` and as ./.ci/run."""

import os
import subprocess

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
