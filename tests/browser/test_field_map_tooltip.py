"""/me/'s map writes the TPS's name (with its desa's) into the marker's tooltip as text: Leaflet
reads a string tooltip as HTML, so a desa named with markup would otherwise become markup on
every officer's phone (static/field/field.js).

The shared seeded demo's Bandar Lor is renamed for the test and named back at the end.
"""

import sqlite3

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

LINMAS = "LM-3571011001-01"  # guards a TPS of Bandar Lor
MARKUP = "<b>x</b>"


@pytest.fixture
def desa_named_with_markup(live_demo):
    (pk, name), *_ = live_demo.query("SELECT id, name FROM tps_desa WHERE name = 'Bandar Lor'")
    connection = sqlite3.connect(live_demo.database, timeout=20)
    try:
        with connection:
            connection.execute(
                "UPDATE tps_desa SET name = ? WHERE id = ?", (f"{name} {MARKUP}", pk)
            )
        yield live_demo
    finally:
        with connection:
            connection.execute("UPDATE tps_desa SET name = ? WHERE id = ?", (name, pk))
        connection.close()


def test_the_me_map_tooltip_shows_a_desa_name_with_markup_as_typed(desa_named_with_markup, browser):
    base = desa_named_with_markup.url
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, base, LINMAS)
        page.goto(f"{base}/me/")
        details = page.locator("details.map").first
        assert MARKUP in details.get_attribute("data-name")

        details.locator("summary").click()
        tooltip = page.locator(".leaflet-tooltip").first  # permanent: open once drawn
        tooltip.wait_for(timeout=15000)

        assert MARKUP in tooltip.text_content()
        assert page.locator(".leaflet-tooltip b").count() == 0
    finally:
        context.close()
