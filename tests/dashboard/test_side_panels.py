"""The dashboard's side panels and the field pages they come from: each panel polls on the
event panels.js sends while the tab is visible, never on an htmx timer that runs in a hidden
tab, and keeps a plain link beside its hx-get. tests/browser/test_dashboard_panels.py shows
the pause in a real browser."""

import re

import pytest

PANELS = {
    "field-checkins": "/lapangan/checkin/",
    "incident-feed": "/lapangan/insiden/",
    "roll-call": "/lapangan/apel/",
    "coordination-panel-slot": "/rapat/panel/",
}
SCRIPT = '<script src="/static/opsboard/panels.js" defer></script>'


def root_of(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:section|div) id="{element_id}"[^>]*>', html)
    assert found is not None, element_id
    return found.group()


def test_the_dashboards_panels_poll_on_the_scripts_event(login, command_staff, picture):
    client = login(command_staff)

    html = client.get("/").content.decode()

    assert SCRIPT in html
    assert "every " not in html  # no htmx timer anywhere on the page
    for element_id, url in PANELS.items():
        root = root_of(html, element_id)
        assert f'hx-get="{url}"' in root
        assert re.search(r'data-panel-seconds="\d+"', root), root
        assert f'<a href="{url}">' in html
    coordination = root_of(html, "coordination-panel-slot")
    assert 'hx-trigger="load, opsboard:panel-poll"' in coordination
    assert 'data-panel-seconds="120"' in coordination


@pytest.mark.parametrize("element_id", ["field-checkins", "incident-feed", "roll-call"])
def test_a_field_panel_polls_on_the_event_as_a_fragment_and_as_a_page(
    login, command_staff, element_id
):
    client = login(command_staff)
    url = PANELS[element_id]

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    page = client.get(url).content.decode()

    for html in (fragment, page):
        root = root_of(html, element_id)
        assert 'hx-trigger="opsboard:panel-poll"' in root
        assert 'data-panel-seconds="30"' in root
        assert "every " not in html
    assert SCRIPT in page  # the page alone refreshes too, and pauses the same way
