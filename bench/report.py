"""The first benchmarks' names for what bench/common.py now holds (database names, writing
into docs/benchmarks.md): kept so that a benchmark importing `from report import …` still runs.
New code imports from common."""

import os
import secrets

from common import BENCHMARKS, write_section  # noqa: F401  (re-exported)


def database_name(kind: str = "") -> str:
    """A database of this run only (opsboard_bench[_kind]_<pid>_<hex>): another run, the test
    suite or a developer's stack on the same PostgreSQL is never dropped by this one."""
    prefix = f"opsboard_bench_{kind}" if kind else "opsboard_bench"
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
