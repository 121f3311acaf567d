"""Reading and writing the spreadsheets of the admin's imports: XLSX and CSV, defensively.

Everything a hostile or broken file can do is stopped here, before any row is validated: a file
over the size limit is refused before it is opened; an XLSX is refused before openpyxl reads it
when its members would inflate past a limit (a zip bomb), when its shared strings (which openpyxl
loads whole before the first row) are too large, or when a worksheet declares more rows than the
import reads; a CSV that is not UTF-8 or not text is refused; rows are counted while they are
read and reading stops at the first row over the limit.

Cells that a spreadsheet would run as formulas (core.spreadsheets: = + - @, tab, carriage return)
are reported per cell, since their value is not what the admin sees, unless they are marked as
text: a leading apostrophe (CSV, and how the exports write them) or Excel's quote prefix (XLSX).
The files written here mark such cells the same way, so that an export re-imports unchanged.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheets import (
    FORMULA_STARTS,
    NEUTRALISER,
    csv_cell,
    formula_like,
    mark_xlsx_text,
    read_cell,
)

MAX_FILE_BYTES = settings.IMPORT_MAX_BYTES
# Python's zipfile stops inflating a member at its declared size (and then fails its CRC), so
# checking the declared sizes bounds what openpyxl can be made to inflate.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # for a member over 1 MB; real sheets compress 5 to 30 times
# openpyxl reads the shared strings whole before the first row: millions of them cost tens of
# seconds and hundreds of MB. The distinct strings of a Polda roster (156,000 rows: names,
# NRPs, phones) take about 15 MB.
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024
# Excel keeps formatted empty rows in a sheet's dimension and the reader skips them, so a sheet
# may declare more rows than it holds data; not more than this many times the row limit.
DIMENSION_SLACK = 2
MAX_ZIP_MEMBERS = 200
INTERACTIVE_ROW_LIMIT = 5_000
# A Polda's whole roster in one file, so that it is imported all-or-nothing: Polda Jawa Timur
# secured the Pilkada 2024 with 156,528 personnel.
BACKGROUND_ROW_LIMIT = 200_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(Exception):
    """The file as a whole cannot be imported; the message says why, in Indonesian."""


@dataclass
class SheetRow:
    line: int  # the row's number in the spreadsheet (the header is line 1)
    values: dict[str, object]
    # column → the character that makes its cell a formula to a spreadsheet ("=", "+", "\t"…)
    formulas: dict[str, str] = field(default_factory=dict)


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


def check_upload(content: bytes, *, row_limit: int) -> None:
    """What can be refused before a job is kept: the size and, for an XLSX, its zip directory
    and declared extent (openpyxl is not called). read_sheet checks the same again."""
    check_size(len(content))
    if content[:4] == b"PK\x03\x04":
        _check_archive(content, row_limit)


def read_sheet(content: bytes, file_name: str, *, columns: Sequence[str], row_limit: int) -> Sheet:
    """The rows of the first sheet (XLSX) or of the file (CSV) under the fixed headers."""
    check_size(len(content))
    if content[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(content, row_limit)
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
            if isinstance(value, str):
                # Most cells start with a letter or a digit: nothing to neutralise or refuse.
                if value and (value[0] in _MARKED_STARTS or value[0].isspace()):
                    value, start = _text(value)
                    if start:
                        row.formulas[column] = start
                value = value.strip()
            row.values[column] = value
        rows.append(row)
    return Sheet(columns=columns, rows=rows)


_MARKED_STARTS = frozenset((*FORMULA_STARTS, NEUTRALISER))


class QuotedText(str):
    """An XLSX string cell with Excel's quote prefix: text, whatever it starts with."""


def _text(value: str) -> tuple[str, str]:
    """(the cell's text, the character that would make it a formula, or "" when it is text)."""
    if isinstance(value, QuotedText):
        return str(value), ""
    text, neutralised = read_cell(value)
    if neutralised:
        return text, ""
    if formula_like(value):
        return value, value[0]
    stripped = value.lstrip()
    return value, stripped[0] if formula_like(stripped) else ""


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


def _xlsx_rows(content: bytes, row_limit: int) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    _check_archive(content, row_limit)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        worksheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SheetError(_("Berkas XLSX tidak dapat dibaca: %s") % exc) from exc
    return _xlsx_iter(workbook, worksheet)


def _check_archive(content: bytes, row_limit: int) -> None:
    """The zip directory and the first KB of each sheet, before openpyxl inflates anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(_("Berkas XLSX rusak atau bukan spreadsheet.")) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError(_("Berkas XLSX berisi terlalu banyak bagian; ditolak."))
    for member in members:
        if member.filename == "xl/sharedStrings.xml" and (
            member.file_size > MAX_SHARED_STRINGS_BYTES
        ):
            raise SheetError(
                _(
                    "Daftar teks berkas XLSX berukuran %(size)s MB saat dibuka (batas %(max)s "
                    "MB); berkas ditolak tanpa dibaca. Salin datanya ke buku kerja baru, atau "
                    "unggah CSV."
                )
                % {"size": _mb(member.file_size), "max": _mb(MAX_SHARED_STRINGS_BYTES)}
            )
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
    _check_declared_rows(archive, members, row_limit)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]{1,40})"')


def _check_declared_rows(archive: zipfile.ZipFile, members, row_limit: int) -> None:
    """A worksheet states its extent (<dimension ref="A1:I2000000"/>) before its rows: read the
    first few KB of each, not the sheet, and refuse one that declares far more than the limit."""
    for member in members:
        if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
            continue
        try:
            with archive.open(member) as stream:
                head = stream.read(4096)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise SheetError(_("Berkas XLSX rusak atau bukan spreadsheet.")) from exc
        found = _DIMENSION.search(head)
        numbers = re.findall(rb"\d+", found.group(1)) if found else []
        declared = max((int(n) for n in numbers), default=0)  # 40 characters at most
        if declared > row_limit * DIMENSION_SLACK + 1:
            raise SheetError(
                _(
                    "Lembar berkas XLSX menyatakan %(rows)s baris (%(ref)s), jauh di atas batas "
                    "%(limit)s baris data; berkas ditolak tanpa dibaca."
                )
                % {
                    "rows": thousands(declared),
                    "ref": found.group(1).decode("ascii", "replace"),
                    "limit": thousands(row_limit),
                }
            )


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
    if isinstance(value, str) and getattr(cell, "data_type", "") == "s" and _quoted(cell):
        return QuotedText(value)
    return value


def _quoted(cell) -> bool:
    try:
        return bool(cell.style_array.quotePrefix)
    except (AttributeError, IndexError):
        return False


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
    line = 1  # where the row starts: a quoted cell may hold line breaks
    try:
        for values in reader:
            yield line, values
            line = reader.line_num + 1
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
        mark_xlsx_text(cell)
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
                mark_xlsx_text(cell)  # and a name starting with "=" is text, not a formula
    sheet.freeze_panes = "A2"
    if notes:
        guide = workbook.create_sheet(_("Petunjuk"))
        guide.append([_("Kolom"), _("Isi")])
        for cell in guide[1]:
            cell.font = Font(bold=True)
        for column, text in notes:
            guide.append([column, text])
        for cells in guide.iter_rows():
            for cell in cells:
                mark_xlsx_text(cell)
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
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        # Text as text; numbers stay numbers (a latitude of -7.8 is not a formula).
        writer.writerow([csv_cell(v) if isinstance(v, str) else _csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H.%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
