"""The command's view on the demo dashboard: the open incidents as icons on the map, and an
area's alert level set from its panel filling its kecamatan on the map (docs/incidents.md)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OPEN_STATES = "('dilaporkan', 'diverifikasi', 'ditangani', 'di_lokasi')"
FILL_OF_MOJOROTO = (
    "(() => { let fill = null; document.getElementById('map').opsboardMap.map.eachLayer("
    "l => { if (l.feature && l.feature.properties && l.feature.properties.code === '357101'"
    " && l.options.fillColor) { fill = l.options.fillColor; } }); return fill; })()"
)


def test_the_map_shows_an_icon_per_open_incident_with_a_link(dashboard, live_demo):
    page = dashboard
    expected = live_demo.query(f"SELECT COUNT(*) FROM field_incident WHERE state IN {OPEN_STATES}")
    assert expected[0][0] > 0  # the demo's incidents of election morning

    page.wait_for_selector(f"#map[data-incidents='{expected[0][0]}']", timeout=20_000)
    icons = page.locator("#map .incident-icon")
    expect(icons).to_have_count(expected[0][0])
    icons.first.click()

    link = page.locator(".leaflet-popup-content a[href^='/lapangan/kejadian/']")
    expect(link).to_be_visible()


def test_raising_an_area_colours_it_on_the_map(dashboard, live_demo):
    page = dashboard
    panel = page.locator("#alert-panel #siaga-357101")
    expect(panel).to_have_attribute("data-level", "hijau", timeout=20_000)

    panel.locator("select[name=level]").select_option("merah")
    panel.locator("input[name=reason]").fill("Bentrok massa di Bandar Lor (uji peramban)")
    panel.locator("button", has_text="Tetapkan").click()

    expect(page.locator("#alert-panel #siaga-357101")).to_have_attribute("data-level", "merah")
    page.wait_for_selector("#map[data-alerts*='357101:merah']", timeout=10_000)
    assert page.evaluate(FILL_OF_MOJOROTO) == "#c62828"
    expect(page.locator("#alert-panel #siaga-357101 .checklist li")).not_to_have_count(0)

    # Restore the shared demo: back to hijau (the history keeps both rows).
    restore = page.locator("#alert-panel #siaga-357101")
    restore.locator("select[name=level]").select_option("hijau")
    restore.locator("input[name=reason]").fill("Pemulihan setelah uji")
    restore.locator("button", has_text="Tetapkan").click()
    expect(page.locator("#alert-panel #siaga-357101")).to_have_attribute("data-level", "hijau")
