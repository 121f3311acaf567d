"""Exports of the gap table and the area table: XLSX by default, CSV with BOM, no formulas."""

import csv
import io

from openpyxl import load_workbook

from tests.factories import DesaFactory


def _csv_rows(response) -> list[list[str]]:
    """The header and the data rows; the last line, who exported it and when, is left off
    (tests/hardening/test_export_stamps.py)."""
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    *rows, stamp = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    assert stamp[0].startswith("Diekspor oleh ")
    return rows


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

    assert rows[1][2] == "'+Mojoroto"
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","klik")'
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

    assert len(rows) == 1  # the header alone
