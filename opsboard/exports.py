"""The gap table and the area table as XLSX (the default) or CSV, for the daily report.

Three formats (docs/dashboard.md, Exports):

- ``xlsx``: typed cells: counts and guards as numbers, fulfilment as a fraction formatted 0.0%,
  when coverage was computed as a date cell, codes and names as text.
- ``csv-excel``, the CSV for people: what Excel set to Indonesian opens in columns, with
  numbers it can sum: UTF-8 with a byte-order mark (else Excel reads the names of desa as
  cp1252), ``;`` between cells and a decimal comma (12,5), as its regional settings expect.
- ``csv``, the CSV for programs: comma-separated, decimal point, no byte-order mark.

A cell that starts with = + - @ (or a tab or carriage return) is a formula to a spreadsheet;
names come from the admin and from imports, so such cells are written as text, never as
formulas, by the one rule of core.spreadsheets (a leading apostrophe in both CSV, a
quote-prefixed string cell in XLSX).

Every export is a line in the audit log (audit.log), and the file says who exported it and
when: in XLSX among the notes above the table, in CSV as its last line (these tables are read,
never imported back), and in the file name.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit import log as audit
from core.formats import WIB
from core.spreadsheets import EXCEL_CSV_DELIMITER, csv_cell, excel_csv_cell, mark_xlsx_text
from deployments.coverage import FORCES
from deployments.models import Force
from opsboard.dashboard import Dashboard, tps_row

FORMATS = ("xlsx", "csv-excel", "csv")
EXTENSIONS = {"xlsx": "xlsx", "csv-excel": "csv", "csv": "csv"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_PERCENT = "0.0%"
XLSX_COUNT = "#,##0"  # 2.285 in Indonesian Excel, 2,285 in English
XLSX_DATETIME = "dd/mm/yyyy hh:mm"
escape_cell = csv_cell  # the one rule, core.spreadsheets, under the name tests know it by


class Percent(float):
    """A fulfilment as a fraction (0.955): 95.5 under a "(%)" heading in CSV, 0.955 shown as
    95,5% in XLSX, so that a spreadsheet computes with it as the fraction it is."""

    def as_csv(self) -> float:
        return round(self * 100, 1)


def _local(moment: datetime) -> datetime:
    """A spreadsheet date has no zone: the moment in WIB, which the heading names."""
    return moment.astimezone(WIB).replace(tzinfo=None)


@dataclass
class Table:
    title: str
    filename: str  # without the time, the user and the extension, which the export adds
    headers: list[str]
    rows: Iterable[list[Any]]
    notes: list[list[Any]]  # rows above the table: a text, or a label and its value
    row_count: int
    scope: dict[str, Any]  # for the audit log: the area, the phase and the filters
    # Further sheets of the XLSX (the area table's guarded objects); CSV has one table a file.
    more: list["Table"] = field(default_factory=list)


def _scope(dash: Dashboard) -> dict[str, Any]:
    return {
        "area": str(dash.area_label),
        "phase": dash.phase.code if dash.phase else None,
        "filters": dict(dash.params),
    }


def _notes(dash: Dashboard) -> list[list[Any]]:
    snapshot = dash.snapshot
    computed: list[Any] = [_("Cakupan dihitung (WIB):")]
    if snapshot is not None:
        computed.append(_local(snapshot.computed_at))
        if dash.stale:
            computed.append(_("usang"))
    else:
        computed.append("-")
    notes = [
        [_("Wilayah: %(area)s") % {"area": dash.area_label}],
        [_("Tahapan: %(phase)s") % {"phase": dash.phase or "-"}],
        computed,
    ]
    if dash.filters.get("kerawanan") or dash.filters.get("status"):
        notes.append([_("Filter: %(query)s") % {"query": dash.query.lstrip("?")}])
    return notes


def gap_table(dash: Dashboard) -> Table:
    """Every short and unguarded TPS in the dashboard's filters and order (no pages)."""
    headers = [
        _("Kode TPS"),
        _("TPS"),
        _("Kecamatan"),
        _("Desa/kelurahan"),
        _("Kerawanan"),
        _("Status"),
        _("Pemilih"),
    ]
    for force in FORCES:
        label = Force(force).label
        headers += [
            _("%(force)s dibutuhkan") % {"force": label},
            _("%(force)s ditugaskan") % {"force": label},
            _("%(force)s kurang") % {"force": label},
        ]
    sort = dash.filters.get("sort") or "kekurangan"

    def rows() -> Iterator[list[Any]]:
        if dash.snapshot is None:
            return
        for row in dash.gap_rows(sort).iterator(2000):
            data = tps_row(row)
            line = [
                data["code"],
                data["name"],
                data["kecamatan"],
                data["desa"],
                str(data["kerawanan_label"]),
                str(data["status_label"]),
                data["voters"],
            ]
            lacks = {lack["code"]: lack["amount"] for lack in data["lacks"]}
            for force in data["forces"]:
                line += [
                    round(force["required"], 3),
                    round(force["assigned"], 3),
                    round(lacks.get(force["code"], 0.0), 3),
                ]
            yield line

    return Table(
        title=_("TPS belum terpenuhi"),
        filename="opsboard-kekurangan",
        headers=headers,
        rows=rows(),
        notes=_notes(dash),
        # One COUNT for the audit log: the rows themselves are streamed, never held.
        row_count=dash.gap_rows(sort).count() if dash.snapshot is not None else 0,
        scope=_scope(dash),
    )


def area_table(dash: Dashboard) -> Table:
    """The area table as shown: kecamatan with their Polsek, desa of a kecamatan, or TPS."""
    level = dash.area_level
    if level == "tps":
        return _tps_area_table(dash)
    headers = [_("Kode"), _("Kecamatan") if level == "kecamatan" else _("Desa/kelurahan")]
    if level == "kecamatan":
        headers.append(_("Polsek"))
    headers += [_("TPS"), _("Terpenuhi"), _("Kurang"), _("Tanpa penjaga")]
    for force in FORCES:
        label = Force(force).label
        headers += [
            _("%(force)s dibutuhkan") % {"force": label},
            _("%(force)s ditugaskan") % {"force": label},
            _("Pemenuhan %(force)s (%%)") % {"force": label},
        ]
    rows = []
    for row in dash.areas:
        line = [row["code"], row["name"]]
        if level == "kecamatan":
            line.append(row.get("polsek", ""))
        line += [row["tps_total"], row["covered"], row["short"], row["unguarded"]]
        for force in row["forces"]:
            fulfilment = force["fulfilment"]
            line += [
                round(force["required"], 3),
                round(force["assigned"], 3),
                Percent(fulfilment) if fulfilment is not None else None,
            ]
        rows.append(line)
    return Table(
        title=_("Cakupan per wilayah"),
        filename="opsboard-wilayah",
        headers=headers,
        rows=rows,
        notes=_notes(dash),
        row_count=len(rows),
        scope=_scope(dash),
    )


def _tps_area_table(dash: Dashboard) -> Table:
    headers = [_("Kode TPS"), _("TPS"), _("Kerawanan"), _("Status"), _("Pemilih")]
    for force in FORCES:
        label = Force(force).label
        headers += [
            _("%(force)s dibutuhkan") % {"force": label},
            _("%(force)s ditugaskan") % {"force": label},
        ]
    rows = []
    for row in dash.areas:
        line = [
            row["code"],
            row["name"],
            str(row["kerawanan_label"]),
            str(row["status_label"]),
            row["voters"],
        ]
        for force in row["forces"]:
            line += [round(force["required"], 3), round(force["assigned"], 3)]
        rows.append(line)
    return Table(
        title=_("Cakupan per TPS"),
        filename="opsboard-tps",
        headers=headers,
        rows=rows,
        notes=_notes(dash),
        row_count=len(rows),
        scope=_scope(dash),
    )


def response(request: HttpRequest, table: Table, fmt: str) -> HttpResponse:
    """The file, once its export is in the audit log; the file carries the same stamp."""
    stamp = audit.export_stamp(request)
    filename = f"{table.filename}-{stamp.file_part}.{EXTENSIONS[fmt]}"
    audit.record_export(
        request,
        stamp,
        detail={"file": filename, "format": fmt, "rows": table.row_count, **table.scope},
    )
    if fmt == "csv":
        return csv_response(table, stamp, filename)
    if fmt == "csv-excel":
        return csv_response(table, stamp, filename, excel=True)
    return xlsx_response(table, stamp, filename)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _machine_cell(value: Any) -> Any:
    return csv_cell(value.as_csv() if isinstance(value, Percent) else value)


def _excel_cell(value: Any) -> Any:
    return excel_csv_cell(value.as_csv() if isinstance(value, Percent) else value)


def csv_response(
    table: Table, stamp: audit.Stamp, filename: str, *, excel: bool = False
) -> StreamingHttpResponse:
    """Streamed: the whole gap table of a Polda-sized operation never sits in memory. The stamp
    is the last line, where a reader finds it and the header stays the first line. ``excel``:
    the dialect of Excel set to Indonesian (byte-order mark, ";", decimal comma)."""
    writer = csv.writer(_Echo(), delimiter=EXCEL_CSV_DELIMITER if excel else ",")
    cell: Callable[[Any], Any] = _excel_cell if excel else _machine_cell

    def lines() -> Iterator[bytes]:
        if excel:
            yield "\ufeff".encode()
        yield writer.writerow([cell(h) for h in table.headers]).encode()
        for row in table.rows:
            yield writer.writerow([cell(value) for value in row]).encode()
        yield writer.writerow([cell(stamp.exported)]).encode()

    out = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    out["Cache-Control"] = "private, no-store"
    return out


def xlsx_response(table: Table, stamp: audit.Stamp, filename: str) -> HttpResponse:
    book = Workbook(write_only=False)
    _xlsx_sheet(book.active, table, stamp)
    for more in table.more:
        _xlsx_sheet(book.create_sheet(), more, stamp)
    buffer = io.BytesIO()
    book.save(buffer)
    out = HttpResponse(buffer.getvalue(), content_type=XLSX)
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    out["Cache-Control"] = "private, no-store"
    return out


def _xlsx_sheet(sheet, table: Table, stamp: audit.Stamp) -> None:
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for note in [*table.notes, [stamp.exported, _local(stamp.at)]]:
        sheet.append(note)
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(list(table.headers))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(h)) for h in table.headers]
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Percent) else v for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(len(str(value)), 40))
            cell = sheet.cell(row=sheet.max_row, column=i + 1)
            if isinstance(value, Percent):
                cell.number_format = XLSX_PERCENT
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = XLSX_COUNT
    # openpyxl takes a text starting with "=" for a formula; every text cell is text.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATETIME
            mark_xlsx_text(cell)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 42)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
