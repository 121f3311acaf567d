"""A special report (laporan khusus) printed on A4 by a real browser, as the daily report is
(tests/browser/test_print_daily_report.py): Debian's chromium opens the print page as a Polsek's
staff (who may read their kecamatan's reports), prints it to PDF, and the PDF's own text says
what the report is, who printed it and when; every page is A4. The PDF goes to var/artifacts/.
"""

import re

import pytest
from django.conf import settings

from field.incidents.models import Severity
from field.incidents.services import incident_verify
from opsboard.reports.special import (
    special_report_generate,
    special_report_sign,
    special_report_update,
)
from tests.browser.pdf_text import A4_POINTS, media_boxes, pages, squashed
from tests.browser.test_print_minutes import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.reports.helpers import DAY, at, incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def polsek_cookie(client, polsek_staff, live_server):
    client.force_login(polsek_staff, backend="opsboard.auth.OpsboardBackend")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


@pytest.fixture
def signed_special(election_day, tps_a, command_staff):
    clash = incident(
        tps_a, "bentrok_massa", at(DAY, 8, 30), severity=Severity.TINGGI, opened_by=command_staff
    )
    incident_verify(incident=clash, by=command_staff, note="Dikonfirmasi Kapolsek")
    report, _created = special_report_generate(incident=clash)
    special_report_update(
        report=report,
        data={
            "subject": "Bentrok pendukung paslon di TPS 006 Bandar Lor",
            "summary": "Dua kelompok pendukung saling dorong sesudah penghitungan suara.",
            "analysis": "Dipicu kabar hitung cepat yang belum resmi.",
            "recommendation": "Patroli dialogis sampai rekapitulasi PPK selesai.",
        },
        by=command_staff,
    )
    return special_report_sign(report=report, by=command_staff)


def test_the_printed_special_report_is_a4_and_says_who_printed_it_and_when(
    live_server, polsek_cookie, signed_special, monkeypatch
):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the live server answers from
    # its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / f"laporan-khusus-{signed_special.facts['number']}.pdf"
    failed: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 1400})
        context.add_cookies([polsek_cookie])
        page = context.new_page()
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        response = page.goto(f"{live_server.url}/laporan-khusus/{signed_special.pk}/cetak/")
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        toolbar_shown = page.locator(".toolbar").is_visible()
        pdf = page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
        browser.close()

    assert response.status == 200
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert not toolbar_shown
    boxes = media_boxes(pdf)
    assert 1 <= len(boxes) <= 3
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
    text = squashed(" ".join(pages(pdf)))
    for expected in (
        "KEPOLISIANNEGARAREPUBLIKINDONESIA",
        "LAPORANKHUSUS",
        "tentangBentrokpendukungpaslondiTPS006BandarLor",
        "FAKTA-FAKTA",
        "Bentrokmassa,tingkatTinggi",
        "Rabu,27November202408.30WIB",
        "SARANDANTINDAKLANJUT",
        "Ditandatanganikabagops",
    ):
        assert expected in text, expected
    # An English browser gets the Indonesian document; who printed it and when, in WIB.
    assert re.search(
        r"Dicetakolehpolsek\.mojorotopada\d{2}/\d{2}/\d{4}\d{2}\.\d{2}WIBdariOpsboard", text
    )
