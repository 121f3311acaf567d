"""The README and docs/ point only at files a clone contains: a newcomer reading them on a fresh
checkout (or the command post's closed network) must never meet a link into someone's home or
the team's shared folder."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) and bare `path/like/this.md` mentions in backticks.
LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(r"(\.\./shared|/work/|\.\./\.library)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves_to_a_file_of_the_clone(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.exists() or ROOT not in path.parents:
            broken.append(target)

    assert broken == [], f"{page.name} links to files a clone does not hold: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_points_outside_the_repository(page):
    found = OUTSIDE.findall(page.read_text(encoding="utf-8"))

    assert found == [], f"{page.name} mentions paths outside the clone: {sorted(set(found))}"


def test_the_project_keeps_its_own_domain_api_and_development_notes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    for doc in ("docs/domain.md", "docs/api.md", "docs/development.md"):
        assert (ROOT / doc).is_file()
        assert f"({doc})" in readme
