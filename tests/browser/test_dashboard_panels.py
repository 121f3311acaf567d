"""The dashboard's side panels (check-ins, incident reports, coordination) refresh only while the
tab is visible, as the main refresh does, and catch up as soon as it is shown again.

Time is Playwright's fake clock, advanced by hand: the test says how much page time passes, and
never measures how long anything took.
"""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHECKINS, INCIDENTS, COORDINATION = "/lapangan/checkin/", "/lapangan/insiden/", "/rapat/panel/"
PANELS = {CHECKINS, INCIDENTS, COORDINATION}


def set_visibility(page, state: str) -> None:
    """What the browser does when the tab is hidden or shown again, minimised windows included."""
    page.evaluate(
        """state => {
            const own = value => ({value, configurable: true});
            Object.defineProperty(document, "visibilityState", own(state));
            Object.defineProperty(document, "hidden", own(state === "hidden"));
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def is_panel(path: str):
    return lambda request: urlparse(request.url).path == path


def test_panels_ask_nothing_while_the_tab_is_hidden_and_catch_up_when_shown(
    open_context, live_demo
):
    page, watch = open_context("kabagops")
    page.clock.install()
    page.goto(live_demo.url + "/")
    for loaded in ("#field-checkins h2", "#incident-feed h2", "#coordination-panel"):
        page.wait_for_selector(loaded, timeout=20_000)
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(urlparse(request.url).path)
            if urlparse(request.url).path in PANELS
            else None
        ),
    )

    set_visibility(page, "hidden")
    page.clock.run_for(5 * 60_000)  # ten field polls and two coordination polls' worth

    assert sent == []

    # Their answers, not only the requests: the next poll below comes in virtual time at
    # once, and a panel whose catch-up answer is still on its way does not send another.
    with (
        page.expect_response(is_panel(CHECKINS)),
        page.expect_response(is_panel(INCIDENTS)),
        page.expect_response(is_panel(COORDINATION)),
    ):
        set_visibility(page, "visible")

    assert sorted(sent) == sorted(PANELS)  # once each, not once per missed poll
    sent.clear()

    with page.expect_request(is_panel(CHECKINS)), page.expect_request(is_panel(INCIDENTS)):
        page.clock.run_for(31_000)  # visible again: the field panels poll every 30 s

    assert COORDINATION not in sent  # its 120 s have not passed
    assert watch.foreign == []
    assert watch.errors == []
