"""The KPU's figures imported all or nothing, errors in Indonesian per row, shown beside the
officers' figures with the difference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from field.models import TurnoutReport
from tests.factories import TPSFactory

pytestmark = pytest.mark.django_db

URL = "/lapangan/kehadiran/impor/"


def _csv(*rows) -> SimpleUploadedFile:
    lines = ["Kode Desa,No. TPS,Pengguna Hak Pilih", *(",".join(map(str, r)) for r in rows)]
    return SimpleUploadedFile("kpu.csv", "\n".join(lines).encode(), content_type="text/csv")


def _post(client, upload, action="apply"):
    return client.post(URL, {"file": upload, "action": action})


@pytest.fixture
def two_tps(tps_a):
    tps_a.registered_voters = 200
    tps_a.save()
    other = TPSFactory(desa=tps_a.desa, number=7, registered_voters=100)
    return tps_a, other


def test_a_good_file_writes_kpu_rows(login, ops_admin, two_tps):
    a, b = two_tps

    response = _post(login(ops_admin), _csv((a.desa.code, "006", 150), (b.desa.code, 7, 80)))

    assert response.status_code == 200
    assert "2 TPS diimpor." in response.content.decode()
    rows = TurnoutReport.objects.order_by("tps__number").values_list("source", "voters_used", "dpt")
    assert list(rows) == [("kpu", 150, 200), ("kpu", 80, 100)]


def test_checking_writes_nothing(login, ops_admin, two_tps):
    a, _b = two_tps

    response = _post(login(ops_admin), _csv((a.desa.code, 6, 150)), action="check")

    assert response.status_code == 200
    assert "belum disimpan" in response.content.decode()
    assert not TurnoutReport.objects.exists()


def test_one_bad_row_writes_nothing_and_every_error_is_listed(login, ops_admin, two_tps):
    a, _b = two_tps
    code = a.desa.code

    response = _post(
        login(ops_admin),
        _csv(
            (code, 6, 150),  # good
            (code, 7, 103),  # above 100 + 2
            (code, 9, 10),  # no such TPS
            (code, 6, 151),  # duplicate of row 2
            (code, "x", "banyak"),
            (code, 7, "=1+1"),
        ),
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert not TurnoutReport.objects.exists()
    assert "7 kesalahan; tidak ada yang disimpan." in body
    assert "Pengguna hak pilih (103) melebihi DPT ditambah tambahan (102)." in body
    assert f"TPS 009 di desa {code} tidak terdaftar." in body
    assert "Duplikat baris 2 (TPS sama)." in body and "Duplikat baris 5 (TPS sama)." in body
    assert "Bukan bilangan bulat: x." in body and "Bukan bilangan bulat: banyak." in body
    assert "Sel berisi rumus (=1+1)." in body


def test_a_file_that_is_not_a_sheet_is_refused_in_indonesian(login, ops_admin, two_tps):
    upload = SimpleUploadedFile("kpu.xlsx", b"not a zip", content_type="application/zip")

    response = _post(login(ops_admin), upload)

    assert response.status_code == 422
    assert "Berkas bukan XLSX yang sah" in response.content.decode()


def test_polsek_and_command_staff_cannot_import(login, polsek_staff, command_staff, two_tps):
    a, _b = two_tps
    for user in (polsek_staff, command_staff):
        assert _post(login(user), _csv((a.desa.code, 6, 1))).status_code == 403
    assert not TurnoutReport.objects.exists()


def test_kpu_figure_shown_beside_the_officers_with_the_difference(
    login, ops_admin, command_staff, two_tps
):
    a, _b = two_tps
    TurnoutReport.objects.create(
        tps=a,
        source="officer",
        voters_used=140,
        dpt=200,
        max_voters=204,
        reported_at=timezone.now(),
    )
    _post(login(ops_admin), _csv((a.desa.code, 6, 150)))

    body = login(command_staff).get("/lapangan/kehadiran/", HTTP_HX_REQUEST="true").content
    body = body.decode()

    assert '<td class="num">140</td>' in body
    assert '<td class="num">150</td>' in body
    assert '<td class="num">10</td>' in body  # KPU − laporan petugas
