"""The special report's pages: drafted from the list, edited, signed and corrected through the
forms, refusals as 422 with the reason in Indonesian and nothing half-written; Polsek staff read
their kecamatan's reports only and write none; field officers get none of it."""

import io

import pytest
from openpyxl import load_workbook

from field.incidents.models import Severity
from opsboard.reports.models import SpecialReport
from opsboard.reports.special import special_report_generate
from tests.reports.helpers import DAY, at, incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident_a(election_day, tps_a, command_staff):
    return incident(
        tps_a, "bentrok_massa", at(DAY, 8), severity=Severity.TINGGI, opened_by=command_staff
    )


@pytest.fixture
def incident_b(election_day, tps_b, command_staff):
    return incident(
        tps_b, "kejahatan", at(DAY, 9), severity=Severity.DARURAT, opened_by=command_staff
    )


def test_the_command_drafts_edits_signs_and_corrects_through_the_pages(
    incident_a, command_staff, login
):
    client = login(command_staff)

    listed = client.get("/laporan-khusus/").content.decode()
    drafted = client.post("/laporan-khusus/buat/", {"kejadian": incident_a.pk})
    again = client.post("/laporan-khusus/buat/", {"kejadian": incident_a.pk})
    report = SpecialReport.objects.get()
    base = f"/laporan-khusus/{report.pk}"
    edited = client.post(
        f"{base}/ubah/",
        {
            "subject": "Bentrok pendukung di TPS 006",
            "summary": "Dua kelompok pendukung saling dorong.",
            "casualties": "",
            "actions_note": "Negosiasi oleh Kapolsek.",
            "analysis": "Dipicu hoaks hasil hitung cepat.",
            "recommendation": "Patroli dialogis sampai rekapitulasi.",
        },
    )
    signed = client.post(f"{base}/tandatangan/")
    refused = client.post(f"{base}/ubah/", {"subject": "Sesudah", "summary": "Sesudah"})
    revised = client.post(f"{base}/revisi/", {"reason": "Korban bertambah"})

    assert f"K-{incident_a.pk:04d}" in listed and "Buat laporan khusus" in listed
    assert drafted.status_code == again.status_code == 302
    assert drafted["Location"] == again["Location"] == f"{base}/"
    assert edited.status_code == signed.status_code == revised.status_code == 302
    assert refused.status_code == 422 and "terkunci" in refused.content.decode()
    report.refresh_from_db()
    assert report.subject == "Bentrok pendukung di TPS 006" and report.is_signed
    correction = SpecialReport.objects.get(revises=report)
    assert revised["Location"] == f"/laporan-khusus/{correction.pk}/"
    page = client.get(revised["Location"]).content.decode()
    assert "Koreksi atas revisi 0" in page and "Korban bertambah" in page
    assert "Patroli dialogis sampai rekapitulasi." in page  # the texts carried over
    listed_after = client.get("/laporan-khusus/").content.decode()
    assert "Setiap kejadian menonjol sudah punya laporan khusus." in listed_after


def test_bad_input_is_a_422_that_writes_nothing(incident_a, tps_a, command_staff, login):
    client = login(command_staff)
    minor = incident(tps_a, "gangguan", at(DAY, 10), severity=Severity.RENDAH)
    report, _created = special_report_generate(incident=incident_a)
    base = f"/laporan-khusus/{report.pk}"

    no_subject = client.post(f"{base}/ubah/", {"subject": "", "summary": "X"})
    too_long = client.post(f"{base}/ubah/", {"subject": "S" * 201, "summary": "X"})
    unsigned = client.post(f"{base}/tandatangan/")
    no_reason = client.post(f"{base}/revisi/", {"reason": ""})
    not_notable = client.post("/laporan-khusus/buat/", {"kejadian": minor.pk})
    not_a_number = client.post("/laporan-khusus/buat/", {"kejadian": "K-1"})
    unknown = client.post("/laporan-khusus/buat/", {"kejadian": 2**31 - 1})

    responses = (no_subject, too_long, unsigned, no_reason, not_notable, not_a_number)
    assert {r.status_code for r in responses} == {422}
    assert unknown.status_code == 404
    assert "Tuliskan perihal laporan." in no_subject.content.decode()
    assert "pokok kejadian" in unsigned.content.decode()
    assert "tingkat Tinggi ke atas" in not_notable.content.decode()
    assert "Kejadian tidak dikenal." in not_a_number.content.decode()
    report.refresh_from_db()
    assert report.summary == "" and not report.is_signed
    assert SpecialReport.objects.count() == 1


def test_polsek_staff_read_their_kecamatans_reports_only_and_write_none(
    incident_a, incident_b, polsek_staff, login
):
    mine, _created = special_report_generate(incident=incident_a)
    theirs, _created = special_report_generate(incident=incident_b)
    client = login(polsek_staff)

    listed = client.get("/laporan-khusus/")
    api = client.get("/api/laporan-khusus.json").json()

    assert listed.status_code == 200
    assert mine.subject in listed.content.decode()
    assert theirs.subject not in listed.content.decode()
    assert "Buat laporan khusus" not in listed.content.decode()
    assert [r["id"] for r in api["results"]] == [mine.pk]
    for suffix in ("/", "/cetak/", "/xlsx/"):
        assert client.get(f"/laporan-khusus/{mine.pk}{suffix}").status_code == 200
        assert client.get(f"/laporan-khusus/{theirs.pk}{suffix}").status_code == 404
    assert client.get(f"/api/laporan-khusus/{theirs.pk}.json").status_code == 404
    page = client.get(f"/laporan-khusus/{mine.pk}/").content.decode()
    assert "Tandatangani laporan" not in page
    for path, data in (
        ("/laporan-khusus/buat/", {"kejadian": incident_a.pk}),
        (f"/laporan-khusus/{mine.pk}/ubah/", {"subject": "X", "summary": "X"}),
        (f"/laporan-khusus/{mine.pk}/tandatangan/", {}),
        (f"/laporan-khusus/{mine.pk}/revisi/", {"reason": "X"}),
    ):
        assert client.post(path, data).status_code == 403
    mine.refresh_from_db()
    assert mine.subject != "X" and not mine.is_signed


def test_field_officers_get_none_of_it(incident_a, field_officer, login):
    report, _created = special_report_generate(incident=incident_a)
    client = login(field_officer)

    pages = [
        "/laporan-khusus/",
        f"/laporan-khusus/{report.pk}/",
        f"/laporan-khusus/{report.pk}/cetak/",
    ]
    assert {client.get(path).status_code for path in pages} == {403}
    assert client.get("/api/laporan-khusus.json").status_code == 403
    assert client.get(f"/api/laporan-khusus/{report.pk}.json").status_code == 403


def test_the_exports_say_what_the_report_says(incident_a, command_staff, login):
    report, _created = special_report_generate(incident=incident_a)
    client = login(command_staff)
    client.post(
        f"/laporan-khusus/{report.pk}/ubah/",
        {"subject": "Bentrok", "summary": "Saling dorong.", "analysis": "=HYPERLINK(1)"},
    )

    data = client.get(f"/api/laporan-khusus/{report.pk}.json").json()
    printed = client.get(f"/laporan-khusus/{report.pk}/cetak/").content.decode()
    sheet = load_workbook(io.BytesIO(client.get(f"/laporan-khusus/{report.pk}/xlsx/").content))

    assert data["status"] == "draft" and data["summary"] == "Saling dorong."
    assert data["facts"]["number"] == incident_a.number
    assert data["facts"]["severity"] == {"value": 3, "label": "Tinggi"}
    assert "LAPORAN KHUSUS" in printed and "tentang Bentrok" in printed
    assert "DRAF — BELUM DITANDATANGANI" in printed and "Dicetak oleh kabagops" in printed
    cells = [c.value for row in sheet.active.iter_rows() for c in row if c.value is not None]
    assert incident_a.number in cells and "Saling dorong." in cells
    assert all(c.data_type != "f" for row in sheet.active.iter_rows() for c in row)
