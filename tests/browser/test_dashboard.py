"""The command dashboard in headless Chromium, on the seeded Kediri 2024 demo.

Every test also checks, in the `dashboard` fixture, that the page asked no other host for
anything and that its console logged no error.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

MAP = "document.getElementById('map').opsboardMap"
MAP_VIEW = (
    f"(() => {{ const m = {MAP}.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }})()"
)


def set_view(page, lat: float, lng: float, zoom: int) -> None:
    page.evaluate(f"(() => {{ {MAP}.map.setView([{lat}, {lng}], {zoom}, {{animate: false}}); }})()")


def figure(page, name: str):
    return page.locator(f"[data-figure='{name}']")


def test_headline_figures_and_839_markers(dashboard):
    page = dashboard

    expect(figure(page, "personnel-total")).to_have_text("2.285")
    expect(figure(page, "personnel-POLRI")).to_have_text("576")
    expect(figure(page, "personnel-TNI")).to_have_text("31")
    expect(figure(page, "personnel-LINMAS")).to_have_text("1.678")
    expect(figure(page, "tps-total")).to_have_text("839")
    assert page.get_attribute("#map", "data-markers") == "839"
    assert page.get_attribute("#map", "data-mode") == "tps"
    counts = [
        int(page.get_attribute("#map", f"data-{s}")) for s in ("covered", "short", "unguarded")
    ]
    assert sum(counts) == 839
    assert counts[1] == int(figure(page, "short").inner_text())


def test_screenshot_of_the_dashboard(dashboard):
    page = dashboard
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))

    assert (ARTIFACTS / "dashboard.png").stat().st_size > 50_000


def test_choosing_a_kecamatan_filters_figures_map_and_tables_together(dashboard):
    page = dashboard

    page.select_option("select[name=kecamatan]", "357101")

    page.wait_for_selector("#map[data-markers='154']")
    assert page.url.endswith("/?kecamatan=357101")
    expect(figure(page, "tps-total")).to_have_text("154")
    expect(page.locator("#areas h2")).to_have_text("Cakupan per desa/kelurahan")
    expect(page.locator("#areas tbody tr").first).to_contain_text("Bandar Lor")
    gaps = page.locator("#gaps tbody tr td:first-child .sub")
    assert gaps.count() > 0
    assert set(gaps.all_inner_texts()) == {"Mojoroto"}
    expect(page.locator("#area-label")).to_have_text("Kecamatan Mojoroto")


def test_a_bookmarked_filter_opens_filtered(open_context, live_demo):
    page, watch = open_context("kabagops")

    page.goto(live_demo.url + "/?kecamatan=357101&kerawanan=rawan")

    expected = live_demo.query(
        "SELECT COUNT(*) FROM tps_tps t JOIN tps_desa d ON d.id = t.desa_id "
        "JOIN tps_kecamatan k ON k.id = d.kecamatan_id "
        "WHERE k.code = '357101' AND t.kerawanan = 'rawan'"
    )[0][0]
    page.wait_for_selector(f"#map[data-markers='{expected}']")
    expect(figure(page, "tps-total")).to_have_text(str(expected))
    assert watch.foreign == [] and watch.errors == []


def test_gap_table_sorts_and_pages_without_reloading(dashboard):
    page = dashboard
    first = page.locator("#gaps tbody tr").first.inner_text()

    page.click("#gaps th a:text('Pemilih')")
    page.wait_for_url("**/?sort=pemilih")
    page.click("#gaps a[rel=next]")
    page.wait_for_url("**/?sort=pemilih&page=2")

    assert page.locator("#gaps tbody tr").first.inner_text() != first
    assert page.get_attribute("#map", "data-markers") == "839"  # the map was not reloaded


def test_a_change_in_another_browser_shows_without_reload(dashboard, open_context, live_demo):
    page = dashboard
    assignment, station = live_demo.query(
        "SELECT a.id, c.tps_id FROM deployments_assignment a "
        "JOIN deployments_personnel p ON p.id = a.personnel_id "
        "JOIN deployments_assignment_tps t ON t.assignment_id = a.id "
        "JOIN deployments_coveragetps c ON c.tps_id = t.tps_id "
        "WHERE p.force = 'LINMAS' AND a.status = 'active' AND c.status = 'covered' "
        # The dashboard's phase: the shift rotations give other phases snapshots too.
        "AND c.snapshot_id = (SELECT MAX(s.id) FROM deployments_coveragesnapshot s "
        "JOIN deployments_phase ph ON ph.id = s.phase_id WHERE ph.code = 'pemungutan') "
        "ORDER BY a.id LIMIT 1"
    )[0]
    short_before = int(figure(page, "short").inner_text())
    marked_before = int(page.get_attribute("#map", "data-short"))
    page.evaluate("document.getElementById('dashboard').dataset.pollSeconds = '1'")
    set_view(page, -7.81, 112.01, 14)
    view = page.evaluate(MAP_VIEW)
    admin, _watch = open_context("admin")

    set_status(admin, live_demo, assignment, "cancelled")

    try:
        expect(figure(page, "short")).to_have_text(str(short_before + 1), timeout=15_000)
        page.wait_for_selector(f"#map[data-short='{marked_before + 1}']", timeout=15_000)
        assert page.evaluate(f"{MAP}.statusOf({station})") == "short"
        assert page.evaluate(MAP_VIEW) == view  # the map kept its position
        snapshot = page.get_attribute("#figures", "data-snapshot")
        assert page.evaluate(f"{MAP}.state.snapshot") == snapshot  # colours of that snapshot
    finally:
        set_status(admin, live_demo, assignment, "active")
    expect(figure(page, "short")).to_have_text(str(short_before), timeout=15_000)


def set_status(page, live_demo, assignment: int, status: str) -> None:
    """Change an assignment's status through the Django admin, as an admin would."""
    page.goto(f"{live_demo.url}/admin/deployments/assignment/{assignment}/change/")
    page.select_option("select[name=status]", status)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/deployments/assignment/**")
    expect(page.locator(".errornote")).to_have_count(0)


def test_popup_is_fetched_when_a_marker_is_clicked(dashboard):
    page = dashboard
    # Centre the map on the first TPS marker without an open incident's icon over it (the icon
    # would take the click, and show the incident), at zoom 16, then click where it is drawn.
    # The point is read and clicked in one turn of the page's loop: a dashboard part that
    # grows above the map in between would move the marker away from a click sent afterwards.
    clicked = page.evaluate(
        f"(() => {{ const m = {MAP}.map; const busy = new Set(); "
        "m.eachLayer(l => { if (l.incidentId) busy.add(l.getLatLng().toString()); }); "
        "let target = null; "
        "m.eachLayer(l => { if (!target && l.tpsId && !busy.has(l.getLatLng().toString())) "
        "target = l; }); "
        "if (!target) return null; "
        "m.setView(target.getLatLng(), 16, {animate: false}); "
        "const c = m.latLngToContainerPoint(target.getLatLng()); "
        "const r = m.getContainer().getBoundingClientRect(); "
        "const x = r.left + c.x, y = r.top + c.y; "
        "const on = document.elementFromPoint(x, y); "
        "for (const type of ['mousedown', 'mouseup', 'click']) on.dispatchEvent(new MouseEvent("
        "type, {bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0})); "
        "return target.tpsId; })()"
    )
    assert clicked

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    # Filled from the server: the live server shares two cores with the rest of the suite.
    expect(popup.locator(".popup")).to_contain_text("TPS", timeout=15_000)
    expect(popup).to_contain_text("Penjaga")
    expect(popup.locator(".guards li").first).to_be_visible()


def test_above_the_threshold_the_map_aggregates_per_area(dashboard):
    page = dashboard

    page.evaluate(
        "(() => { const el = document.getElementById('map'); el.dataset.aggregateAbove = '200'; "
        "el.opsboardMap.reload(true); })()"
    )

    page.wait_for_selector("#map[data-mode='aggregate'][data-markers='0']")
    assert page.get_attribute("#map", "data-aggregates") == "8"  # one per kecamatan
    set_view(page, -7.8165, 112.0115, 16)
    page.wait_for_selector("#map[data-mode='bbox']")
    markers = int(page.get_attribute("#map", "data-markers"))
    assert 0 < markers < 200


def test_wall_screen_cycles_through_the_kecamatan(open_context, live_demo):
    page, watch = open_context("kabagops")
    page.goto(live_demo.url + "/wall/")
    page.wait_for_selector("#map[data-markers='839']")
    expect(page.locator("#wall-live h1")).to_have_text("Seluruh wilayah hukum")

    page.evaluate("document.getElementById('wall').dataset.cycleSeconds = '1'")

    expect(page.locator("#wall-live h1")).to_have_text("Kecamatan Semen", timeout=10_000)
    assert page.get_attribute("#map", "data-markers") == "839"
    assert watch.foreign == [] and watch.errors == []
