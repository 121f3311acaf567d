"""Reading and writing the spreadsheets of the admin's imports: XLSX and CSV, defensively.

Everything a hostile or broken file can do is stopped here, before any row is validated: a file
over the size limit is refused before it is opened; an XLSX whose members would inflate past a
limit (a zip bomb) is refused before openpyxl reads it; a CSV that is not UTF-8 or not text is
refused; rows are counted while they are read and reading stops at the first row over the limit.
Cells that start with "=" (formulas) are reported per cell, since their value is not what the
admin sees.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

MAX_FILE_BYTES = settings.IMPORT_MAX_BYTES
# Python's zipfile stops inflating a member at its declared size (and then fails its CRC), so
# checking the declared sizes bounds what openpyxl can be made to inflate.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 200
INTERACTIVE_ROW_LIMIT = 5_000
BACKGROUND_ROW_LIMIT = 50_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(Exception):
    """The file as a whole cannot be imported; the message says why, in Indonesian."""


@dataclass
class SheetRow:
    line: int  # the row's number in the spreadsheet (the header is line 1)
    values: dict[str, object]
    formulas: list[str] = field(default_factory=list)  # columns whose cell held a formula


@dataclass
class Sheet:
    columns: tuple[str, ...]
    rows: list[SheetRow]


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise SheetError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB.")
            % {"size": _mb(size), "max": _mb(MAX_FILE_BYTES)}
        )
    if size == 0:
        raise SheetError(_("Berkas kosong."))


def read_sheet(content: bytes, file_name: str, *, columns: Sequence[str], row_limit: int) -> Sheet:
    """The rows of the first sheet (XLSX) or of the file (CSV) under the fixed headers."""
    check_size(len(content))
    if content[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(content)
    elif content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SheetError(
            _("Format .xls (Excel 97–2003) tidak didukung. Simpan ulang sebagai .xlsx atau CSV.")
        )
    elif file_name.lower().endswith(".xlsx"):
        raise SheetError(_("Berkas bukan XLSX yang sah (mungkin rusak atau berganti nama)."))
    else:
        raw_rows = _csv_rows(content)
    return _collect(raw_rows, tuple(columns), row_limit)


def _collect(raw_rows: Iterator[tuple[int, list]], columns: tuple[str, ...], limit: int) -> Sheet:
    header = None
    for line, values in raw_rows:
        if any(_blank(v) is False for v in values):
            header = (line, values)
            break
    if header is None:
        raise SheetError(_("Berkas tidak berisi baris judul kolom maupun data."))
    index = _header_index(header[1], columns)
    rows: list[SheetRow] = []
    for line, values in raw_rows:
        cells = {column: (values[i] if i < len(values) else None) for column, i in index.items()}
        if all(_blank(v) for v in cells.values()):
            continue  # Excel keeps formatted empty rows; they are not data
        if len(rows) == limit:
            raise SheetError(_too_many_rows(limit, line))
        row = SheetRow(line=line, values={})
        for column, value in cells.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                row.formulas.append(column)
            row.values[column] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return Sheet(columns=columns, rows=rows)


def _too_many_rows(limit: int, line: int) -> str:
    if limit < BACKGROUND_ROW_LIMIT:
        return _(
            "Berkas berisi lebih dari %(limit)s baris data (terbaca sampai baris %(line)s). "
            "Centang proses di latar belakang (hingga %(max)s baris), atau bagi berkasnya."
        ) % {
            "limit": thousands(limit),
            "line": thousands(line),
            "max": thousands(BACKGROUND_ROW_LIMIT),
        }
    return _("Berkas berisi lebih dari %(limit)s baris data; bagi menjadi beberapa berkas.") % {
        "limit": thousands(limit)
    }


def thousands(n: int) -> str:
    """2285 → "2.285", as Indonesian writes it."""
    return f"{n:,}".replace(",", ".")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_index(values: list, columns: tuple[str, ...]) -> dict[str, int]:
    wanted = {c.casefold(): c for c in columns}
    index: dict[str, int] = {}
    unknown: list[str] = []
    for i, value in enumerate(values):
        if _blank(value):
            continue
        name = " ".join(str(value).split())
        column = wanted.get(name.casefold())
        if column is None:
            unknown.append(name)
        elif column in index:
            raise SheetError(_("Kolom %(col)s muncul dua kali.") % {"col": column})
        else:
            index[column] = i
    missing = [c for c in columns if c not in index]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("kolom tidak ada: %s") % ", ".join(missing))
        if unknown:
            parts.append(_("kolom tidak dikenal: %s") % ", ".join(unknown))
        raise SheetError(
            _("Judul kolom tidak sesuai template (%(what)s). Kolom yang diharapkan: %(cols)s.")
            % {"what": "; ".join(parts), "cols": ", ".join(columns)}
        )
    return index


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(_("Berkas XLSX rusak atau bukan spreadsheet.")) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError(_("Berkas XLSX berisi terlalu banyak bagian; ditolak."))
    total = sum(member.file_size for member in members)
    worst = max(
        (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1024 * 1024),
        default=0,
    )
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO:
        raise SheetError(
            _(
                "Isi berkas XLSX akan membengkak menjadi %(size)s MB saat dibuka (batas %(max)s "
                "MB); berkas ditolak tanpa dibaca."
            )
            % {"size": _mb(total), "max": _mb(MAX_UNCOMPRESSED_BYTES)}
        )
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise SheetError(_("Berkas ZIP ini bukan buku kerja Excel (.xlsx)."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        worksheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SheetError(_("Berkas XLSX tidak dapat dibaca: %s") % exc) from exc
    return _xlsx_iter(workbook, worksheet)


def _xlsx_iter(workbook, worksheet) -> Iterator[tuple[int, list]]:
    try:
        for line, cells in enumerate(worksheet.iter_rows(), start=1):
            yield line, [_xlsx_value(cell) for cell in cells]
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(_("Berkas XLSX tidak dapat dibaca: %s") % exc) from exc
    finally:
        workbook.close()


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    # A date-only cell comes back as a datetime at midnight; its number format tells the two
    # apart, and "Selesai 28/11/2024" (the whole day) must not become 28/11 00.00.
    if isinstance(value, datetime) and "h" not in (getattr(cell, "number_format", "") or ""):
        return value.date()
    return value


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    if b"\x00" in content[:4096]:
        raise SheetError(_("Berkas ini bukan CSV maupun XLSX (berisi data biner)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            _(
                "Berkas CSV bukan UTF-8 (baris sekitar bita %(pos)s). Di Excel pilih Simpan "
                'Sebagai → "CSV UTF-8 (Comma delimited)", atau unggah .xlsx.'
            )
            % {"pos": thousands(exc.start)}
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings separates with ";".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _csv_iter(reader)


def _csv_iter(reader) -> Iterator[tuple[int, list]]:
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise SheetError(_("Berkas CSV tidak dapat dibaca: %s") % exc) from exc


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


# Writing


def xlsx_bytes(
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    title: str,
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One sheet of data under the fixed headers, and an optional sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(
            12, len(column) + 4
        )
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, str):
                cell.number_format = "@"  # codes and NRPs stay text, leading zeros and all
    sheet.freeze_panes = "A2"
    if notes:
        guide = workbook.create_sheet(_("Petunjuk"))
        guide.append([_("Kolom"), _("Isi")])
        for cell in guide[1]:
            cell.font = Font(bold=True)
        for column, text in notes:
            guide.append([column, text])
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # written in WIB; Excel has no time zones
    return value


def csv_bytes(columns: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """UTF-8 with a BOM so that Excel opens it as UTF-8; dates as dd/mm/yyyy HH.MM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H.%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
