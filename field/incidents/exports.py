"""The incident log as XLSX (default) or CSV: one row per incident, with its response clock.

The same three formats as the dashboard's exports (docs/dashboard.md): ``xlsx`` with typed
cells, ``csv-excel`` for Excel set to Indonesian (byte-order mark, ``;``, decimal comma), ``csv``
for programs. Text is never a formula (core.spreadsheets: titles, notes and reasons are typed
by people). The export is a line of the audit log, and the file says who made it and when.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from audit import log as audit
from core.formats import WIB
from core.spreadsheets import EXCEL_CSV_DELIMITER, csv_cell, excel_csv_cell, mark_xlsx_text
from field.incidents.models import Incident

FORMATS = ("xlsx", "csv-excel", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"


def headers() -> list[str]:
    return [
        _("Nomor"),
        _("Ringkasan"),
        _("Golongan"),
        _("Tingkat"),
        _("Status"),
        _("Kecamatan"),
        _("Tempat"),
        _("Dilaporkan (WIB)"),
        _("Diverifikasi (WIB)"),
        _("Unit dikirim (WIB)"),
        _("Unit tiba (WIB)"),
        _("Selesai (WIB)"),
        _("Menit ke verifikasi"),
        _("Menit ke pengiriman"),
        _("Menit ke tiba"),
        _("Menit ke selesai"),
        _("Yang dikirim"),
        _("Hasil penanganan"),
        _("Alasan ditutup"),
        _("Duplikat dari"),
        _("Jumlah laporan"),
    ]


def _local(moment: datetime | None) -> datetime | None:
    """A spreadsheet date has no zone: the moment in WIB, which the heading names."""
    return None if moment is None else moment.astimezone(WIB).replace(tzinfo=None)


def row(incident: Incident) -> list[Any]:
    responders = ", ".join(p.name for p in incident.responders.all())
    sent = "; ".join(part for part in (incident.dispatch_note, responders) if part)
    return [
        incident.number,
        incident.title,
        incident.get_incident_class_display(),
        incident.get_severity_display(),
        incident.get_state_display(),
        incident.kecamatan.name if incident.kecamatan_id else "",
        incident.place_label,
        _local(incident.reported_at),
        _local(incident.verified_at),
        _local(incident.dispatched_at),
        _local(incident.arrived_at),
        _local(incident.resolved_at),
        incident.minutes_to_verify,
        incident.minutes_to_dispatch,
        incident.minutes_to_arrive,
        incident.minutes_to_resolve,
        sent,
        incident.resolution,
        incident.close_reason,
        incident.duplicate_of.number if incident.duplicate_of_id else "",
        len(incident.links.all()),
    ]


def response(request: HttpRequest, incidents, fmt: str) -> HttpResponse:
    stamp = audit.export_stamp(request)
    rows = [row(incident) for incident in incidents]
    filename = f"kejadian-{stamp.file_part}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    audit.record_export(request, stamp, detail={"file": filename, "format": fmt, "rows": len(rows)})
    if fmt == "xlsx":
        return _xlsx(rows, stamp, filename)
    return _csv(rows, stamp, filename, excel=fmt == "csv-excel")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any, *, excel: bool) -> Any:
    if isinstance(value, datetime):
        value = value.strftime("%d/%m/%Y %H:%M" if excel else "%Y-%m-%dT%H:%M:%S")
    if value is None:
        return ""
    return excel_csv_cell(value) if excel else csv_cell(value)


def _csv(rows, stamp, filename: str, *, excel: bool) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=EXCEL_CSV_DELIMITER if excel else ",")

    def lines() -> Iterator[bytes]:
        if excel:
            yield "\ufeff".encode()
        yield writer.writerow([_csv_value(h, excel=excel) for h in headers()]).encode()
        for values in rows:
            yield writer.writerow([_csv_value(v, excel=excel) for v in values]).encode()
        yield writer.writerow([_csv_value(stamp.exported, excel=excel)]).encode()

    out = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    out["Cache-Control"] = "private, no-store"
    return out


def _xlsx(rows, stamp, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Kejadian")[:31]
    sheet.append([_("Log kejadian")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([stamp.exported])
    sheet.append([])
    sheet.append(headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
    sheet.freeze_panes = f"A{header_row + 1}"
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATETIME
            mark_xlsx_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    out = HttpResponse(buffer.getvalue(), content_type=XLSX)
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    out["Cache-Control"] = "private, no-store"
    return out
