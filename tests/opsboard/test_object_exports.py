"""The guarded objects in the exports (issue #18): their own file (/export/obyek/) in every
format, and a second sheet of the area table's XLSX; Polsek staff get their kecamatan's."""

import csv
import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from tests.opsboard.test_guarded_objects import objects  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_objects_file_lists_every_shift_under_covered_first(objects, command_staff, login):  # noqa: F811
    response = login(command_staff).get("/export/obyek/?format=csv")

    rows = _csv(response)
    assert response.status_code == 200
    assert rows[0][:7] == [
        "Obyek",
        "Jenis",
        "Kecamatan",
        "Yang dikawal",
        "Regu mulai (WIB)",
        "Regu selesai (WIB)",
        "Status",
    ]
    body = rows[1:-1]  # the last line is the export's stamp
    # PPK Mojoroto 3 shifts, PPK Pesantren 3, the office's period, the finished PPK's shift.
    assert len(body) == 8
    assert [r[6] for r in body[:4]] == ["Tanpa penjaga"] * 4
    assert body[-1][6] == "Terpenuhi"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1


def test_the_area_xlsx_has_the_objects_on_a_second_sheet(objects, command_staff, login):  # noqa: F811
    response = login(command_staff).get("/export/areas/")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "Obyek pengamanan"
    names = {row[0] for row in book["Obyek pengamanan"].iter_rows(values_only=True)}
    assert {"PPK Mojoroto", "PPK Pesantren", "Kantor KPU Kota Kediri"} <= names


def test_polsek_staff_export_their_kecamatans_objects_only(objects, polsek_staff, login):  # noqa: F811
    rows = _csv(login(polsek_staff).get("/export/obyek/?format=csv"))

    assert {r[0] for r in rows[1:-1]} == {"PPK Mojoroto", "Kantor KPU Kota Kediri", "PPK selesai"}
