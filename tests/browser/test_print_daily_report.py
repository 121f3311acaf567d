"""The daily report of 27 Nov 2024 printed on A4 by a real browser.

Debian's chromium, driven by Playwright, opens the print page as the Kabag Ops (command staff),
prints it to PDF (page.pdf, as "Cetak / simpan PDF" does), and the PDF's own text
(tests/browser/pdf_text.py) must say who printed it and when; every page is A4. The PDF goes to
var/artifacts/. Nothing is downloaded: the browser is /usr/bin/chromium.
"""

import re

import pytest
from django.conf import settings

from opsboard.reports.services import daily_report_generate, daily_report_sign, daily_report_update
from tests.browser.pdf_text import A4_POINTS, media_boxes, pages, squashed
from tests.browser.test_print_minutes import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.reports.helpers import DAY, two_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kabagops_cookie(client, command_staff, live_server):
    client.force_login(command_staff, backend="opsboard.auth.OpsboardBackend")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


@pytest.fixture
def signed_report(election_day, tps_a, tps_b, command_staff):
    two_days(tps_a, tps_b)
    report, _ = daily_report_generate(day=DAY)
    daily_report_update(
        report=report,
        data={"summary": "Situasi kamtibmas di wilayah Polres Kediri Kota aman terkendali."},
        by=command_staff,
    )
    return daily_report_sign(report=report, by=command_staff)


def test_the_printed_daily_report_is_a4_and_says_who_printed_it_and_when(
    live_server, kabagops_cookie, signed_report, monkeypatch
):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the live server answers from
    # its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "laporan-harian-2024-11-27.pdf"
    failed: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 1400})
        context.add_cookies([kabagops_cookie])
        page = context.new_page()
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        response = page.goto(f"{live_server.url}/laporan-harian/{signed_report.pk}/cetak/")
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        toolbar_shown = page.locator(".toolbar").is_visible()
        pdf = page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
        browser.close()

    assert response.status == 200
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert not toolbar_shown
    boxes = media_boxes(pdf)
    assert 1 <= len(boxes) <= 4  # the report fits on a few A4 pages
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
    text = squashed(" ".join(pages(pdf)))
    for expected in (
        "KEPOLISIANNEGARAREPUBLIKINDONESIA",
        "LAPORANHARIAN",
        "Rabu,27November2024",
        "GANGGUANKAMTIBMAS",
        "Ditandatanganikabagops",
    ):
        assert expected in text, expected
    # Who printed it and when: the stamp of the audit line, 27/11/2024-style in WIB.
    assert re.search(r"Dicetakolehkabagopspada\d{2}/\d{2}/\d{4}\d{2}\.\d{2}WIBdariOpsboard", text)
