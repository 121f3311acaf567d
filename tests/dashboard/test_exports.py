"""Exports of the gap table and the area table: XLSX by default with typed cells, CSV for Excel
set to Indonesian (BOM, ";", decimal comma), CSV for programs (comma, point, no BOM), no
formulas in any of them."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from tests.factories import DesaFactory

BOM = b"\xef\xbb\xbf"


def _csv_rows(response) -> list[list[str]]:
    """The machine CSV's header and data rows; the last line, who exported it and when, is left
    off (tests/hardening/test_export_stamps.py)."""
    body = b"".join(response.streaming_content)
    assert not body.startswith(BOM)  # a program reads the first heading as it is
    *rows, stamp = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    assert stamp[0].startswith("Diekspor oleh ")
    return rows


def _excel_rows(response) -> tuple[bytes, list[list[str]]]:
    """The Excel CSV's bytes, and its rows read as Excel set to Indonesian reads them (";")."""
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[-1][0].startswith("Diekspor oleh ")
    return body, rows[:-1]


def _sheet_table(response):
    """The sheet, and its table's heading row number (1-based) found by its first heading."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = next(r[0].row for r in sheet.iter_rows() if r[0].value in ("Kode TPS", "Kode"))
    return sheet, header


def test_gap_table_is_xlsx_by_default(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/export/gaps/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'attachment; filename="opsboard-kekurangan-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "Kode TPS"))
    body = rows[header + 1 :]
    assert [r[0] for r in body] == ["3571011001008", "3571011001007"]  # the largest lack first
    assert body[0][5] == "Tanpa penjaga"
    assert rows[0][0] == "TPS belum terpenuhi"
    assert any(r[0] == "Tahapan: Pemungutan & penghitungan" for r in rows)


def test_gap_table_as_csv_follows_the_filters(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/export/gaps/", {"format": "csv", "status": "short"})

    rows = _csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:3] == ["Kode TPS", "TPS", "Kecamatan"]
    assert [r[0] for r in rows[1:]] == ["3571011001007"]
    # Polri, TNI, Linmas: required, assigned, lacking (the pair over two TPS gives it 1.0)
    assert rows[1][7:] == ["0.5", "1.0", "0.0", "0.0", "0.0", "0.0", "2.0", "0.0", "2.0"]


def test_the_excel_csv_has_a_bom_semicolons_and_decimal_commas(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/export/gaps/", {"format": "csv-excel", "status": "short"})

    body, rows = _excel_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-kabagops.csv"')
    assert body.startswith(BOM)
    assert body.split(b"\r\n")[0] == BOM + ";".join(rows[0]).encode()
    assert rows[0][:3] == ["Kode TPS", "TPS", "Kecamatan"]
    assert [r[0] for r in rows[1:]] == ["3571011001007"]
    # The same figures as the machine CSV above, as Excel in Indonesian reads numbers.
    assert rows[1][7:] == ["0,5", "1", "0", "0", "0", "0", "2", "0", "2"]


def test_the_excel_csv_writes_a_percentage_with_a_decimal_comma(login, command_staff, picture):
    # Mojoroto's Linmas: 2 per TPS at its three TPS, the pair at tps_a alone: 2 of 6 = 33.3 %.
    client = login(command_staff)

    machine = _csv_rows(client.get("/export/areas/", {"format": "csv"}))
    _, excel = _excel_rows(client.get("/export/areas/", {"format": "csv-excel"}))

    heading = machine[0].index("Pemenuhan Linmas (%)")
    assert excel[0] == machine[0]
    assert (machine[1][1], machine[1][heading]) == ("Mojoroto", "33.3")
    assert (excel[1][1], excel[1][heading]) == ("Mojoroto", "33,3")
    assert [len(row) for row in excel] == [len(row) for row in machine]


def test_an_excel_cell_keeps_decimals_with_a_comma_and_neutralises_text():
    from core.spreadsheets import excel_csv_cell

    values = (12.5, 0.125, 2.0, -0.5, 2285, None, "=1+1", "-2", "Bandar Lor")
    assert [excel_csv_cell(v) for v in values] == [
        "12,5",
        "0,125",
        "2",
        "-0,5",
        2285,
        None,
        "'=1+1",
        "'-2",
        "Bandar Lor",
    ]


def test_the_xlsx_keeps_numbers_as_numbers_and_dates_as_dates(login, command_staff, picture):
    client = login(command_staff)

    sheet, header = _sheet_table(client.get("/export/areas/"))

    headings = [c.value for c in sheet[header]]
    mojoroto = sheet[header + 1]
    code, name, _polsek, tps, covered = mojoroto[:5]
    percent = mojoroto[headings.index("Pemenuhan Linmas (%)")]
    required = mojoroto[headings.index("Polri dibutuhkan")]
    assert (code.value, code.data_type) == ("357101", "s")  # a code is text, never 3,57E+05
    assert (name.value, name.data_type) == ("Mojoroto", "s")
    assert (tps.value, tps.data_type, tps.number_format) == (3, "n", "#,##0")
    assert (covered.value, covered.data_type) == (1, "n")
    assert percent.data_type == "n" and percent.number_format == "0.0%"
    assert abs(percent.value - 2 / 6) < 1e-9  # the fraction itself, which Excel shows 33,3%
    assert (required.value, required.data_type) == (2.0, "n")
    computed = next(r for r in sheet.iter_rows() if r[0].value == "Cakupan dihitung (WIB):")[1]
    assert computed.data_type == "d" and isinstance(computed.value, datetime)
    assert computed.number_format == "dd/mm/yyyy hh:mm"


def test_a_fulfilment_without_requirement_is_an_empty_cell(login, command_staff, picture):
    client = login(command_staff)

    sheet, header = _sheet_table(client.get("/export/areas/"))

    tni = [c.value for c in sheet[header]].index("Pemenuhan TNI (%)")
    assert sheet[header + 1][tni].value is None  # no TNI in the pattern: nothing, not 0 %


def test_the_gap_table_xlsx_has_numeric_guards_and_voters(login, command_staff, picture):
    client = login(command_staff)

    sheet, header = _sheet_table(client.get("/export/gaps/", {"status": "short"}))

    headings = [c.value for c in sheet[header]]
    row = sheet[header + 1]
    assert row[0].value == "3571011001007" and row[0].data_type == "s"
    voters = row[headings.index("Pemilih")]
    assert voters.data_type == "n" and isinstance(voters.value, int)
    required = row[headings.index("Polri dibutuhkan")]
    assert (required.value, required.data_type) == (0.5, "n")


def test_cells_that_a_spreadsheet_would_run_are_escaped(login, command_staff, picture):
    desa = picture["unguarded"].desa
    desa.name = '=HYPERLINK("http://evil.example","klik")'
    desa.save(update_fields=["name"])
    kecamatan = desa.kecamatan
    kecamatan.name = "+Mojoroto"
    kecamatan.save(update_fields=["name"])
    client = login(command_staff)

    rows = _csv_rows(client.get("/export/gaps/", {"format": "csv"}))
    book = load_workbook(io.BytesIO(client.get("/export/gaps/").content)).active

    _, excel = _excel_rows(client.get("/export/gaps/", {"format": "csv-excel"}))
    assert rows[1][2] == excel[1][2] == "'+Mojoroto"
    assert rows[1][3] == excel[1][3] == '\'=HYPERLINK("http://evil.example","klik")'
    texts = [c for row in book.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert texts and all(c.data_type == "s" for c in texts)  # text, never a formula


def test_escape_covers_every_formula_start():
    from opsboard.exports import escape_cell

    assert [escape_cell(v) for v in ("=1", "+1", "-1", "@x", "\tx", "\rx", "ok", 5)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]


def test_area_table_export_has_the_rows_shown(login, command_staff, picture):
    client = login(command_staff)

    top = _csv_rows(client.get("/export/areas/", {"format": "csv"}))
    desa = _csv_rows(client.get("/export/areas/", {"format": "csv", "kecamatan": "357101"}))
    tps = _csv_rows(
        client.get("/export/areas/", {"format": "csv", "kecamatan": "357101", "desa": "3571011001"})
    )

    assert [r[1] for r in top[1:]] == ["Mojoroto", "Pesantren"]
    assert top[1][3:7] == ["3", "1", "1", "1"]
    assert [r[1] for r in desa[1:]] == ["Bandar Lor"]
    assert [r[0] for r in tps[1:]] == ["3571011001006", "3571011001007", "3571011001008"]


def test_unknown_export_format_is_a_400(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/export/gaps/", {"format": "pdf"})

    assert response.status_code == 400
    assert "Format ekspor tidak dikenal: pdf" in response.content.decode()


def test_polsek_staff_export_their_kecamatan_only(login, polsek_staff_other, picture):
    client = login(polsek_staff_other)

    rows = _csv_rows(client.get("/export/areas/", {"format": "csv"}))

    assert [r[1] for r in rows[1:]] == ["Blabak"]


def test_export_before_the_first_snapshot_is_an_empty_table(login, command_staff, election_day):
    DesaFactory()
    client = login(command_staff)

    rows = _csv_rows(client.get("/export/gaps/", {"format": "csv"}))
    _, excel = _excel_rows(client.get("/export/gaps/", {"format": "csv-excel"}))

    assert len(rows) == len(excel) == 1  # the header alone
