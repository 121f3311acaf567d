"""Every page a role may use is reachable from its landing page by clicks, never a typed URL.

For each role of the seeded demo, in one context of the session's browser: sign in, land on the
role's page, then click through the shell (`nav.shell a[data-nav]`, opsboard/navigation.py).
On every page reached, the shell shows the role's links and no others (the same sets as
tests/opsboard/test_navigation.py) and marks the place clicked. Pages behind an id are reached
by clicking on from there: a TPS page from the shell's search box, a meeting from the meeting
list, the coordination tabs from the rapat page, the officer's TPS timeline from /me/. The
admin is clicked last: its pages are Django's, without the shell.
"""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.opsboard.test_navigation import SHELLS

pytestmark = pytest.mark.browser

USERS = {
    "field_officer": "LM-3571011001-01",
    "polsek_staff": "polsek.mojoroto",
    "command_staff": "kabagops",
    "ops_admin": "operator",
    "superuser": "admin",
}
LINKS = "nav.shell a[data-nav]"
# A TPS of Mojoroto, the Polsek account's kecamatan, so every office role finds it.
TPS_QUERY = "TPS 1 Bandar Lor"


def _keys(page) -> list[str]:
    return page.eval_on_selector_all(LINKS, "links => links.map(a => a.dataset.nav)")


def _click(page, selector: str) -> str:
    """Follows the link and answers the path reached; the page must answer 200."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    response = navigation.value
    assert response is not None and response.status == 200, f"{selector}: {response.status}"
    return re.sub(r"^https?://[^/]+", "", page.url)


def _shell_holds(page, keys: set[str], current: str | None) -> None:
    shown = _keys(page)
    assert set(shown) == keys and len(shown) == len(keys), f"{page.url}: {shown}"
    marked = page.eval_on_selector_all(
        LINKS + "[aria-current=page]", "links => links.map(a => a.dataset.nav)"
    )
    assert marked == ([current] if current else []), f"{page.url}: marked {marked}"
    # The language switch is on every page, /me/ included.
    assert page.locator("form.lang-switch button[value=en]").count() == 1


def _office_detours(page, keys: set[str]) -> list[str]:
    """From the rapat page: its tabs and a meeting; from the search box: a TPS page."""
    reached = []
    tabs = page.eval_on_selector_all("nav.coord-tabs a", "links => links.map(a => a.pathname)")
    for tab in tabs[1:]:
        reached.append(_click(page, f"nav.coord-tabs a[href^='{tab}']"))
        _shell_holds(page, keys, "rapat")
    _click(page, "nav.coord-tabs a >> nth=0")
    reached.append(_click(page, "#meeting-results table a[href^='/rapat/'] >> nth=0"))
    _shell_holds(page, keys, "rapat")
    page.fill(".shell-search input[name=q]", TPS_QUERY)
    with page.expect_navigation() as search:
        page.press(".shell-search input[name=q]", "Enter")
    assert search.value.status == 200, f"search: {search.value.status}"
    reached.append(_click(page, "[data-kind=tps] a[href^='/tps/'] >> nth=0"))
    _shell_holds(page, keys, "dashboard")
    return reached


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_of_the_role_is_reachable_by_clicks_from_its_shell(role, browser, live_demo):
    landing, keys = SHELLS[role]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_demo.url, USERS[role])
        assert page.url == live_demo.url + landing
        assert page.locator("html").get_attribute("lang") == "id"  # an English browser too
        _shell_holds(page, keys, "dashboard" if landing == "/" else "me")

        reached = [landing]
        order = [key for key in _keys(page) if key != "admin"] + (
            ["admin"] if "admin" in keys else []
        )
        for key in order:
            path = _click(page, f"{LINKS}[data-nav={key}]")
            reached.append(path)
            if key == "admin":
                assert page.locator("#site-name").inner_text().startswith("Opsboard")
                continue
            _shell_holds(page, keys, key)
            if key == "rapat":
                reached += _office_detours(page, keys)
            if key == "me":
                reached.append(_click(page, "a[href^='/me/tps/']"))
                _shell_holds(page, keys, "me")

        assert len(set(reached)) >= len(keys), reached
    finally:
        context.close()
