"""The KPU's official turnout per TPS, imported from XLSX or CSV (issue #19): all or nothing.

The import registry of deployments (deployments.imports.kinds) cannot reach the field app, and
a lower app never imports a higher one; so this import lives here and reads its file with the
shared, defensive parsing of deployments.imports (size and zip limits, fixed Indonesian headers,
formula cells refused, cells read by cells.py). Every row is checked before any is written;
one error and nothing is, and the page lists every error with its row and column.

Rows become TurnoutReport rows of source `kpu`, bounded like the officers' figures (the DPT
and its additions at import time copied onto the row); a later import supersedes in reads."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from deployments.imports.cells import CellError, cell_code, cell_int, cell_text, chunks
from deployments.imports.sheets import INTERACTIVE_ROW_LIMIT, SheetError, read_sheet
from field.turnout.models import TurnoutReport
from field.turnout.services import _bound_error, turnout_max_voters
from tps.models import TPS

COLUMNS = ("Kode Desa", "No. TPS", "Pengguna Hak Pilih")
VOTERS_MAX = 100_000  # far above any TPS (a few hundred voters); past it the cell is not a count


@dataclass
class KpuImport:
    """What a file would write (or wrote): the rows read, their errors, how many written."""

    rows: int = 0
    written: int = 0
    errors: list[dict] = field(default_factory=list)  # {line, name, column, message}

    @property
    def ok(self) -> bool:
        return not self.errors


def _name(values: dict) -> str:
    number = cell_text(values["No. TPS"])
    number = number.zfill(3) if number.isdigit() else number
    return " ".join(p for p in (_("TPS"), number, cell_code(values["Kode Desa"])) if p)


def turnout_kpu_import(*, content: bytes, file_name: str, by, apply: bool) -> KpuImport:
    """Check the file (apply=False: nothing written) or check and write it in one transaction.
    A file that cannot be read raises ValidationError with the sheet's message."""
    try:
        sheet = read_sheet(content, file_name, columns=COLUMNS, row_limit=INTERACTIVE_ROW_LIMIT)
    except SheetError as exc:
        raise ValidationError(str(exc)) from exc
    result = KpuImport(rows=len(sheet.rows))
    codes = sorted({cell_code(r.values["Kode Desa"]) for r in sheet.rows})
    stations: dict[tuple[str, int], TPS] = {}
    for chunk in chunks(codes):
        for tps in (
            TPS.objects.filter(desa__code__in=chunk)
            .select_related("desa")
            .only("pk", "number", "registered_voters", "desa__code")
        ):
            stations[(tps.desa.code, tps.number)] = tps
    seen: dict[int, int] = {}  # TPS id → first line
    lines_of: dict[int, list[int]] = defaultdict(list)
    reports: list[TurnoutReport] = []
    at = clock.now()

    def error(row, column: str, message: str) -> None:
        result.errors.append(
            {"line": row.line, "name": _name(row.values), "column": column, "message": message}
        )

    for row in sheet.rows:
        before = len(result.errors)
        for column in row.formulas:
            error(
                row, column, _("Sel berisi rumus (%s). Tempel sebagai nilai.") % row.values[column]
            )
        if len(result.errors) > before:
            continue
        code = cell_code(row.values["Kode Desa"])
        try:
            number = cell_int(row.values["No. TPS"], low=1, high=999, strip_prefix="TPS")
        except CellError as exc:
            error(row, "No. TPS", str(exc))
            number = None
        try:
            voters = cell_int(row.values["Pengguna Hak Pilih"], low=0, high=VOTERS_MAX)
        except CellError as exc:
            error(row, "Pengguna Hak Pilih", str(exc))
            voters = None
        tps = stations.get((code, number)) if number is not None else None
        if number is not None and tps is None:
            error(
                row,
                "No. TPS",
                _("TPS %(n)03d di desa %(code)s tidak terdaftar.")
                % {"n": number, "code": code or _("kosong")},
            )
        if tps is None or voters is None:
            continue
        lines_of[tps.pk].append(row.line)
        if tps.pk in seen:
            error(row, "", _("Duplikat baris %(line)s (TPS sama).") % {"line": seen[tps.pk]})
            continue
        seen[tps.pk] = row.line
        max_voters = turnout_max_voters(tps.registered_voters)
        if voters > max_voters:
            error(row, "Pengguna Hak Pilih", _bound_error(voters, max_voters).messages[0])
            continue
        reports.append(
            TurnoutReport(
                tps=tps,
                source=TurnoutReport.Source.KPU,
                voters_used=voters,
                dpt=tps.registered_voters,
                max_voters=max_voters,
                reported_by=by,
                reported_at=at,
            )
        )
    # A duplicate is an error of both rows: which of the two is right is for the admin to say.
    for lines in lines_of.values():
        if len(lines) > 1:
            first = next(r for r in sheet.rows if r.line == lines[0])
            error(first, "", _("Duplikat baris %(line)s (TPS sama).") % {"line": lines[1]})
    result.errors.sort(key=lambda e: e["line"])
    if not result.ok or not apply:
        return result
    try:
        with transaction.atomic():
            TurnoutReport.objects.bulk_create(reports, batch_size=2_000)
    except (IntegrityError, DatabaseError) as exc:
        # The database's constraints are the last line (a DPT edited meanwhile): nothing stays.
        raise ValidationError(_("Kesalahan basis data: %s") % exc) from exc
    result.written = len(reports)
    return result
