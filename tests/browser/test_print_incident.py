"""The after-action report of a demo incident printed on A4 by a real browser.

Chromium prints /lapangan/kejadian/<id>/cetak/ as kabagops (page.pdf, as "Cetak / simpan PDF"
does) on the seeded Kediri 2024 demo; the PDF's own text (tests/browser/pdf_text.py) must hold
the incident, its reports and timeline, who printed it and when. The PDF and a screenshot go to
var/artifacts/.
"""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.pdf_text import A4_POINTS, media_boxes, pages, squashed

pytestmark = pytest.mark.browser

# The demo's incident with the longest timeline: the one the report must fit on paper.
LONGEST = """
SELECT i.id, i.title FROM field_incident i JOIN field_incidentevent e ON e.incident_id = i.id
GROUP BY i.id ORDER BY count(*) DESC, i.id LIMIT 1
"""


def test_the_after_action_report_fits_a4_and_says_who_printed_it_and_when(open_context, live_demo):
    ((pk, title),) = live_demo.query(LONGEST)
    ((reports,),) = live_demo.query(
        "SELECT count(*) FROM field_incidentreport WHERE incident_id = ?", (pk,)
    )
    page, watch = open_context("kabagops")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    response = page.goto(f"{live_demo.url}/lapangan/kejadian/{pk}/cetak/")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    toolbar_shown = page.locator(".toolbar").is_visible()
    page.screenshot(path=str(ARTIFACTS / "kejadian-cetak.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / "kejadian-cetak.pdf"), prefer_css_page_size=True)

    assert response.status == 200
    assert not toolbar_shown
    assert watch.foreign == [] and watch.errors == []
    text = squashed("\n".join(pages(pdf)))
    for expected in (
        "LAPORAN PASCA-KEJADIAN",
        f"K-{pk:04d}",
        title,
        "JAM RESPONS",
        "LAPORAN SITUASI",
        "LINIMASA",
        "PEMBERITAHUAN DAN TANGGAPAN",
        "Dicetak oleh Kabag Ops (demo) (kabagops) pada",
        "jam operasi Rabu, 27 November 2024 09.00 WIB",
    ):
        assert squashed(expected) in text, expected
    assert reports >= 1 and squashed("(laporan sintetis)") in text
    boxes = media_boxes(pdf)
    assert 1 <= len(boxes) <= 3  # one incident's report: a sheet or two
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
