"""Import and export of personnel, TPS and assignments from XLSX and CSV (django-import-export).

One fixed set of Indonesian column headers per kind, declared once on its Resource and shared by
the import, the export and the downloadable template, so that an exported roster re-imports
unchanged. Natural keys: personnel (force, identifier), TPS (desa code, number), assignment
(force, identifier, phase, start; the phase is the one its start falls in).

Flow: the upload becomes an ImportJob row → import_job_validate runs the whole file as a dry run
inside a transaction that is rolled back, and stores a preview (new / changed / unchanged rows,
every row error with its line and reason) → an admin confirms → import_job_apply runs it again
for real in one transaction. All-or-nothing: one bad row and nothing is written. Rows are saved
one by one through the model (clean(), the signals that recompute coverage, the history with the
importing user), never with bulk writes that would skip them.

An assignment that covers several TPS (a Polri pair over 4 TPS) is one row per TPS in the sheet,
as in a Sprin annex; rows with the same natural key are merged into one assignment.
"""

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import ClassVar

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, connections
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from deployments.coverage import coverage_inputs_changed
from deployments.models import (
    Assignment,
    Force,
    ImportJob,
    Personnel,
    Phase,
    Post,
    PostKind,
    Sprin,
    Unit,
)
from deployments.phases import WIB
from deployments.ranks import RANKS_BY_FORCE
from deployments.selectors import current_operation
from deployments.sheets import (
    BACKGROUND_ROW_LIMIT,
    INTERACTIVE_ROW_LIMIT,
    Sheet,
    SheetError,
    check_size,
    csv_bytes,
    read_sheet,
    thousands,
    xlsx_bytes,
)
from tps.geo import PointCheck
from tps.models import TPS, Desa, Kecamatan, Kerawanan

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 500  # rows listed in the preview; counts and errors cover the whole file
CHUNK = 2_000  # ids per IN (…) query: SQLite caps the parameters of one statement
PROGRESS_EVERY = 250


class CellError(ValueError):
    """A cell's value cannot be read; the message names what is expected."""


# Cells


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _code(value) -> str:
    """Kemendagri codes as digits: 3571011001, "35.71.01.1001" and a numeric cell alike."""
    return _text(value).replace(".", "").replace(" ", "")


def _int(value, *, low: int, high: int, strip_prefix: str = "") -> int:
    text = _text(value)
    if strip_prefix and text.upper().startswith(strip_prefix):
        text = text[len(strip_prefix) :].strip()
    # isdigit() alone passes "²", which int() refuses; and int() refuses thousands of digits,
    # which no bound here needs to read.
    if not (text.isascii() and text.isdigit()):
        raise CellError(_("Bukan bilangan bulat: %s.") % (text or _("kosong")))
    if len(text.lstrip("0")) > len(str(high)):
        raise CellError(
            _("%(n)s di luar batas %(low)s–%(high)s.") % {"n": text, "low": low, "high": high}
        )
    number = int(text)
    if not low <= number <= high:
        raise CellError(
            _("%(n)s di luar batas %(low)s–%(high)s.") % {"n": number, "low": low, "high": high}
        )
    return number


def _decimal(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Indonesian decimal comma
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(_("Bukan angka: %s.") % (text or _("kosong"))) from exc
    if not number.is_finite():
        raise CellError(_("Bukan angka: %s.") % value)
    try:
        return number.quantize(Decimal("0.000001"))
    except InvalidOperation as exc:  # more digits than a Decimal holds: 1e40, 5,000 nines
        raise CellError(_("Angka terlalu besar: %s.") % _text(value)) from exc


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_TIME_FORMATS = ("%H.%M", "%H:%M", "%H:%M:%S", "%H.%M.%S")


def parse_date(value) -> date:
    """An Excel date cell, dd/mm/yyyy or yyyy-mm-dd; anything else is refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        _("Tanggal tidak dikenali: %s. Tulis dd/mm/yyyy atau yyyy-mm-dd.") % (text or _("kosong"))
    )


def parse_moment(value, *, end: bool = False) -> datetime:
    """A time in WIB. A date alone means the start of that day, or for an end its close."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=WIB) if value.tzinfo is None else value.astimezone(WIB)
    if isinstance(value, date):
        return _day_bound(value, end)
    text = _text(value)
    day_text, _sep, time_text = text.partition(" ")
    day = parse_date(day_text)
    if not time_text:
        return _day_bound(day, end)
    for pattern in _TIME_FORMATS:
        try:
            clock = datetime.strptime(time_text.removesuffix(" WIB").strip(), pattern).time()
        except ValueError:
            continue
        return datetime.combine(day, clock, tzinfo=WIB)
    raise CellError(_("Jam tidak dikenali: %s. Tulis mis. 26/11/2024 13.00.") % text)


def _day_bound(day: date, end: bool) -> datetime:
    if end and day == date.max:  # the close of 31/12/9999 is past the last day Python knows
        raise CellError(_("Tanggal di luar jangkauan: %s.") % day.strftime("%d/%m/%Y"))
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=WIB)


def _choice(value, choices, column: str) -> str:
    text = _text(value).casefold()
    for code, label in choices.choices:
        if text in (code.casefold(), str(label).casefold()):
            return code
    raise CellError(
        _("%(col)s tidak dikenal: %(value)s. Pilihan: %(options)s.")
        % {
            "col": column,
            "value": _text(value) or _("kosong"),
            "options": ", ".join(str(label) for _code, label in choices.choices),
        }
    )


_YES = {"ya", "y", "1", "true", "aktif", "benar"}
_NO = {"tidak", "t", "0", "false", "nonaktif", "salah"}


def _yes_no(value, *, default: bool) -> bool:
    text = _text(value).casefold()
    if text == "":
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(_("Tulis Ya atau Tidak, bukan %s.") % _text(value))


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, WIB)


def _show(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H.%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    return str(value)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Resources


@dataclass
class RowReport:
    """What the preview shows about one row (or one assignment merged from several rows)."""

    lines: list[int]
    kind: str = ""  # new, update, skip, invalid, error
    label: str = ""
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


class SheetResource(resources.ModelResource):
    """A resource whose rows are read by hand, so that every problem has an Indonesian message
    naming its column, and whose natural keys are looked up in memory, not row by row."""

    columns: ClassVar[tuple[str, ...]]
    field_columns: ClassVar[dict[str, str]]  # model field → column, for errors from clean()
    # Foreign keys are resolved from rows the import has just read; Field.validate would query
    # each again. Constraints are checked by clean() in Indonesian and by the database anyway.
    clean_exclude: ClassVar[tuple[str, ...]] = ()
    notes_help: ClassVar[tuple[tuple[str, str], ...]] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        use_transactions = True
        clean_model_instances = True

    def __init__(
        self,
        *,
        user=None,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self.user = user
        self.reason = reason
        self.progress = progress
        self.reports: list[RowReport] = [RowReport(lines=[])]  # index = dataset row number
        self.existing: dict[tuple, object] = {}
        self.before: dict[int, dict[str, object]] = {}  # id(instance) → signature before
        self.row_number = 0

    # Reading the sheet into a dataset

    def prepare(self, sheet: Sheet) -> tuple[tablib.Dataset, list[RowReport]]:
        """The dataset import_data reads, and the rows refused before any is validated
        (formulas, duplicates). Merging of several rows into one record happens here."""
        refused: list[RowReport] = []
        groups: dict[tuple, list] = {}
        order: list[tuple] = []
        for row in sheet.rows:
            if row.formulas:
                refused.append(
                    RowReport(
                        lines=[row.line],
                        kind="invalid",
                        errors=[
                            (column, _("Sel berisi rumus (%s). Tempel sebagai nilai.") % value)
                            for column in row.formulas
                            for value in [row.values[column]]
                        ],
                    )
                )
                continue
            key = self.row_key(row.values)
            if key is None:
                key = ("line", row.line)  # unreadable key: let validation say why
            if key in groups:
                problem = self.merge(groups[key], row)
                if problem:
                    refused.append(
                        RowReport(lines=[row.line], kind="invalid", errors=[("", problem)])
                    )
                continue
            groups[key] = [row]
            order.append(key)
        dataset = tablib.Dataset(headers=list(self.columns))
        for key in order:
            rows = groups[key]
            dataset.append([self.merged_value(rows, column) for column in self.columns])
            self.reports.append(RowReport(lines=[r.line for r in rows]))
        return dataset, refused

    def row_key(self, values: dict) -> tuple | None:
        raise NotImplementedError

    def merge(self, rows: list, row) -> str:
        """A second row with the same natural key: a duplicate, refused with its first line."""
        return _("Duplikat baris %(line)s (%(key)s sama).") % {
            "line": rows[0].line,
            "key": ", ".join(self.get_import_id_fields_columns()),
        }

    def merged_value(self, rows: list, column: str):
        return rows[0].values[column]

    def get_import_id_fields_columns(self) -> list[str]:
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    # import-export hooks

    def before_import(self, dataset, **kwargs) -> None:
        self.preload(dataset)

    def preload(self, dataset) -> None:
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        try:
            key = self.instance_key(row)
        except (CellError, KeyError):
            return None
        return self.existing.get(key)

    def instance_key(self, row) -> tuple:
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs["row_number"]
        result = super().import_row(row, instance_loader, **kwargs)
        result.number = self.row_number
        if self.progress and self.row_number % PROGRESS_EVERY == 0:
            self.progress(self.row_number)
        return result

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if not new:
            self.before[id(instance)] = self.signature(instance, saved=True)

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, list[str]] = defaultdict(list)
        self.read_row(instance, row, errors)
        if errors:
            raise ValidationError(dict(errors))

    def read_row(self, instance, row, errors: dict[str, list[str]]) -> None:
        raise NotImplementedError

    def note(self, text: str) -> None:
        self.reports[self.row_number].notes.append(text)

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if import_validation_errors or instance.pk is None:
            return False
        before = self.before.get(id(instance), {})
        after = self.signature(instance, saved=False)
        changes = [
            f"{column}: {_show(before.get(column))} → {_show(value)}"
            for column, value in after.items()
            if before.get(column) != value
        ]
        self.reports[self.row_number].changes = changes
        return not changes

    def signature(self, instance, *, saved: bool) -> dict[str, object]:
        """The values the preview compares, by column; `saved`: as stored before this row."""
        raise NotImplementedError

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                instance.full_clean(
                    exclude=self.clean_exclude, validate_unique=False, validate_constraints=False
                )
                self.validate_more(instance)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    column = self.field_columns.get(name, "" if name == NON_FIELD_ERRORS else name)
                    errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def validate_more(self, instance) -> None:
        pass

    def before_save_instance(self, instance, row, **kwargs) -> None:
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = self.reason[:100]

    def after_import(self, dataset, result, **kwargs) -> None:
        if not kwargs.get("dry_run", True):
            # The saves sent their signals already; this states the rule for any future bulk path.
            coverage_inputs_changed()

    # Export

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        for row in self.export_rows(self.get_queryset() if queryset is None else queryset):
            data.append(row)
        return data

    def export_rows(self, queryset) -> Iterable[list]:
        raise NotImplementedError


def _field(column: str) -> Field:
    return Field(column_name=column, readonly=False)


class PersonnelResource(SheetResource):
    columns = (
        "Matra",
        "NRP/No. Registrasi",
        "Nama",
        "Pangkat",
        "Korps",
        "Satuan",
        "Telepon",
        "Kode Desa Asal",
        "Aktif",
    )
    field_columns = {
        "force": "Matra",
        "identifier": "NRP/No. Registrasi",
        "name": "Nama",
        "rank": "Pangkat",
        "corps": "Korps",
        "unit": "Satuan",
        "phone": "Telepon",
        "home_desa": "Kode Desa Asal",
        "active": "Aktif",
    }
    clean_exclude = ("unit", "home_desa", "user")
    notes_help = (
        ("Matra", "Polri, TNI atau Linmas."),
        ("NRP/No. Registrasi", "NRP 8 angka untuk Polri; nomor register Satlinmas untuk Linmas."),
        ("Nama", "Nama lengkap tanpa pangkat."),
        ("Pangkat", "Pangkat Polri/TNI (mis. Bripka, Serka); kosong untuk Linmas."),
        ("Korps", "Korps TNI AD (mis. Inf); kosong untuk Polri dan Linmas."),
        ("Satuan", "Nama atau kode satuan (mis. Polsek Mojoroto)."),
        ("Telepon", "Boleh 0812…, 62812… atau +62812…; disimpan sebagai +62…"),
        ("Kode Desa Asal", "Kode Kemendagri 10 angka; boleh kosong."),
        ("Aktif", "Ya atau Tidak; kosong berarti Ya."),
    )

    matra = _field("Matra")
    nrp = _field("NRP/No. Registrasi")
    nama = _field("Nama")
    pangkat = _field("Pangkat")
    korps = _field("Korps")
    satuan = _field("Satuan")
    telepon = _field("Telepon")
    desa = _field("Kode Desa Asal")
    aktif = _field("Aktif")

    class Meta(SheetResource.Meta):
        model = Personnel
        fields = ("matra", "nrp", "nama", "pangkat", "korps", "satuan", "telepon", "desa", "aktif")
        import_id_fields = ("matra", "nrp")

    def row_key(self, values: dict) -> tuple | None:
        try:
            return (_choice(values["Matra"], Force, "Matra"), _identifier(values)[0])
        except CellError:
            return None

    def instance_key(self, row) -> tuple:
        return (_choice(row["Matra"], Force, "Matra"), _identifier(row)[0])

    def preload(self, dataset) -> None:
        identifiers = _identifiers(dataset)
        for chunk in _chunks(identifiers):
            for person in Personnel.objects.filter(identifier__in=chunk).select_related("unit"):
                self.existing[(person.force, person.identifier)] = person
        self.units = list(Unit.objects.all())
        self.units_by_code = {u.code.casefold(): u for u in self.units}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.units_by_name[unit.name.casefold()].append(unit)
        self.desa_by_code = {d.code: d for d in Desa.objects.all()}

    def read_row(self, person: Personnel, row, errors) -> None:
        try:
            person.force = _choice(row["Matra"], Force, "Matra")
        except CellError as exc:
            errors["Matra"].append(str(exc))
        identifier, written = _identifier(row)
        if written and written != identifier:
            self.note(_("NRP %(raw)s ditulis %(clean)s.") % {"raw": written, "clean": identifier})
        person.identifier = identifier
        if not identifier:
            errors["NRP/No. Registrasi"].append(_("Wajib diisi."))
        person.name = _text(row["Nama"])
        if not person.name:
            errors["Nama"].append(_("Wajib diisi."))
        person.rank = _rank(person.force, _text(row["Pangkat"]))
        person.corps = _text(row["Korps"])
        unit, problem = self.unit_for(_text(row["Satuan"]))
        if problem:
            errors["Satuan"].append(problem)
        else:
            person.unit = unit
        code = _code(row["Kode Desa Asal"])
        if code and code not in self.desa_by_code:
            errors["Kode Desa Asal"].append(_("Kode desa %s tidak dikenal.") % code)
        person.home_desa = self.desa_by_code.get(code)
        person.phone = _text(row["Telepon"]).replace(" ", "")
        try:
            active = _yes_no(row["Aktif"], default=True)
        except CellError as exc:
            errors["Aktif"].append(str(exc))
        else:
            if person.pk and person.active and not active and _holds_future(person):
                errors["Aktif"].append(
                    _(
                        "%s masih memegang penugasan mendatang: nonaktifkan lewat admin, yang "
                        "menanyakan nasib penugasannya."
                    )
                    % person.name
                )
            person.active = active

    def unit_for(self, text: str) -> tuple[Unit | None, str]:
        if not text:
            return None, _("Wajib diisi.")
        unit = self.units_by_code.get(text.casefold())
        if unit is not None:
            return unit, ""
        named = self.units_by_name.get(text.casefold(), [])
        if len(named) == 1:
            return named[0], ""
        if named:
            return None, _("Nama satuan %s tidak unik; tulis kodenya.") % text
        return None, _("Satuan %s tidak dikenal.") % text

    def signature(self, person: Personnel, *, saved: bool) -> dict[str, object]:
        return {
            "Nama": person.name,
            "Pangkat": person.rank,
            "Korps": person.corps,
            "Satuan": person.unit.name if person.unit_id else "",
            "Telepon": person.phone,
            "Kode Desa Asal": person.home_desa.code if person.home_desa_id else "",
            "Aktif": person.active,
        }

    def export_rows(self, queryset) -> Iterable[list]:
        for person in queryset.select_related("unit", "home_desa").order_by("force", "name"):
            yield [
                person.get_force_display(),
                person.identifier,
                person.name,
                person.rank,
                person.corps,
                person.unit.name,
                person.phone,
                person.home_desa.code if person.home_desa_id else "",
                _("Ya") if person.active else _("Tidak"),
            ]


def _identifier(values) -> tuple[str, str]:
    """(clean identifier, as written). A numeric cell lost the leading zero of a young officer's
    NRP (born 2000s: 0…); an 8-digit Polri NRP gets it back."""
    raw = values["NRP/No. Registrasi"]
    written = _text(raw)
    clean = "".join(written.split())
    if isinstance(raw, int | float) and not isinstance(raw, bool) and clean.isdigit():
        force = _text(values.get("Matra")).casefold()
        if force == "polri" and len(clean) < 8:
            clean = clean.zfill(8)
    return clean, written


def _identifiers(dataset) -> list[str]:
    rows = (dict(zip(dataset.headers, values, strict=True)) for values in dataset)
    return sorted({identifier for r in rows if (identifier := _identifier(r)[0])})


def _rank(force: str, text: str) -> str:
    for rank in RANKS_BY_FORCE.get(force, ()):
        if rank.casefold() == text.casefold():
            return rank
    return text


def _holds_future(person: Personnel) -> bool:
    from core import clock

    return person.assignments.not_cancelled().filter(ends_at__gt=clock.now()).exists()


class TPSResource(SheetResource):
    columns = ("Kode Desa", "No. TPS", "Alamat", "Lintang", "Bujur", "Jumlah Pemilih", "Kerawanan")
    field_columns = {
        "desa": "Kode Desa",
        "number": "No. TPS",
        "address": "Alamat",
        "latitude": "Lintang",
        "longitude": "Bujur",
        "registered_voters": "Jumlah Pemilih",
        "kerawanan": "Kerawanan",
    }
    clean_exclude = ("desa",)
    notes_help = (
        ("Kode Desa", "Kode Kemendagri 10 angka (mis. 3571011001); titik boleh."),
        ("No. TPS", "Nomor TPS di desa itu (1–999; TPS lokasi khusus 9xx)."),
        ("Alamat", "Boleh kosong."),
        ("Lintang", "Derajat desimal, mis. -7.815000 (koma desimal boleh)."),
        ("Bujur", "Derajat desimal, mis. 111.985000."),
        ("Jumlah Pemilih", "DPT; bilangan bulat."),
        ("Kerawanan", "Kurang rawan, Rawan, Sangat rawan atau Khusus; kosong: Kurang rawan."),
    )

    desa = _field("Kode Desa")
    nomor = _field("No. TPS")
    alamat = _field("Alamat")
    lintang = _field("Lintang")
    bujur = _field("Bujur")
    pemilih = _field("Jumlah Pemilih")
    kerawanan = _field("Kerawanan")

    class Meta(SheetResource.Meta):
        model = TPS
        fields = ("desa", "nomor", "alamat", "lintang", "bujur", "pemilih", "kerawanan")
        import_id_fields = ("desa", "nomor")

    def row_key(self, values: dict) -> tuple | None:
        try:
            return self.instance_key(values)
        except CellError:
            return None

    def instance_key(self, row) -> tuple:
        return (_code(row["Kode Desa"]), _int(row["No. TPS"], low=1, high=999, strip_prefix="TPS"))

    def preload(self, dataset) -> None:
        self.desa_by_code = {
            d.code: d for d in Desa.objects.select_related("kecamatan").order_by("code")
        }
        codes = sorted({_code(v) for v in dataset["Kode Desa"]} & set(self.desa_by_code))
        for chunk in _chunks(codes):
            for tps in TPS.objects.filter(desa__code__in=chunk).select_related("desa__kecamatan"):
                self.existing[(tps.desa.code, tps.number)] = tps

    def read_row(self, tps: TPS, row, errors) -> None:
        code = _code(row["Kode Desa"])
        desa = self.desa_by_code.get(code)
        if desa is None:
            errors["Kode Desa"].append(_("Kode desa %s tidak dikenal.") % (code or _("kosong")))
        else:
            tps.desa = desa
        try:
            tps.number = _int(row["No. TPS"], low=1, high=999, strip_prefix="TPS")
        except CellError as exc:
            errors["No. TPS"].append(str(exc))
        tps.address = _text(row["Alamat"])
        for column, attr in (("Lintang", "latitude"), ("Bujur", "longitude")):
            try:
                setattr(tps, attr, _decimal(row[column]))
            except CellError as exc:
                errors[column].append(str(exc))
        try:
            voters = row["Jumlah Pemilih"]
            tps.registered_voters = 0 if _text(voters) == "" else _int(voters, low=0, high=100_000)
        except CellError as exc:
            errors["Jumlah Pemilih"].append(str(exc))
        try:
            text = _text(row["Kerawanan"])
            tps.kerawanan = (
                _choice(text, Kerawanan, "Kerawanan") if text else Kerawanan.KURANG_RAWAN
            )
        except CellError as exc:
            errors["Kerawanan"].append(str(exc))

    def validate_more(self, tps: TPS) -> None:
        # TPS.clean() refused a point outside the kecamatan; just outside the desa is a warning.
        result = tps.point_check()
        if result.verdict == PointCheck.KECAMATAN:
            self.note(result.message)

    def signature(self, tps: TPS, *, saved: bool) -> dict[str, object]:
        return {
            "Alamat": tps.address,
            "Lintang": tps.latitude,
            "Bujur": tps.longitude,
            "Jumlah Pemilih": tps.registered_voters,
            "Kerawanan": tps.get_kerawanan_display(),
        }

    def export_rows(self, queryset) -> Iterable[list]:
        for tps in queryset.select_related("desa").order_by("desa__code", "number"):
            yield [
                tps.desa.code,
                f"{tps.number:03d}",
                tps.address,
                tps.latitude,
                tps.longitude,
                tps.registered_voters,
                tps.get_kerawanan_display(),
            ]


class AssignmentResource(SheetResource):
    columns = (
        "Matra",
        "NRP/No. Registrasi",
        "Nama",
        "Pangkat",
        "Satuan",
        "Kode Desa",
        "No. TPS",
        "Jenis Pos",
        "Nama Pos",
        "Mulai",
        "Selesai",
        "No. Sprin",
        "Tgl. Sprin",
    )
    # Columns that say which TPS; the others must agree across the rows of one assignment.
    TPS_COLUMNS = ("Kode Desa", "No. TPS")
    field_columns = {
        "personnel": "NRP/No. Registrasi",
        "phase": "Mulai",
        "kind": "Jenis Pos",
        "post": "Nama Pos",
        "starts_at": "Mulai",
        "ends_at": "Selesai",
        "sprin": "No. Sprin",
        "tps": "No. TPS",
        "linmas_other_desa": "Kode Desa",
        "linmas_other_desa_reason": "Kode Desa",
    }
    clean_exclude = ("personnel", "phase", "post", "sprin")
    notes_help = (
        ("Matra", "Polri, TNI atau Linmas."),
        ("NRP/No. Registrasi", "Personel harus sudah terdaftar (impor personel dulu)."),
        ("Nama", "Diperiksa terhadap data personel; boleh kosong."),
        ("Pangkat", "Diperiksa terhadap data personel; boleh kosong."),
        ("Satuan", "Diperiksa terhadap data personel; boleh kosong."),
        ("Kode Desa", "Desa TPS yang dijaga (Pam TPS)."),
        ("No. TPS", "Satu TPS per baris; sepasang Polri yang menjaga 4 TPS ditulis 4 baris."),
        ("Jenis Pos", "Pam TPS, Pos Pam, Posko, Patroli, Pengawalan logistik, Cadangan, Padal."),
        ("Nama Pos", "Nama pos yang terdaftar; kosong untuk Pam TPS."),
        ("Mulai", "dd/mm/yyyy HH.MM atau yyyy-mm-dd HH:MM (WIB), atau sel tanggal Excel."),
        ("Selesai", "Seperti Mulai; tanggal saja berarti sampai akhir hari itu."),
        ("No. Sprin", "Nomor Sprin yang sudah dibuat di admin; boleh kosong."),
        ("Tgl. Sprin", "Tanggal Sprin; harus sama dengan tanggal di admin."),
    )

    matra = _field("Matra")
    nrp = _field("NRP/No. Registrasi")
    nama = _field("Nama")
    pangkat = _field("Pangkat")
    satuan = _field("Satuan")
    desa = _field("Kode Desa")
    nomor = _field("No. TPS")
    jenis = _field("Jenis Pos")
    pos = _field("Nama Pos")
    mulai = _field("Mulai")
    selesai = _field("Selesai")
    sprin = _field("No. Sprin")
    tgl_sprin = _field("Tgl. Sprin")

    class Meta(SheetResource.Meta):
        model = Assignment
        fields = (
            "matra",
            "nrp",
            "nama",
            "pangkat",
            "satuan",
            "desa",
            "nomor",
            "jenis",
            "pos",
            "mulai",
            "selesai",
            "sprin",
            "tgl_sprin",
        )
        import_id_fields = ("matra", "nrp", "mulai")

    def row_key(self, values: dict) -> tuple | None:
        try:
            return (
                _choice(values["Matra"], Force, "Matra"),
                _identifier(values)[0],
                parse_moment(values["Mulai"]),
            )
        except CellError:
            return None

    instance_key = row_key

    def merge(self, rows: list, row) -> str:
        first = rows[0]
        differing = [
            c
            for c in self.columns
            if c not in self.TPS_COLUMNS and _same(first.values[c]) != _same(row.values[c])
        ]
        if differing:
            return _(
                "Baris %(line)s menyebut penugasan yang sama (Matra, NRP, Mulai) dengan isi "
                "berbeda di kolom %(cols)s."
            ) % {"line": first.line, "cols": ", ".join(differing)}
        tps = (_code(row.values["Kode Desa"]), _text(row.values["No. TPS"]).lstrip("0"))
        for other in rows:
            if (
                _code(other.values["Kode Desa"]),
                _text(other.values["No. TPS"]).lstrip("0"),
            ) == tps:
                return _("Duplikat baris %s (penugasan dan TPS yang sama).") % other.line
        rows.append(row)
        return ""

    def merged_value(self, rows: list, column: str):
        if column in self.TPS_COLUMNS:
            return [r.values[column] for r in rows]
        return rows[0].values[column]

    def preload(self, dataset) -> None:
        self.operation = current_operation(with_phases=True)
        self.phases = list(self.operation.phases.all()) if self.operation else []
        identifiers = _identifiers(dataset)
        self.people: dict[tuple[str, str], Personnel] = {}
        for chunk in _chunks(identifiers):
            for person in Personnel.objects.filter(identifier__in=chunk).select_related("unit"):
                self.people[(person.force, person.identifier)] = person
        codes = sorted({_code(c) for cell in dataset["Kode Desa"] for c in cell if _code(c)})
        self.desa_by_code = {d.code: d for d in Desa.objects.filter(code__in=codes)}
        self.tps_by_key: dict[tuple[str, int], TPS] = {}
        for chunk in _chunks(codes):
            for tps in TPS.objects.filter(desa__code__in=chunk).select_related("desa"):
                self.tps_by_key[(tps.desa.code, tps.number)] = tps
        self.posts = {(p.kind, p.name.casefold()): p for p in Post.objects.all()}
        self.sprins = {s.number.casefold(): s for s in Sprin.objects.all()}
        person_ids = [p.pk for p in self.people.values()]
        by_pk = {p.pk: p for p in self.people.values()}
        for chunk in _chunks(person_ids):
            found = Assignment.objects.filter(personnel_id__in=chunk).prefetch_related(
                Prefetch("tps", queryset=TPS.objects.select_related("desa"))
            )
            for assignment in found.select_related("post", "sprin", "phase"):
                person = by_pk[assignment.personnel_id]
                assignment.personnel = person
                key = (person.force, person.identifier, assignment.starts_at)
                self.existing[key] = assignment
        self.tps_wanted: dict[int, list[TPS]] = {}

    def read_row(self, assignment: Assignment, row, errors) -> None:
        force = identifier = None
        try:
            force = _choice(row["Matra"], Force, "Matra")
        except CellError as exc:
            errors["Matra"].append(str(exc))
        identifier, written = _identifier(row)
        if written and written != identifier:
            self.note(_("NRP %(raw)s ditulis %(clean)s.") % {"raw": written, "clean": identifier})
        person = self.people.get((force, identifier))
        if person is None:
            if force:
                errors["NRP/No. Registrasi"].append(
                    _("Personel %(force)s %(id)s belum terdaftar; impor data personel dulu.")
                    % {"force": Force(force).label, "id": identifier or "-"}
                )
        else:
            assignment.personnel = person
            self.check_person(person, row, errors)
        try:
            assignment.kind = _choice(row["Jenis Pos"], PostKind, "Jenis Pos")
        except CellError as exc:
            errors["Jenis Pos"].append(str(exc))
        post_name = _text(row["Nama Pos"])
        assignment.post = None
        if post_name and assignment.kind:
            assignment.post = self.posts.get((assignment.kind, post_name.casefold()))
            if assignment.post is None:
                errors["Nama Pos"].append(
                    _("Pos %(kind)s %(name)s tidak terdaftar.")
                    % {"kind": PostKind(assignment.kind).label, "name": post_name}
                )
        self.tps_wanted[self.row_number] = self.read_tps(row, errors)
        for column, attr, end in (("Mulai", "starts_at", False), ("Selesai", "ends_at", True)):
            try:
                setattr(assignment, attr, parse_moment(row[column], end=end))
            except CellError as exc:
                errors[column].append(str(exc))
        if assignment.starts_at:
            phase = next(
                (p for p in self.phases if p.starts_at <= assignment.starts_at < p.ends_at), None
            )
            if phase is None:
                errors["Mulai"].append(_("Waktu mulai di luar semua tahapan operasi."))
            else:
                assignment.phase = phase
        self.read_sprin(assignment, row, errors)
        assignment.status = Assignment.Status.ACTIVE

    def check_person(self, person: Personnel, row, errors) -> None:
        """Name, rank and unit in an assignment sheet are checks, not edits: a wrong NRP
        pointing at somebody else is caught here rather than silently assigned."""
        expected = {"Nama": person.name, "Pangkat": person.rank_label, "Satuan": person.unit.name}
        for column, value in expected.items():
            written = _text(row[column])
            if written and written.casefold() != " ".join(value.split()).casefold():
                errors[column].append(
                    _(
                        "Berbeda dengan data personel %(id)s (%(value)s). Ubah lewat impor "
                        "personel bila data itu yang salah."
                    )
                    % {"id": person.identifier, "value": value or "-"}
                )

    def read_tps(self, row, errors) -> list[TPS]:
        found: list[TPS] = []
        for raw_code, raw_number in zip(row["Kode Desa"], row["No. TPS"], strict=True):
            code = _code(raw_code)
            if not code and _text(raw_number) == "":
                continue
            if code not in self.desa_by_code:
                errors["Kode Desa"].append(_("Kode desa %s tidak dikenal.") % (code or _("kosong")))
                continue
            try:
                number = _int(raw_number, low=1, high=999, strip_prefix="TPS")
            except CellError as exc:
                errors["No. TPS"].append(str(exc))
                continue
            tps = self.tps_by_key.get((code, number))
            if tps is None:
                errors["No. TPS"].append(
                    _("TPS %(n)03d %(desa)s belum terdaftar.")
                    % {"n": number, "desa": self.desa_by_code[code].name}
                )
            else:
                found.append(tps)
        return found

    def read_sprin(self, assignment: Assignment, row, errors) -> None:
        number = _text(row["No. Sprin"])
        assignment.sprin = None
        if not number:
            return
        sprin = self.sprins.get(number.casefold())
        if sprin is None:
            errors["No. Sprin"].append(_("Sprin %s belum ada; buat dulu di admin Sprin.") % number)
            return
        assignment.sprin = sprin
        if _text(row["Tgl. Sprin"]):
            try:
                day = parse_date(row["Tgl. Sprin"])
            except CellError as exc:
                errors["Tgl. Sprin"].append(str(exc))
                return
            if day != sprin.date:
                errors["Tgl. Sprin"].append(
                    _("Tanggal Sprin %(number)s di admin %(date)s.")
                    % {"number": sprin.number, "date": sprin.date.strftime("%d/%m/%Y")}
                )

    def validate_more(self, assignment: Assignment) -> None:
        assignment.validate_tps_set(self.tps_wanted.get(self.row_number, []))

    def signature(self, assignment: Assignment, *, saved: bool) -> dict[str, object]:
        # Before the row: the TPS set from the prefetch; after: the set the rows ask for.
        tps = assignment.tps.all() if saved else self.tps_wanted.get(self.row_number, [])
        return {
            "Jenis Pos": assignment.get_kind_display(),
            "Nama Pos": assignment.post.name if assignment.post_id else "",
            "TPS": ", ".join(sorted(str(t) for t in tps)),
            "Selesai": assignment.ends_at,
            "No. Sprin": assignment.sprin.number if assignment.sprin_id else "",
            "Status": assignment.get_status_display(),
        }

    def save_m2m(self, instance, row, **kwargs) -> None:
        if kwargs.get("dry_run") and not kwargs.get("using_transactions"):
            return
        wanted = self.tps_wanted.get(self.row_number, [])
        if id(instance) not in self.before:
            instance.tps.add(*wanted)  # new: nothing to compare with, one query fewer
        elif {t.pk for t in wanted} != {t.pk for t in instance.tps.all()}:
            instance.tps.set(wanted)

    def export_rows(self, queryset) -> Iterable[list]:
        queryset = (
            queryset.not_cancelled()
            .select_related("personnel__unit", "post", "sprin")
            .prefetch_related(Prefetch("tps", queryset=TPS.objects.select_related("desa")))
            .order_by("kind", "post__name", "personnel__force", "personnel__name", "starts_at")
        )
        for a in queryset:
            person = a.personnel
            head = [
                person.get_force_display(),
                person.identifier,
                person.name,
                person.rank_label,
                person.unit.name,
            ]
            tail = [
                a.get_kind_display(),
                a.post.name if a.post_id else "",
                _local(a.starts_at),
                _local(a.ends_at),
                a.sprin.number if a.sprin_id else "",
                a.sprin.date if a.sprin_id else None,
            ]
            stations = sorted(a.tps.all(), key=lambda t: (t.desa.code, t.number))
            for tps in stations or [None]:
                where = [tps.desa.code, f"{tps.number:03d}"] if tps else ["", ""]
                yield [*head, *where, *tail]


def _same(value) -> object:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


RESOURCES: dict[str, type[SheetResource]] = {
    ImportJob.Kind.PERSONNEL: PersonnelResource,
    ImportJob.Kind.TPS: TPSResource,
    ImportJob.Kind.ASSIGNMENT: AssignmentResource,
}


# The service


class ImportNotReady(Exception):
    """The job is not in the state the action needs (already applied, still checking…)."""


@dataclass
class Outcome:
    counts: dict[str, int]
    rows: list[dict]
    errors: list[dict]


def import_job_create(
    *, kind: str, file_name: str, content: bytes, background: bool, by
) -> ImportJob:
    """Keep the upload as a job; refused before parsing when it is over the size limit."""
    check_size(len(content))
    return ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        content=content,
        content_sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        background=background,
        created_by=by,
    )


def import_job_validate(*, job_id: int) -> ImportJob:
    """The dry run: every row is read, validated and saved inside a transaction that is then
    rolled back, so that later rows see earlier ones (an officer twice in one file overlaps)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING):
        return job
    _set(job, status=ImportJob.Status.VALIDATING, processed_rows=0)
    try:
        outcome = _run(job, dry_run=True, user=job.created_by)
    except SheetError as exc:
        _set(job, status=ImportJob.Status.INVALID, message=str(exc), errors=[], rows=[])
        return job
    except Exception:
        logger.exception("import %s: the dry run failed", job.pk)
        _set(job, status=ImportJob.Status.FAILED, message=_("Pemeriksaan gagal; hubungi admin."))
        return job
    _finish(job, outcome, ok=ImportJob.Status.READY)
    return job


def import_job_claim(*, job: ImportJob) -> None:
    """Mark a checked job as being applied; a second click or a second tab gets refused."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.APPLYING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        raise ImportNotReady(_("Impor ini tidak dalam status siap diimpor."))
    job.status = ImportJob.Status.APPLYING


def import_job_apply(*, job_id: int, by_id: int | None = None) -> ImportJob:
    """The real run, after import_job_claim: one transaction; any error and nothing stays.

    Running it twice (a redelivered task) is harmless: the second run finds every row
    unchanged.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.APPLYING:
        raise ImportNotReady(_("Impor ini belum dikonfirmasi."))
    user = get_user_model().objects.filter(pk=by_id).first() if by_id else job.created_by
    if hashlib.sha256(bytes(job.content)).hexdigest() != job.content_sha256:
        _set(job, status=ImportJob.Status.FAILED, message=_("Isi berkas berubah; unggah ulang."))
        return job
    try:
        outcome = _run(job, dry_run=False, user=user)
    except SheetError as exc:
        _set(job, status=ImportJob.Status.INVALID, message=str(exc))
        return job
    except Exception:
        logger.exception("import %s: applying failed; nothing was written", job.pk)
        _set(job, status=ImportJob.Status.FAILED, message=_("Impor gagal; tidak ada yang diubah."))
        return job
    _finish(job, outcome, ok=ImportJob.Status.DONE)
    return job


def _run(job: ImportJob, *, dry_run: bool, user) -> Outcome:
    resource_class = RESOURCES[job.kind]
    limit = BACKGROUND_ROW_LIMIT if job.background else INTERACTIVE_ROW_LIMIT
    sheet = read_sheet(
        bytes(job.content), job.file_name, columns=resource_class.columns, row_limit=limit
    )
    _set(job, total_rows=len(sheet.rows), processed_rows=0)
    resource = resource_class(
        user=user,
        reason=_("Impor %(name)s (#%(id)s)") % {"name": job.file_name, "id": job.pk},
        progress=_progress_writer(job) if job.background else None,
    )
    dataset, refused = resource.prepare(sheet)
    result = resource.import_data(
        dataset,
        # Rows refused before validation make this a dry run whatever was asked.
        dry_run=dry_run or bool(refused),
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    return _outcome(resource, result, refused)


def _outcome(resource: SheetResource, result, refused: list[RowReport]) -> Outcome:
    reports = resource.reports
    for row_result in result.rows:
        report = reports[row_result.number]
        report.kind = row_result.import_type
        report.label = row_result.object_repr or ""
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            for column, messages in row_result.validation_error.message_dict.items():
                report.errors.extend((column, m) for m in messages)
        for error in row_result.errors:
            report.kind = "error"
            report.errors.append(("", _("Kesalahan basis data: %s") % error.error))
    for error in result.base_errors:
        refused.append(RowReport(lines=[], kind="error", errors=[("", str(error.error))]))
    every = sorted([*reports[1:], *refused], key=lambda r: r.lines[:1] or [0])
    counts = dict.fromkeys(("new", "update", "skip", "invalid"), 0)
    for report in every:
        kind = "invalid" if report.errors else report.kind
        counts[kind] = counts.get(kind, 0) + 1
    errors = [
        {"lines": _lines(r.lines), "column": column, "message": message}
        for r in every
        for column, message in r.errors
    ]
    rows = [
        {
            "lines": _lines(r.lines),
            "kind": "invalid" if r.errors else r.kind,
            "label": r.label,
            "changes": r.changes,
            "notes": r.notes,
        }
        for r in every
        if r.kind != "skip" or r.notes
    ][:PREVIEW_ROWS]
    return Outcome(counts=counts, rows=rows, errors=errors)


def _lines(lines: list[int]) -> str:
    return ", ".join(thousands(n) for n in lines)


def _finish(job: ImportJob, outcome: Outcome, *, ok: str) -> None:
    failed = bool(outcome.errors)
    _set(
        job,
        status=ImportJob.Status.INVALID if failed else ok,
        counts=outcome.counts,
        errors=outcome.errors,
        rows=outcome.rows,
        processed_rows=job.total_rows,
        message=(
            _("%s kesalahan; tidak ada yang disimpan. Perbaiki berkasnya lalu unggah ulang.")
            % thousands(len(outcome.errors))
            if failed
            else ""
        ),
    )


def _set(job: ImportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    job.save(update_fields=[*values, "updated_at"])


def _progress_writer(job: ImportJob) -> Callable[[int], None] | None:
    """Progress of a background job, written where the admin's page can read it.

    The import runs in one transaction, whose writes nobody else sees until it commits; the
    progress goes through a second connection (Django's are per thread). Only on PostgreSQL:
    SQLite has one writer at a time, and it is the import.
    """
    if connection.vendor != "postgresql":
        return None
    total = job.total_rows

    def write(done: int) -> None:
        def run() -> None:
            try:
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=min(done, total))
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(timeout=10)

    return write


# Export


def export_bytes(kind: str, queryset, *, file_format: str) -> bytes:
    resource = RESOURCES[kind]()
    data = resource.export(queryset)
    if file_format == "csv":
        return csv_bytes(resource.columns, list(data))
    return xlsx_bytes(resource.columns, list(data), title=_("Data"), notes=resource.notes_help)


def template_bytes(kind: str, *, file_format: str) -> bytes:
    resource_class = RESOURCES[kind]
    if file_format == "csv":
        return csv_bytes(resource_class.columns, [])
    return xlsx_bytes(resource_class.columns, [], title=_("Data"), notes=resource_class.notes_help)


def annex_queryset(kecamatan: Kecamatan, *, phase: Phase | None = None):
    """The roster of a Polsek's kecamatan: guards of its TPS, its posts and its own people."""
    k = kecamatan.pk
    ids = Assignment.objects.filter(
        Q(tps__desa__kecamatan_id=k)
        | Q(post__desa__kecamatan_id=k)
        | Q(personnel__unit__kecamatan_id=k)
    )
    if phase is not None:
        ids = ids.filter(phase=phase)
    return Assignment.objects.filter(pk__in=ids.values("pk"))


def annex_bytes(kecamatan: Kecamatan, *, phase: Phase | None = None) -> bytes:
    """The Sprin annex of one Polsek as XLSX, in the import's columns so that it re-imports."""
    resource = AssignmentResource()
    data = resource.export(annex_queryset(kecamatan, phase=phase))
    title = _("Lampiran %s") % kecamatan.name
    return xlsx_bytes(resource.columns, list(data), title=title, notes=resource.notes_help)
