"""`make lint`: no import circle between our modules, inside an app or across apps.

import-linter's layers contract (pyproject.toml) keeps the apps in order; a circle inside one
app (say engine → tasks → imports → engine) passes it and still makes a module's meaning depend
on import order. grimp, which import-linter is built on, sees every import, those inside
functions too. Prints each circle and exits 1.
"""

import sys
from pathlib import Path

import grimp

APPS = ("core", "audit", "tps", "deployments", "field", "coordination", "opsboard", "demo")


def circles() -> list[list[str]]:
    graph = grimp.build_graph(*APPS)
    found: dict[frozenset[str], list[str]] = {}
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.setdefault(frozenset(back), [module, *back])
    return list(found.values())


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    found = circles()
    for chain in found:
        print("import circle: " + " → ".join(chain))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
