"""Helpers for the platform tests: run Django in a child process with a production environment.

Settings are read once, at import, so production settings can only be tested honestly in a new
process; these helpers give it a clean environment (no variable of the developer's or of CI's
leaks into it) and a scratch SQLite database and var/ directory.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_PY = BASE_DIR / "opsboard" / "settings.py"


def settings_variables() -> set[str]:
    """Every environment variable that opsboard/settings.py reads through core.env."""
    source = SETTINGS_PY.read_text(encoding="utf-8")
    return set(re.findall(r'env_(?:str|bool|int|list|datetime)\(\s*"([A-Z][A-Z0-9_]*)"', source))


def clean_environ() -> dict[str, str]:
    """os.environ without any variable that settings read, nor its NAME_FILE variant."""
    names = settings_variables() | {"DJANGO_SETTINGS_MODULE", "OPSBOARD_TEST_REDIS_URL"}
    return {
        key: value
        for key, value in os.environ.items()
        if key not in names and not (key.endswith("_FILE") and key[: -len("_FILE")] in names)
    }


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """Production settings: DEBUG=false, a random 50-character key, one allowed host."""
    return {
        **clean_environ(),
        "DEBUG": "false",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "opsboard.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "OPSBOARD_VAR_DIR": str(tmp_path / "var"),
    }


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_python(env: dict[str, str], script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "opsboard.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
