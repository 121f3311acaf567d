"""Import and export of personnel, TPS and assignments from XLSX and CSV (django-import-export).

One fixed set of Indonesian column headers per kind, declared once on its Resource and shared by
the import, the export and the downloadable template, so that an exported roster re-imports
unchanged. Natural keys: personnel (force, identifier), TPS (desa code, number), assignment
(force, identifier, phase, start; the phase is the one its start falls in).

Flow (jobs): the upload becomes an ImportJob row → import_job_validate runs the whole file as a
dry run and stores a preview (new / changed / unchanged rows, and every error of every row: its
line, the row's name, the column and the reason) → an admin confirms → import_job_apply runs it
again for real in one transaction. All-or-nothing: one bad row and nothing is written.

Personnel (a Polda roster: 156,000 rows), TPS and assignments are imported set-based (bulk):
the rows are validated in memory by the model's rules against what one query per table loaded,
and written with bulk_create / bulk_update and their history in batches, coverage told once.
Assignments are checked by Assignment.clean against the people's duties and unavailability
read once (Bookings); a row that passes is booked, so later rows see it (an officer twice in
one file overlaps), and the file is written by
deployments.services.assignments_bulk.assignments_save_many.
Their row-by-row path through import-export (bulk = False, each row saved by assignment_save)
is kept as the reference the tests compare with.

An assignment that covers several TPS (a Polri pair over 4 TPS) is one row per TPS in the sheet,
as in a Sprin annex; rows with the same natural key are merged into one assignment.

Unavailability (sick, leave, other duty) and BKO lists (masuk and keluar) are imported the
same way, set-based, against the people's duties and periods read once (periods, bko).

sheets: reading and writing the files, defensively. cells: one cell's value. resource: the base
resource; bulk: the set-based one. personnel, tps, assignments, periods (unavailability), bko:
one resource per kind (kinds maps
them). jobs: the service. exports: lists, templates and the Sprin annex. tasks: the Celery
interfaces.
"""

from deployments.imports.assignments import AssignmentResource
from deployments.imports.cells import CellError, parse_date, parse_moment
from deployments.imports.exports import annex_bytes, annex_queryset, export_bytes, template_bytes
from deployments.imports.jobs import (
    ImportNotReady,
    Outcome,
    import_job_apply,
    import_job_claim,
    import_job_create,
    import_job_validate,
)
from deployments.imports.kinds import RESOURCES
from deployments.imports.personnel import PersonnelResource
from deployments.imports.resource import RowReport, SheetResource
from deployments.imports.tps import TPSResource

__all__ = [
    "RESOURCES",
    "AssignmentResource",
    "CellError",
    "ImportNotReady",
    "Outcome",
    "PersonnelResource",
    "RowReport",
    "SheetResource",
    "TPSResource",
    "annex_bytes",
    "annex_queryset",
    "export_bytes",
    "import_job_apply",
    "import_job_claim",
    "import_job_create",
    "import_job_validate",
    "parse_date",
    "parse_moment",
    "template_bytes",
]
