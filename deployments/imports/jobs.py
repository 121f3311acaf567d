"""The import as a job: the upload kept as a row, a dry run whose preview is stored, a
confirmation, and the real run in one transaction; all-or-nothing."""

import gc
import hashlib
import logging
import queue
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.results import RowResult

from deployments.imports.kinds import RESOURCES
from deployments.imports.resource import RowReport, SheetResource
from deployments.imports.sheets import (
    BACKGROUND_ROW_LIMIT,
    INTERACTIVE_ROW_LIMIT,
    SheetError,
    check_upload,
    read_sheet,
    thousands,
)
from deployments.models import ImportJob

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 500  # rows listed in the preview; counts and errors cover the whole file


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
    """Keep the upload as a job; refused before parsing when it is over the size limit, or an
    XLSX whose zip directory or declared extent is over the limits (sheets.check_upload)."""
    check_upload(content, row_limit=BACKGROUND_ROW_LIMIT if background else INTERACTIVE_ROW_LIMIT)
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


@contextmanager
def _without_cyclic_gc():
    """The rows' objects (cells, instances, reports) live until the import ends and hold no
    cycles: the cyclic collector would only walk them again and again, a quarter of the CPU of
    a 156,000-row import. Reference counting still frees everything."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@_without_cyclic_gc()
def _run(job: ImportJob, *, dry_run: bool, user) -> Outcome:
    resource_class = RESOURCES[job.kind]
    limit = BACKGROUND_ROW_LIMIT if job.background else INTERACTIVE_ROW_LIMIT
    sheet = read_sheet(
        bytes(job.content), job.file_name, columns=resource_class.columns, row_limit=limit
    )
    _set(job, total_rows=len(sheet.rows), processed_rows=0)
    progress = _progress_writer(job) if job.background else None
    try:
        resource = resource_class(
            user=user,
            reason=_("Impor %(name)s (#%(id)s)") % {"name": job.file_name, "id": job.pk},
            progress=progress,
            writing=not dry_run,
        )
        return _import(resource, sheet, dry_run=dry_run)
    finally:
        if hasattr(progress, "close"):
            progress.close()


def _import(resource: SheetResource, sheet, *, dry_run: bool) -> Outcome:
    dataset, refused = resource.prepare(sheet)
    # Rows refused before validation make this a dry run whatever was asked.
    dry_run = dry_run or bool(refused)
    if getattr(resource, "bulk", False):
        for message in resource.bulk_import(dataset, dry_run=dry_run):
            refused.append(RowReport(lines=[], kind="error", errors=[("", message)]))
        return _summary(resource.reports[1:], refused)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
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
    return _summary(reports[1:], refused)


def _summary(reports: list[RowReport], refused: list[RowReport]) -> Outcome:
    """Counts, every error of every row (with the row's name) and the preview's first rows."""
    every = sorted([*reports, *refused], key=lambda r: r.lines[:1] or [0])
    counts = dict.fromkeys(("new", "update", "skip", "invalid"), 0)
    for report in every:
        kind = "invalid" if report.errors else report.kind
        counts[kind] = counts.get(kind, 0) + 1
    errors = [
        {"lines": _lines(r.lines), "name": r.name, "column": column, "message": message}
        for r in every
        for column, message in r.errors
    ]
    shown = islice((r for r in every if r.kind != "skip" or r.notes), PREVIEW_ROWS)
    rows = [
        {
            "lines": _lines(r.lines),
            "kind": "invalid" if r.errors else r.kind,
            "label": r.label or (str(r.record) if r.record is not None else "") or r.name,
            "changes": r.changes,
            "notes": r.notes,
        }
        for r in shown
    ]
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
    progress goes through a second connection (Django's are per thread), held by one thread for
    the whole import: a connection opened per write cost ~50 ms, 30 s over a Polda roster. Only
    on PostgreSQL: SQLite has one writer at a time, and it is the import.
    """
    if connection.vendor != "postgresql":
        return None
    return _ProgressWriter(job.pk, job.total_rows)


class _ProgressWriter:
    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.total = job_id, total
        self.requests: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def __call__(self, done: int) -> None:
        # Waits for the write, so that whoever looks next sees it.
        written = threading.Event()
        self.requests.put((done, written))
        written.wait(timeout=10)

    def close(self) -> None:
        self.requests.put(None)
        self.thread.join(timeout=10)

    def _serve(self) -> None:
        try:
            while (request := self.requests.get()) is not None:
                done, written = request
                try:
                    ImportJob.objects.filter(pk=self.job_id).update(
                        processed_rows=min(done, self.total)
                    )
                except Exception:  # progress is a courtesy; the import goes on without it
                    logger.exception("import %s: progress not written", self.job_id)
                finally:
                    written.set()
        finally:
            connections.close_all()
