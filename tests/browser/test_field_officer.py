"""A Linmas of the demo on a phone, end to end, in Debian's headless Chromium.

Uses the shared seeded demo of tests/browser/conftest.py (`live_demo`: one SQLite file seeded
once per session, served by `manage.py runserver` on a free port with the operation clock on
election day) and its `browser`. The admin prints the cards of Bandar Lor; the Linmas
LM-3571011001-01 opens their card's link at 390×844 with touch, lands on /me/, sees their TPS
and team, checks in with a mocked position, sends a report (one more while offline, sent once
the network is back, and one while the server answers 503, kept and sent again), and kabagops
sees them in the incident feed in another browser context. The link fails the second time,
and a GET of it alone signs nobody in. What the test wrote is removed at the end, so that the
other browser tests see the demo as seeded.

Nothing is downloaded: the browser is /usr/bin/chromium. Artefacts go to var/artifacts/.
"""

import json
import re
import sqlite3
from io import BytesIO
from urllib.parse import urlparse

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, PHONE, sign_in

pytestmark = pytest.mark.browser

LINMAS = "LM-3571011001-01"
BUDGET_BYTES = 60 * 1024
FIELD_TABLES = (
    "opsboard_situationreport",
    "opsboard_checkin",
    "opsboard_tpsstatusstep",
    "opsboard_instructionack",
    "opsboard_signinlink",
)


@pytest.fixture
def restored(live_demo):
    """Removes the field records this test writes, when it ends (pass or fail): the rows
    added after it began, not the table. The demo seeds its own election morning (reports
    that raised its incidents, check-ins, status steps), which other browser tests print."""
    connection = sqlite3.connect(live_demo.database, timeout=20)
    # Fixed table names, no input.
    before = {
        table: connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        for table in FIELD_TABLES
    }
    yield live_demo
    with connection:
        for table, last in before.items():
            connection.execute(f"DELETE FROM {table} WHERE id > ?", (last,))
    connection.close()


def _signed_in_page(context, base: str, username: str):
    page = context.new_page()
    sign_in(page, base, username)
    return page


def _card_link(browser, base: str) -> str:
    """The admin prints the cards of Bandar Lor; the Linmas's card holds the link.

    The card's link is built on OPSBOARD_PUBLIC_URL, which the shared server leaves at its
    default: the test follows the link's path on the server it talks to.
    """
    context = browser.new_context(locale="id-ID")
    page = _signed_in_page(context, base, "operator")
    page.goto(f"{base}/lapangan/kartu/")
    # Polsek first: the desa list opens on the chosen Polsek's desa only.
    page.select_option("#id_kecamatan", label="Mojoroto")
    assert page.locator("#id_desa option:not([hidden])", has_text="Semampir").count() == 0
    page.select_option("#id_desa", label="Bandar Lor")
    page.click("text=Buat kartu untuk dicetak")
    card = page.locator("article.card-item", has_text=LINMAS)
    assert card.locator("svg").count() == 1
    url = card.locator(".url").inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "cards.png"), full_page=False)
    context.close()
    assert re.fullmatch(r"https?://[^/]+/masuk/[\w-]{43}/", url), url
    return base + urlparse(url).path


def _photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (1200, 900), (30, 140, 60)).save(out, format="JPEG")
    return out.getvalue()


def _first_render_bytes(page) -> dict:
    return page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const res = performance.getEntriesByType('resource')
            .filter(r => /\\.(css|js)(\\?|$)/.test(r.name));
          return {
            html: nav.encodedBodySize,
            html_decoded: nav.decodedBodySize,
            html_transfer: nav.transferSize,
            assets: res.map(r => [r.name, r.encodedBodySize, r.transferSize]),
            total: nav.encodedBodySize + res.reduce((s, r) => s + r.encodedBodySize, 0),
          };
        }"""
    )


def test_a_linmas_signs_in_by_card_checks_in_and_reports_and_the_command_sees_it(restored, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = restored.url
    link = _card_link(browser, base)
    assert link.startswith(f"{base}/masuk/")
    problems: list[str] = []

    # A GET of the link alone (a chat app's preview) signs nobody in and leaves it usable.
    preview = browser.new_context()
    peek = preview.request.get(link)
    assert peek.status == 200
    assert "Masuk sebagai" in peek.text()
    me_after_peek = preview.request.get(f"{base}/me/", max_redirects=0)
    assert me_after_peek.status == 302
    assert "/accounts/login/" in me_after_peek.headers["location"]
    preview.close()

    # The Linmas's phone: the card's link signs in (signin.js sends the POST by itself).
    phone = browser.new_context(**PHONE, geolocation={"latitude": -7.0, "longitude": 112.0})
    phone.grant_permissions(["geolocation"], origin=base)
    page = phone.new_page()
    # While the phone is offline or the server answers 503, Chromium logs each failed fetch;
    # those are expected.
    expected = ("ERR_INTERNET_DISCONNECTED", "status of 503")
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not any(e in m.text for e in expected)
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(link)
    page.wait_for_url(f"{base}/me/")

    tps = page.locator("section.tps").first
    tps_name = tps.locator("h2").inner_text()
    assert re.fullmatch(r"TPS \d{3} Bandar Lor", tps_name)
    assert "Kec. Mojoroto" in tps.inner_text()
    team = page.locator("section.team li")
    assert team.count() >= 2
    team_names = [t.strip() for t in team.locator("span").all_inner_texts()]
    assert all(page.get_by_text(n.split("\n")[0]).first.is_visible() for n in team_names)
    assert page.locator("section.team a.tel").count() >= 1

    # Check-in with a mocked position about 50 m from the TPS.
    form = tps.locator("form.js-checkin")
    lat, lng = float(form.get_attribute("data-lat")), float(form.get_attribute("data-lng"))
    phone.set_geolocation({"latitude": lat + 0.00045, "longitude": lng, "accuracy": 8})
    form.locator("button").click()
    result = form.locator("[data-role=result]")
    result.filter(has_text="tercatat").wait_for(timeout=20000)
    checkin_text = result.inner_text()
    assert re.search(r"tercatat: (4\d|5\d) m dari TPS", checkin_text), checkin_text

    # A situation report with a photo (made smaller on the phone before it is sent).
    report = page.locator("form.report-form")
    report.locator("label.kind-gangguan").click()
    report.locator("textarea").fill("Massa simpatisan berkumpul 50 m dari TPS (uji browser).")
    report.locator("#id_urgent").check()
    report.locator("input[type=file]").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    report.locator("button[type=submit]").click()
    report.locator("[data-role=result]").filter(has_text="terkirim").wait_for(timeout=20000)

    # Offline: the page stays readable (service worker) with its "may be out of date" note,
    # and a report made now waits on the phone and is sent once when the network returns.
    page.reload()
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.evaluate(
        """() => caches.open('opsboard-field-v1').then(c => c.keys()).then(k => k.length)"""
    )
    phone.set_offline(True)
    page.reload()
    assert page.locator(".stale-note").is_visible()
    assert page.locator("section.tps h2").first.inner_text() == tps_name
    page.screenshot(path=str(ARTIFACTS / "me-offline.png"))
    offline_form = page.locator("form.report-form")
    offline_form.locator("label.kind-hoaks").click()
    offline_form.locator("textarea").fill("Hoaks surat suara tercoblos beredar di grup WA.")
    offline_form.locator("button[type=submit]").click()
    offline_form.locator("[data-role=result]").filter(has_text="Tidak ada sinyal").wait_for()
    # The note is rewritten after the item is stored and its send has failed: wait for it.
    page.locator("#queue-note").filter(has_text="menunggu sinyal").wait_for()
    phone.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    offline_form.locator("[data-role=result]").filter(has_text="terkirim").wait_for(timeout=20000)
    page.locator("#queue-note").wait_for(state="hidden")

    # The server answers 503 (its database unreachable): the report stays on the phone and is
    # sent with the next attempt, not dropped as refused.
    page.route(
        "**/me/lapor/",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body='{"error": "Basis data"}'
        ),
    )
    outage_form = page.locator("form.report-form")
    outage_form.locator("label.kind-lainnya").click()
    outage_form.locator("textarea").fill("Laporan saat server gangguan (uji browser).")
    outage_form.locator("button[type=submit]").click()
    outage_form.locator("[data-role=result]").filter(has_text="belum dapat menerima").wait_for()
    page.locator("#queue-note").filter(has_text="menunggu sinyal").wait_for()
    page.unroute("**/me/lapor/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    outage_form.locator("[data-role=result]").filter(has_text="terkirim").wait_for(timeout=20000)

    # The phone screenshot, back online at the top of /me/.
    page.goto(f"{base}/me/")
    page.screenshot(path=str(ARTIFACTS / "me.png"))
    page.screenshot(path=str(ARTIFACTS / "me-full.png"), full_page=True)

    # First render, measured by Chromium in a fresh context (no service worker, no cache):
    # the HTML and the CSS and JS it loads; Leaflet is not among them until the map opens.
    fresh = browser.new_context(**PHONE, storage_state=phone.storage_state())
    fresh_page = fresh.new_page()
    fresh_page.goto(f"{base}/me/")
    fresh_page.wait_for_load_state("load")
    render = _first_render_bytes(fresh_page)
    (ARTIFACTS / "me-first-render.json").write_text(json.dumps(render, indent=2))
    assert not any("leaflet" in asset[0] for asset in render["assets"])
    assert render["total"] < BUDGET_BYTES, render
    fresh_page.locator("details.map summary").first.click()
    fresh_page.locator(".leaflet-container").first.wait_for(timeout=15000)
    fresh.close()

    # The command, in another browser context, sees both reports in the incident feed.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    command = _signed_in_page(desk, base, "kabagops")
    command.goto(f"{base}/lapangan/insiden/")
    feed = command.locator("#incident-feed")
    urgent = feed.locator("li.incident", has_text="Massa simpatisan berkumpul")
    assert urgent.count() == 1
    assert "MENDESAK" in urgent.inner_text()
    assert tps_name in urgent.inner_text()
    assert feed.locator("li.incident", has_text="Hoaks surat suara tercoblos").count() == 1
    assert feed.locator("li.incident", has_text="Laporan saat server gangguan").count() == 1
    photo = desk.request.get(
        base + urgent.locator("a", has_text="Lihat foto").get_attribute("href")
    )
    assert photo.status == 200 and photo.headers["content-type"] == "image/jpeg"
    urgent.locator("button", has_text="Tandai sudah ditangani").click()
    feed.locator("li.incident.handled", has_text="Massa simpatisan").wait_for()
    command.screenshot(path=str(ARTIFACTS / "incident-feed.png"))
    desk.close()

    # The same link a second time: refused, nobody signed in.
    again = browser.new_context(**PHONE)
    second = again.new_page()
    second.goto(link)
    assert "Tautan masuk ini tidak berlaku" in second.content()
    assert again.request.get(f"{base}/me/", max_redirects=0).status == 302
    again.close()
    phone.close()

    assert problems == []
