"""The report's exports: the A4 print page (letterhead, who printed it and when), the XLSX
(opens, typed figures, the stamp, an audit line), the JSON for the level above (its shape), and
the Anev of days and phases side by side."""

import io
import json

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from opsboard.reports.selectors import reports_for_list
from opsboard.reports.services import (
    daily_report_generate,
    daily_report_revise,
    daily_report_sign,
    daily_report_update,
)
from tests.reports.helpers import BEFORE, DAY, two_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(election_day, tps_a, tps_b, command_staff):
    two_days(tps_a, tps_b)
    daily_report_generate(day=BEFORE)
    report, _ = daily_report_generate(day=DAY)
    daily_report_update(
        report=report,
        data={"summary": "Situasi aman terkendali.", "traffic_accidents": 3},
        by=command_staff,
    )
    return daily_report_sign(report=report, by=command_staff)


def test_the_print_page_has_the_letterhead_and_says_who_printed_it(report, command_staff, login):
    response = login(command_staff).get(f"/laporan-harian/{report.pk}/cetak/")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    for expected in (
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "RESOR KEDIRI KOTA",
        "LAPORAN HARIAN",
        "Rabu, 27 November 2024",
        "Situasi aman terkendali.",
        "Dicetak oleh kabagops pada",
        "VII. LOGISTIK PEMILU",
        "Belum ada data.",
        "3 kejadian (diisi manual dari Sat Lantas).",
    ):
        assert expected in body, expected
    assert AuditEvent.objects.filter(kind="export", detail__report=report.pk).count() == 1


def test_the_xlsx_opens_with_the_figures_and_who_exported_it(report, command_staff, login):
    response = login(command_staff).get(f"/laporan-harian/{report.pk}/xlsx/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="laporan-harian-2024-11-27-rev0-'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_label = {row[1]: row for row in rows if len(row) > 4 and row[1]}
    assert by_label["Gangguan"][2:5] == (2, 1, 1)
    assert by_label["Jumlah unjuk rasa"][2] == 1
    assert by_label["Kecelakaan lalu lintas (diisi manual)"][2] == 3
    assert isinstance(by_label["POLRI"][2], int)
    assert any("kabagops" in str(row[0]) for row in rows if row and row[0])
    assert AuditEvent.objects.filter(kind="export", detail__report=report.pk).exists()


def test_the_json_for_the_level_above_has_its_documented_shape(report, command_staff, login):
    client = login(command_staff)

    body = json.loads(client.get(f"/api/laporan-harian/{report.pk}.json").content)
    listing = json.loads(client.get("/api/laporan-harian.json").content)

    assert set(body) == {
        "id", "day", "scope", "revision", "revises", "corrected_by", "reason", "status",
        "generated_at", "signed_at", "signed_by", "summary", "activities_note",
        "traffic_accidents", "figures",
    }  # fmt: skip
    assert body["day"] == "2024-11-27" and body["status"] == "signed"
    assert body["scope"] == {"code": "polres", "name": "Polres Kediri Kota"}
    assert body["traffic_accidents"] == {"count": 3, "note": "", "source": "manual"}
    assert body["signed_at"].endswith("+07:00")
    assert set(body["figures"]) == {
        "day", "window", "incidents", "incidents_previous_day", "demonstrations", "personnel",
        "activities", "turnout", "logistics",
    }  # fmt: skip
    assert [r["day"] for r in listing["results"]] == ["2024-11-27", "2024-11-26"]
    assert listing["results"][0]["url"] == f"/api/laporan-harian/{report.pk}.json"


def test_the_list_for_the_level_above_holds_only_current_revisions(report, command_staff, login):
    before, _created = daily_report_generate(day=BEFORE)  # the one the fixture made
    correction = daily_report_revise(report=report, reason="Kejadian terlambat", by=command_staff)
    client = login(command_staff)

    listing = json.loads(client.get("/api/laporan-harian.json").content)
    corrected = json.loads(client.get(f"/api/laporan-harian/{report.pk}.json").content)

    assert [(r["id"], r["revision"]) for r in listing["results"]] == [
        (correction.pk, 1),
        (before.pk, 0),
    ]
    assert corrected["corrected_by"] == correction.pk
    # The corrected revision is left out before the limit: it does not use up a place.
    assert [r.pk for r in reports_for_list(current=True, limit=2)] == [correction.pk, before.pk]


def test_an_unknown_report_is_a_json_404(election_day, command_staff, login):
    response = login(command_staff).get("/api/laporan-harian/999999.json")

    assert response.status_code == 404
    assert "tidak ditemukan" in json.loads(response.content)["detail"]


def test_the_anev_shows_days_and_phases_side_by_side(report, command_staff, login):
    response = login(command_staff).get("/laporan-harian/anev/?dari=2024-11-25&sampai=2024-11-27")

    anev = response.context["anev"]
    assert response.status_code == 200
    assert [d.label for d in anev.days] == ["25/11", "26/11", "27/11"]
    assert anev.days[0].report is None  # no report of the 25th: shown as empty
    rows = {label: (days, phases) for label, days, phases in anev.rows}
    assert rows["Gangguan"][0] == [None, 1, 2]
    assert rows["Pelanggaran"][0] == [None, 3, 0]
    # Both days are in the pemungutan phase: incidents add up, people on duty take the peak.
    assert [p.phase for p in anev.phases] == ["pemungutan"]
    assert rows["Jumlah gangguan kamtibmas"][1] == [8]
    assert rows["Personel dikerahkan"][1] == [1]
    assert "Pemungutan &amp; penghitungan" in response.content.decode()


def test_the_anev_refuses_a_range_too_long_or_backwards(election_day, command_staff, login):
    client = login(command_staff)

    backwards = client.get("/laporan-harian/anev/?dari=2024-11-27&sampai=2024-11-20")
    too_long = client.get("/laporan-harian/anev/?dari=2024-08-01&sampai=2024-11-27")
    unreadable = client.get("/laporan-harian/anev/?dari=kemarin")

    assert backwards.status_code == too_long.status_code == unreadable.status_code == 422
    assert "lebih awal" in backwards.content.decode()
    assert "62 hari" in too_long.content.decode()
