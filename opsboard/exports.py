"""The gap table and the area table as XLSX (the default) or CSV, for the daily report.

CSV is UTF-8 with a byte-order mark, so that Excel opens the names of desa right. A cell that
starts with = + - @ (or a tab or carriage return) is a formula to a spreadsheet; names come from
the admin and from imports, so such cells are written with a leading apostrophe in CSV and as
plain text, never as formulas, in XLSX (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from deployments.coverage import FORCES
from deployments.models import Force
from opsboard.dashboard import Dashboard, tps_row

FORMATS = ("xlsx", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    title: str
    filename: str
    headers: list[str]
    rows: Iterable[list[Any]]
    notes: list[str]


def _notes(dash: Dashboard) -> list[str]:
    snapshot = dash.snapshot
    computed = (
        timezone.localtime(snapshot.computed_at).strftime("%d/%m/%Y %H.%M WIB") if snapshot else "-"
    )
    notes = [
        _("Wilayah: %(area)s") % {"area": dash.area_label},
        _("Tahapan: %(phase)s") % {"phase": dash.phase or "-"},
        _("Cakupan dihitung: %(at)s%(stale)s")
        % {"at": computed, "stale": _(" (usang)") if dash.stale else ""},
    ]
    if dash.filters.get("kerawanan") or dash.filters.get("status"):
        notes.append(_("Filter: %(query)s") % {"query": dash.query.lstrip("?")})
    return notes


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


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

    def rows() -> Iterator[list[Any]]:
        if dash.snapshot is None:
            return
        for row in dash.gap_rows(dash.filters.get("sort") or "kekurangan").iterator(2000):
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
        filename=f"opsboard-kekurangan-{_stamp()}",
        headers=headers,
        rows=rows(),
        notes=_notes(dash),
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
                round(fulfilment * 100, 1) if fulfilment is not None else "",
            ]
        rows.append(line)
    return Table(
        title=_("Cakupan per wilayah"),
        filename=f"opsboard-wilayah-{_stamp()}",
        headers=headers,
        rows=rows,
        notes=_notes(dash),
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
        filename=f"opsboard-tps-{_stamp()}",
        headers=headers,
        rows=rows,
        notes=_notes(dash),
    )


def response(table: Table, fmt: str) -> HttpResponse:
    if fmt == "csv":
        return csv_response(table)
    return xlsx_response(table)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(table: Table) -> StreamingHttpResponse:
    """Streamed: the whole gap table of a Polda-sized operation never sits in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[bytes]:
        yield "\ufeff".encode()
        yield writer.writerow([escape_cell(h) for h in table.headers]).encode()
        for row in table.rows:
            yield writer.writerow([escape_cell(cell) for cell in row]).encode()

    out = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{table.filename}.csv"'
    out["Cache-Control"] = "private, no-store"
    return out


def xlsx_response(table: Table) -> HttpResponse:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for note in table.notes:
        sheet.append([note])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(list(table.headers))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(h)) for h in table.headers]
    for row in table.rows:
        sheet.append(row)
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], min(len(str(cell)), 40))
    # openpyxl takes a text starting with "=" for a formula; every text cell is text.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 42)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    out = HttpResponse(buffer.getvalue(), content_type=XLSX)
    out["Content-Disposition"] = f'attachment; filename="{table.filename}.xlsx"'
    out["Cache-Control"] = "private, no-store"
    return out
