"""A batch's custody record printed on A4 by a real browser, on the seeded Kediri 2024 demo.

Chromium opens the record of the distribution batch of Kecamatan Kota (its handover short of 50
ballots) as kabagops and prints it (page.pdf, as "Cetak / simpan PDF" does); the PDF's own text
(tests/browser/pdf_text.py) must hold the batch, its legs and who printed it, when. The PDF goes
to var/artifacts/.
"""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.pdf_text import A4_POINTS, media_boxes, pages, squashed

pytestmark = pytest.mark.browser
CODE = "357102-D-01"


def test_the_custody_record_fits_a4_and_says_who_printed_it_and_when(open_context, live_demo):
    ((pk,),) = live_demo.query("SELECT id FROM field_logisticsbatch WHERE code = ?", (CODE,))
    page, watch = open_context("kabagops")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    response = page.goto(f"{live_demo.url}/lapangan/logistik/{pk}/cetak/")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    toolbar_shown = page.locator(".toolbar").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"logistik-{CODE}.png"), full_page=True)
    pdf = page.pdf(
        path=str(ARTIFACTS / f"logistik-{CODE}.pdf"),
        prefer_css_page_size=True,
        print_background=True,
    )

    assert response.status == 200
    assert not toolbar_shown
    assert watch.foreign == [] and watch.errors == []
    text = squashed("\n".join(pages(pdf)))
    for expected in (
        "BERITA ACARA PENGAWALAN LOGISTIK PEMILIHAN",
        f"Kloter {CODE}",
        "AG 8101 KP",
        "Pengawalan logistik PPK Kota",
        "Jumlah serah terima tidak cocok",
        "Ketua PPK Kota",
        "YANG MENYERAHKAN",
        "Dicetak oleh Kabag Ops (demo) (kabagops) pada",
        " WIB dari Opsboard.",
    ):
        assert squashed(expected) in text, expected
    boxes = media_boxes(pdf)
    assert len(boxes) == 1  # one sheet for the PPK and Bawaslu
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
