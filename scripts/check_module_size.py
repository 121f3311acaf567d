"""`make lint`: no Python module of ours over 500 lines, migrations and tests aside.

Past ~500 lines a module is a package (../shared/STYLE.md): a newcomer finds a rule by the file
it lives in, not by scrolling. Prints each module over the limit and exits 1.
"""

import sys
from pathlib import Path

LIMIT = 500
APPS = ("core", "audit", "tps", "deployments", "field", "coordination", "opsboard", "demo")


def too_long(root: Path) -> list[tuple[Path, int]]:
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found.append((path.relative_to(root), lines))
    return found


def main() -> int:
    found = too_long(Path(__file__).resolve().parent.parent)
    for path, lines in found:
        print(f"{path}: {lines} lines (limit {LIMIT}): split it into a package")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
