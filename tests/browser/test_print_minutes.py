"""The notulen of the rakor of 13 Aug 2024 printed on A4 by a real browser.

Debian's chromium, driven by Playwright, opens the print view as command staff, prints it to
PDF (page.pdf, as "Cetak / simpan PDF" does) and saves the PDF and a screenshot to
var/artifacts/. Nothing is downloaded: the browser is /usr/bin/chromium.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from demo.rakor import rakor_create
from tests.factories import PolsekFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


@pytest.fixture
def signed_in_cookie(client, command_staff, live_server):
    client.force_login(command_staff, backend="opsboard.auth.OpsboardBackend")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


@pytest.fixture
def rakor(mojoroto):
    UnitFactory(code="polres-kediri-kota", name="Polres Kediri Kota", kind="polres")
    PolsekFactory(kecamatan=mojoroto)
    return rakor_create()


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    pattern = rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]"
    return [(float(w), float(h)) for w, h in re.findall(pattern, pdf)]


def test_print_view_renders_the_rakor_of_13_august_2024_on_a4(
    live_server, signed_in_cookie, rakor, monkeypatch
):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the database work is done
    # above, and the live server answers from its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "notulen-rakor-2024-08-13.pdf"
    png_path = ARTIFACTS / "notulen-rakor-2024-08-13.png"
    problems: list[str] = []
    failed: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 1400})
        context.add_cookies([signed_in_cookie])
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        response = page.goto(f"{live_server.url}/rapat/{rakor.pk}/cetak/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(png_path), full_page=True)
        page.emulate_media(media="print")
        toolbar_shown = page.locator(".toolbar").is_visible()
        text = page.locator("article.sheet").inner_text()
        pdf = page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
        browser.close()

    assert response.status == 200
    # Every stylesheet and script loaded and the CSP blocked nothing; the browser's own
    # favicon request is the one 404 (the project has no favicon).
    unexpected = [url for url in failed if not url.endswith("/favicon.ico")]
    assert unexpected == []
    assert [p for p in problems if "404" not in p or unexpected] == []
    assert not toolbar_shown  # the print stylesheet hides the screen-only toolbar
    for expected in (
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "NOTULEN RAPAT",
        "Nomor: Rakor/01/VIII/OPS.1.3./2024",
        "Selasa, 13 Agustus 2024",
        "Gedung Rupatama Polres Kediri Kota",
        "PEMBAHASAN",
        "KESIMPULAN",
        "TINDAK LANJUT",
        "PIMPINAN RAPAT",
        "AKBP Bramastyo Priaji, S.H., S.I.K., M.Si.",
    ):
        assert expected in text, expected
    assert pdf_path.exists() and pdf.startswith(b"%PDF-")
    boxes = media_boxes(pdf)
    assert 1 <= len(boxes) <= 4  # the notulen fits on a few A4 pages
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
    assert png_path.stat().st_size > 10_000
    assert os.path.getsize(pdf_path) > 10_000
