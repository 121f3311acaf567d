"""The report's pages: edit, sign and revise through the forms, refusals as 422 with the
reason in Indonesian, nothing half-written; who may open them (docs/access.md)."""

import pytest

from opsboard.reports.models import DailyReport
from opsboard.reports.services import daily_report_generate
from tests.reports.helpers import DAY, two_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(election_day):
    return daily_report_generate(day=DAY)[0]


def test_the_kabag_ops_edits_signs_and_corrects_through_the_pages(draft, command_staff, login):
    client = login(command_staff)
    base = f"/laporan-harian/{draft.pk}"

    edited = client.post(f"{base}/ubah/", {"summary": "Aman", "traffic_accidents": ""})
    signed = client.post(f"{base}/tandatangan/")
    refused = client.post(f"{base}/ubah/", {"summary": "Sesudah tanda tangan"})
    refused_bad = client.post(f"{base}/ubah/", {"summary": "X", "traffic_accidents": "-1"})
    revised = client.post(f"{base}/revisi/", {"reason": "Salah ketik"})

    assert edited.status_code == signed.status_code == 302
    assert refused.status_code == refused_bad.status_code == 422
    assert "terkunci" in refused.content.decode() and "terkunci" in refused_bad.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Aman" and draft.signed_by_name == "kabagops"
    correction = DailyReport.objects.get(revises=draft)
    assert revised["Location"] == f"/laporan-harian/{correction.pk}/"
    page = client.get(revised["Location"]).content.decode()
    assert "Koreksi atas revisi 0" in page and "Salah ketik" in page


def test_bad_input_is_a_422_that_writes_nothing(draft, command_staff, login):
    client = login(command_staff)
    base = f"/laporan-harian/{draft.pk}"

    negative = client.post(f"{base}/ubah/", {"summary": "X", "traffic_accidents": "-1"})
    unsigned = client.post(f"{base}/tandatangan/")
    no_reason = client.post(f"{base}/revisi/", {"reason": ""})
    bad_day = client.post("/laporan-harian/buat/", {"day": "27-11"})

    assert {r.status_code for r in (negative, unsigned, no_reason, bad_day)} == {422}
    assert "ringkasan situasi" in unsigned.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "" and not draft.is_signed
    assert DailyReport.objects.count() == 1


def test_opening_a_day_makes_its_report_once(election_day, command_staff, login):
    client = login(command_staff)

    first = client.post("/laporan-harian/buat/", {"day": "2024-11-26"})
    second = client.post("/laporan-harian/buat/", {"day": "2024-11-26"})

    assert first["Location"] == second["Location"]
    assert DailyReport.objects.filter(day="2024-11-26").count() == 1
    assert "26 November 2024" in client.get("/laporan-harian/").content.decode()


def test_field_officers_get_403(draft, field_officer, login):
    client = login(field_officer)

    pages = [
        client.get("/laporan-harian/"),
        client.get(f"/laporan-harian/{draft.pk}/"),
        client.get(f"/laporan-harian/{draft.pk}/cetak/"),
        client.post(f"/laporan-harian/{draft.pk}/tandatangan/"),
        client.get(f"/api/laporan-harian/{draft.pk}.json"),
        client.get("/api/laporan-harian.json"),
    ]

    assert [r.status_code for r in pages] == [403] * 6
    draft.refresh_from_db()
    assert not draft.is_signed


def test_polsek_staff_write_and_sign_their_kecamatans_report_only(
    draft, tps_a, tps_b, mojoroto, pesantren, polsek_staff, login
):
    two_days(tps_a, tps_b)
    theirs = daily_report_generate(day=DAY, kecamatan=pesantren)[0]
    client = login(polsek_staff)

    listed = client.get("/laporan-harian/?lingkup=polres")  # asks for the Polres: gets its own
    made = client.post("/laporan-harian/buat/", {"day": DAY.isoformat(), "lingkup": "polres"})
    own = DailyReport.objects.get(day=DAY, scope_code=mojoroto.code)
    base = f"/laporan-harian/{own.pk}"
    edited = client.post(f"{base}/ubah/", {"summary": "Mojoroto aman."})
    signed = client.post(f"{base}/tandatangan/")
    printed = client.get(f"{base}/cetak/").content.decode()
    api = client.get("/api/laporan-harian.json").json()

    assert "Polsek Mojoroto" in listed.content.decode()
    assert made["Location"] == f"{base}/"
    assert edited.status_code == signed.status_code == 302
    own.refresh_from_db()
    assert own.signed_by_name == "polsek.mojoroto" and own.summary == "Mojoroto aman."
    assert own.figures["incidents"]["gangguan"] == 2 and own.figures["incidents"]["kejahatan"] == 0
    assert "SEKTOR MOJOROTO" in printed and "KAPOLSEK MOJOROTO" in printed
    assert [r["id"] for r in api["results"]] == [own.pk]
    # The Polres's report and another Polsek's are not theirs: not found, nothing changed.
    for report in (draft, theirs):
        assert client.get(f"/laporan-harian/{report.pk}/").status_code == 404
        assert (
            client.post(f"/laporan-harian/{report.pk}/ubah/", {"summary": "X"}).status_code == 404
        )
        assert client.get(f"/api/laporan-harian/{report.pk}.json").status_code == 404
        report.refresh_from_db()
        assert report.summary == ""
    anev = client.get("/laporan-harian/anev/?dari=2024-11-26&sampai=2024-11-27&lingkup=polres")
    assert anev.status_code == 200 and "Polsek Mojoroto" in anev.content.decode()


def test_command_staff_read_a_kecamatans_report_by_its_scope(draft, mojoroto, command_staff, login):
    own = daily_report_generate(day=DAY, kecamatan=mojoroto)[0]
    client = login(command_staff)

    polres = client.get("/laporan-harian/").content.decode()
    chosen = client.get(f"/laporan-harian/?lingkup={mojoroto.code}").content.decode()
    unknown = client.get("/laporan-harian/?lingkup=999999")

    assert f"/laporan-harian/{draft.pk}/" in polres and f"/laporan-harian/{own.pk}/" not in polres
    assert f"/laporan-harian/{own.pk}/" in chosen and "Polsek Mojoroto" in chosen
    assert unknown.status_code == 404
    assert (
        "KABAG OPS POLRES KEDIRI KOTA"
        in client.get(f"/laporan-harian/{draft.pk}/cetak/").content.decode()
    )


def test_field_officers_get_no_figures_from_the_api(draft, field_officer, login):
    response = login(field_officer).get("/api/angka-harian.json")

    assert response.status_code == 403


def test_admins_sign_too(draft, ops_admin, login):
    client = login(ops_admin)
    client.post(f"/laporan-harian/{draft.pk}/ubah/", {"summary": "Aman"})

    response = client.post(f"/laporan-harian/{draft.pk}/tandatangan/")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.signed_by_name == "operator"
