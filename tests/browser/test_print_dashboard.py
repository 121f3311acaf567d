"""The command dashboard printed on A4 by a real browser, on the seeded Kediri 2024 demo.

Chromium prints the dashboard as kabagops (page.pdf, as Ctrl+P → "Simpan sebagai PDF" does);
the PDF's own text (tests/browser/pdf_text.py) must hold every TPS not yet covered in the demo,
not only the gap table's first page, an open incident, who printed it and when. The PDF and a
screenshot in print media go to var/artifacts/.
"""

import sqlite3
import uuid

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.pdf_text import A4_POINTS, media_boxes, pages, squashed

pytestmark = pytest.mark.browser

UNCOVERED_CODES = """
SELECT d.code || printf('%03d', t.number)
FROM deployments_coveragetps c
JOIN tps_tps t ON t.id = c.tps_id
JOIN tps_desa d ON d.id = c.desa_id
WHERE c.status IN ('short', 'unguarded') AND c.snapshot_id = (
    SELECT s.id FROM deployments_coveragesnapshot s
    JOIN deployments_phase p ON p.id = s.phase_id
    WHERE p.code = 'pemungutan' ORDER BY s.created_at DESC LIMIT 1)
"""
# Reports the print section calls incidents not yet handled: the demo's own (synthetic) ones and
# the one this test adds.
UNHANDLED_REPORTS = """
SELECT count(*) FROM opsboard_situationreport r WHERE r.handled_at IS NULL AND r.kind != 'aman'
AND NOT EXISTS (SELECT 1 FROM field_incidentreport l WHERE l.report_id = r.id)
"""
OPEN_INCIDENTS = """
SELECT count(*) FROM field_incident
WHERE state IN ('dilaporkan', 'diverifikasi', 'ditangani', 'di_lokasi')
"""
REPORT_TEXT = "Kerumunan massa di depan TPS, diminta tambahan personel"


@pytest.fixture
def open_incident(live_demo):
    """One urgent disturbance at a short TPS, not yet handled; removed afterwards."""
    (tps_id,) = live_demo.query(
        "SELECT c.tps_id FROM deployments_coveragetps c WHERE c.status = 'short' LIMIT 1"
    )[0]
    (person_id,) = live_demo.query(
        "SELECT a.personnel_id FROM deployments_assignment_tps x "
        "JOIN deployments_assignment a ON a.id = x.assignment_id WHERE x.tps_id = ? LIMIT 1",
        (tps_id,),
    )[0]
    with sqlite3.connect(live_demo.database, timeout=10) as connection:
        cursor = connection.execute(
            "INSERT INTO opsboard_situationreport (person_id, tps_id, kind, text, photo, urgent, "
            "at, recorded_at, idempotency_key, via_posko) "
            "VALUES (?, ?, 'gangguan', ?, '', 1, '2024-11-27 01:45:00', '2024-11-27 01:45:00', "
            "?, 0)",
            (person_id, tps_id, REPORT_TEXT, uuid.uuid4().hex),
        )
        report = cursor.lastrowid
    yield report
    with sqlite3.connect(live_demo.database, timeout=10) as connection:
        connection.execute("DELETE FROM opsboard_situationreport WHERE id = ?", (report,))


def test_the_printed_dashboard_holds_every_uncovered_tps_and_who_printed_it(
    open_incident, dashboard, live_demo
):
    # open_incident first: the report is stored before the page loads its print section.
    page = dashboard
    codes = sorted(code for (code,) in live_demo.query(UNCOVERED_CODES))
    ((unhandled,),) = live_demo.query(UNHANDLED_REPORTS)
    ((open_incidents,),) = live_demo.query(OPEN_INCIDENTS)
    assert open_incidents > 0  # the demo's morning has incidents still running
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.wait_for_selector("#print-summary .print-stamp", state="attached")
    on_screen = page.locator("#print-summary").is_visible()
    page.emulate_media(media="print")
    shown_in_print = page.locator("#print-summary").is_visible()
    hidden_in_print = [
        selector
        for selector in ("#filters", ".map-card", "#gaps .pager", ".exports", "#print-report")
        if page.locator(selector).first.is_visible()
    ]
    page.screenshot(path=str(ARTIFACTS / "dashboard-print.png"), full_page=True)
    pdf = page.pdf(
        path=str(ARTIFACTS / "dashboard-print.pdf"), prefer_css_page_size=True, format="A4"
    )
    page.emulate_media(media="screen")
    # A filter chosen on screen: print.js loads the section again for it.
    page.select_option("select[name=kecamatan]", "357101")
    page.wait_for_selector("#print-summary[data-query*='kecamatan=357101']", state="attached")
    filtered = page.locator("#print-summary").text_content()

    text = squashed("\n".join(pages(pdf)))
    assert len(codes) > 15  # more than the gap table's one page on screen
    assert not on_screen and shown_in_print
    assert hidden_in_print == []
    missing = [code for code in codes if code not in text]
    assert missing == [], f"{len(missing)} of {len(codes)} uncovered TPS not on paper: {missing}"
    for expected in (
        "Operasi Mantap Praja Semeru 2024",
        "Dicetak oleh Kabag Ops (demo) (kabagops) (Staf komando)",
        "jam operasi Rabu, 27 November 2024 09.00 WIB",
        f"Semua TPS belum terpenuhi: {len(codes)}",
        f"Kejadian terbuka: {open_incidents}",
        f"Laporan belum ditangani: {unhandled}",
        REPORT_TEXT,
        "Filter: tidak ada (semua kelas dan status)",
    ):
        assert squashed(expected) in text, expected
    assert "Wilayah: Kecamatan Mojoroto" in filtered
    assert [code for code in codes if code in filtered] == [
        code for code in codes if code.startswith("357101")
    ]
    boxes = media_boxes(pdf)
    assert len(boxes) >= 2
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
