"""The rakor of 13 Aug 2024 in the demo, published, and its notulen in the print view."""

import pytest

from coordination.models import ReadinessItem, UnitReadiness
from demo.rakor import rakor_create
from tests.factories import PolsekFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rakor(mojoroto):
    UnitFactory(code="polres-kediri-kota", name="Polres Kediri Kota", kind="polres")
    PolsekFactory(kecamatan=mojoroto)
    return rakor_create()


def test_the_demo_rakor_is_published_with_its_agenda_and_text(rakor):
    revision = rakor.revisions.get()

    assert revision.number == 1
    assert revision.published_at.isoformat() == "2024-08-13T08:00:00+00:00"  # 15.00 WIB
    assert "2.285 personel" in revision.text
    assert "mediabrantas.id" in revision.text
    assert rakor.agenda_items.count() == 5
    assert rakor.agenda_items.first().title == "Pembukaan dan sambutan Kapolres Kediri Kota"
    assert rakor.chair_position == "Kapolres Kediri Kota"
    assert rakor.action_items.filter(status="done", status_changed_at__isnull=True).count() == 0


def test_the_demo_gives_the_units_an_asta_siap_checklist_marked_as_estimates(rakor):
    rows = UnitReadiness.objects.all()

    assert ReadinessItem.objects.filter(is_estimate=True).count() == 8
    assert rows.count() == 2 * 8
    assert not rows.filter(is_estimate=False).exists()


def test_the_print_view_is_the_indonesian_notulen_whatever_the_browser_language(
    login, command_staff, rakor
):
    client = login(command_staff)

    response = client.get(f"/rapat/{rakor.pk}/cetak/", headers={"Accept-Language": "en-US"})

    html = response.content.decode()
    for expected in (
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "RESOR KEDIRI KOTA",
        "NOTULEN RAPAT",
        "Nomor: Rakor/01/VIII/OPS.1.3./2024",
        "Selasa, 13 Agustus 2024",
        "Pukul 09.00 WIB s.d. selesai",
        "Gedung Rupatama Polres Kediri Kota",
        "I. PESERTA RAPAT",
        "III. PEMBAHASAN",
        "V. KESIMPULAN",
        "VI. TINDAK LANJUT",
        "Letkol Inf Aris Setiawan, S.H.",
        "PIMPINAN RAPAT",
        "KAPOLRES KEDIRI KOTA",
        "NOTULIS",
        "Kediri, 13 Agustus 2024",
        "Notulen revisi 1",
    ):
        assert expected in html, expected
    assert 'href="/static/coordination/print.css"' in html
