"""What the benchmarks share: the name of each run's own database, and writing results into
docs/benchmarks.md, one marked section per benchmark."""

import os
import secrets
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def database_name(kind: str = "") -> str:
    """A database of this run only (opsboard_bench[_kind]_<pid>_<hex>): another run, the test
    suite or a developer's stack on the same PostgreSQL is never dropped by this one."""
    prefix = f"opsboard_bench_{kind}" if kind else "opsboard_bench"
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


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
