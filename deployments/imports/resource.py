"""The base of every import resource: rows read by hand, natural keys looked up in memory, every
problem reported with its column, and the preview's record of what each row would change."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from deployments.coverage import coverage_inputs_changed
from deployments.imports.cells import CellError, cell_decimal, show
from deployments.imports.sheets import Sheet, SheetRow
from deployments.phones import normalize_phone

PROGRESS_EVERY = 1_000  # rows between two progress writes (one query each)


@dataclass
class RowReport:
    """What the preview shows about one row (or one assignment merged from several rows)."""

    lines: list[int]
    kind: str = ""  # new, update, skip, invalid, error
    label: str = ""
    # The record, named (str) only if the preview shows the row: 156,000 names cost seconds.
    record: object = None
    # Who or what the row is about, as the sheet writes it (name and NRP, or the TPS): shown
    # beside the row's errors, which exist precisely when the row could not become a record.
    name: str = ""
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
    # Cells that may start with a sign a spreadsheet reads as a formula, when their value is
    # what the column expects: a phone +62… (never "+1+1"), a latitude -7,8 (never "-2+3").
    phone_columns: ClassVar[tuple[str, ...]] = ()
    number_columns: ClassVar[tuple[str, ...]] = ()
    # A duplicate natural key is an error of both rows (which of the two is right is for the
    # admin to say), where a second row cannot be a legitimate part of the first's record.
    duplicates_refuse_both: ClassVar[bool] = False

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
        writing: bool = False,
    ) -> None:
        super().__init__()
        self.user = user
        self.reason = reason
        self.progress = progress
        # The real run, not the dry run: it locks what it writes (the people of assignments).
        self.writing = writing
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
        also: dict[tuple, list[tuple[str, str]]] = defaultdict(list)  # the first row's share
        names: dict[int, str] = {}
        for row in sheet.rows:
            name = names[row.line] = self.row_name(row.values)
            errors = self.formula_errors(row)
            if errors:
                refused.append(
                    RowReport(lines=[row.line], kind="invalid", name=name, errors=errors)
                )
                continue
            key = self.row_key(row.values)
            if key is None:
                key = ("line", row.line)  # unreadable key: let validation say why
            if key in groups:
                problem = self.merge(groups[key], row)
                if problem:
                    refused.append(
                        RowReport(
                            lines=[row.line], kind="invalid", name=name, errors=[("", problem)]
                        )
                    )
                    if self.duplicates_refuse_both:
                        also[key].append(("", self.duplicate_of(row.line)))
                continue
            groups[key] = [row]
            order.append(key)
        dataset = tablib.Dataset(headers=list(self.columns))
        # Each dataset row's natural key, as row_key read it (None: unreadable), in order.
        self.row_keys: list[tuple | None] = []
        for key in order:
            rows = groups[key]
            self.row_keys.append(None if key == ("line", rows[0].line) else key)
            dataset.append([self.merged_value(rows, column) for column in self.columns])
            self.reports.append(
                RowReport(
                    lines=[r.line for r in rows],
                    name=names[rows[0].line],
                    errors=also.get(key, []),
                )
            )
        return dataset, refused

    def formula_errors(self, row: SheetRow) -> list[tuple[str, str]]:
        """(column, message) for every cell a spreadsheet would run as a formula."""
        errors = []
        for column, start in row.formulas.items():
            value = row.values[column]
            if self.plain_value(column, start, value):
                continue
            if start == "=":
                message = _("Sel berisi rumus (%s). Tempel sebagai nilai.") % value
            else:
                message = _(
                    "Sel diawali %(start)s sehingga dibaca spreadsheet sebagai rumus (%(value)s). "
                    "Awali dengan tanda kutip ' agar terbaca sebagai teks."
                ) % {"start": _START_NAMES.get(start, start), "value": value}
            errors.append((column, message))
        return errors

    def plain_value(self, column: str, start: str, value) -> bool:
        if start == "+" and column in self.phone_columns:
            try:
                return bool(normalize_phone(value))
            except ValidationError:
                return False
        if start in "+-" and column in self.number_columns:
            try:
                cell_decimal(value)
            except CellError:
                return False
            return True
        return False

    def row_key(self, values: dict) -> tuple | None:
        raise NotImplementedError

    def row_name(self, values: dict) -> str:
        """Who or what a row is about, as written (before any of it is validated)."""
        return ""

    def merge(self, rows: list, row) -> str:
        """A second row with the same natural key: a duplicate, refused with its first line."""
        return self.duplicate_of(rows[0].line)

    def duplicate_of(self, line: int) -> str:
        return _("Duplikat baris %(line)s (%(key)s sama).") % {
            "line": line,
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
            f"{column}: {show(before.get(column))} → {show(value)}"
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
        self.check_into(instance, errors)
        if errors:
            raise ValidationError(errors)

    def check_into(self, instance, errors: dict[str, list[str]]) -> None:
        """The model's rules for the row, added to the errors its cells already gave: every
        error of the row at once. A column whose cell was refused keeps that one reason (the
        model would only say again that the value is missing)."""
        failed = {column for column, messages in errors.items() if messages}
        try:
            self.check(instance, failed=failed)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = self.field_columns.get(name, "" if name == NON_FIELD_ERRORS else name)
                if column not in failed:
                    errors.setdefault(column, []).extend(messages)
        except (ObjectDoesNotExist, AttributeError, TypeError):
            # A rule that needs a value the cells could not give; those cells say why.
            if not failed:
                raise

    def check(self, instance, *, failed: set[str] = frozenset()) -> None:
        """The model's rules for one row; ValidationError by field. `failed`: the columns whose
        cells were refused, whose fields are left out."""
        unread = tuple(f for f, column in self.field_columns.items() if column in failed)
        instance.full_clean(
            exclude=(*self.clean_exclude, *unread),
            validate_unique=False,
            validate_constraints=False,
        )
        if not failed:
            self.validate_more(instance)

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


_START_NAMES = {"\t": "tab", "\r": "CR (carriage return)"}


def column_field(column: str) -> Field:
    return Field(column_name=column, readonly=False)
