"""The set-based import: every row read and validated in memory against what one query per
table loaded, then written with bulk_create / bulk_update in batches, inside one transaction.

What import-export's row-by-row import did per row (a lookup, a save, a history row, a signal
queueing the coverage recompute: 8 queries a row) is done here per batch of BATCH rows: the
query count of an import does not grow with its rows, except by one query per batch. The rules
stay the model's (full_clean, the resource's own checks); history rows are written in bulk with
the importing user and the reason; coverage is told once; the database's constraints remain the
last line, and anything they refuse undoes the whole import.
"""

from collections import defaultdict
from typing import ClassVar

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deployments.coverage import coverage_inputs_changed
from deployments.imports import resource as base
from deployments.imports.cells import CellError, show
from deployments.imports.resource import SheetResource

BATCH = 2_000  # rows per INSERT/UPDATE statement: well under PostgreSQL's 65,535 parameters


class BulkSheetResource(SheetResource):
    """A resource imported set-based (BulkSheetResource.bulk_import), not by import_data."""

    bulk: ClassVar[bool] = True
    # The model fields an update may change (the natural key never changes).
    update_fields: ClassVar[tuple[str, ...]]

    def bulk_import(self, dataset, *, dry_run: bool) -> list[str]:
        """Validate every row into self.reports; unless dry_run or a row failed, write them all
        or none. Returns the database's refusals (nothing was written then)."""
        headers = dataset.headers
        creates: list = []
        updates: list = []
        with transaction.atomic():
            self.preload(dataset)
            for number, values in enumerate(dataset, start=1):
                self.row_number = number
                instance = self.bulk_row(dict(zip(headers, values, strict=True)))
                if instance is not None:
                    (creates if instance.pk is None else updates).append(instance)
                if self.progress and number % base.PROGRESS_EVERY == 0:
                    self.progress(number)
            self.check_rows()
            if dry_run or any(report.errors for report in self.reports[1:]):
                return []
            try:
                with transaction.atomic():
                    self.write(creates, updates)
            except (IntegrityError, DataError) as exc:
                return [self.refusal(exc)]
        return []

    def refusal(self, exc: Exception) -> str:
        """What the database refused (nothing was written), in Indonesian."""
        return _("Kesalahan basis data: %s") % exc

    def bulk_row(self, row: dict):
        """One row: its report filled in; the instance to write, or None (unchanged, invalid)."""
        report = self.reports[self.row_number]
        existing = self.stored_for(row)
        instance = existing if existing is not None else self.new_instance()
        before = self.signature(instance, saved=True) if existing is not None else None
        errors: dict[str, list[str]] = defaultdict(list)
        self.read_row(instance, row, errors)
        self.check_into(instance, errors)
        report.errors.extend(
            (column, str(message)) for column, messages in errors.items() for message in messages
        )
        if report.errors:
            report.kind = "invalid"
            return None
        report.record = instance
        if before is None:
            report.kind = "new"
            return instance
        after = self.signature(instance, saved=False)
        report.changes = [
            f"{column}: {show(before.get(column))} → {show(value)}"
            for column, value in after.items()
            if before.get(column) != value
        ]
        report.kind = "update" if report.changes else "skip"
        return instance if report.changes else None

    def stored_for(self, row: dict):
        """The stored record the row is about, or None (a new one, or an unreadable key)."""
        try:
            return self.existing.get(self.instance_key(row))
        except (CellError, KeyError):
            return None

    def new_instance(self):
        return self._meta.model()

    def check_rows(self) -> None:
        """Rules across the rows (one query each, not one per row); errors into the reports."""

    def error(self, number: int, column: str, message: str) -> None:
        self.reports[number].errors.append((column, message))

    def write(self, creates: list, updates: list) -> None:
        model = self._meta.model
        reason = self.reason[:100]
        if creates:
            bulk_create_with_history(
                creates,
                model,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=reason,
            )
        if updates:
            bulk_update_with_history(
                updates,
                model,
                fields=list(self.update_fields),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=reason,
            )
        if creates or updates:
            # Bulk writes send no signals: coverage is told once, for the whole import.
            coverage_inputs_changed()
