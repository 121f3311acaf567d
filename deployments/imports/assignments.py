"""The assignment sheet, as in a Sprin annex: one row per TPS, rows with the same natural key
(force, identifier, start) merged into one assignment; written through the assignment door.

Imported set-based (bulk.py) like personnel: the file's people, their duties and their
unavailability are read once (a query per 2,000 people each), every row is checked by the
model's own rules against them (Assignment.clean with Bookings: no double booking, no duty
while unavailable, inside its phase, a post unless Pam TPS, the TPS set's rules), a row that
passes is booked so that later rows see it (an officer twice in one file overlaps), and the
whole file is written by assignments_save_many in one transaction. The row-by-row path of
import-export (bulk = False: each row saved through assignment_save, the model asking the
database) gives the same rows and the same errors; the tests hold the two equal.
"""

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from deployments.imports.assignment_reads import rows_span, tps_named
from deployments.imports.bulk import BulkSheetResource
from deployments.imports.cells import (
    CellError,
    cell_code,
    cell_identifier,
    cell_int,
    cell_text,
    choice_reader,
    local_time,
    parse_date,
    parse_moment,
    person_name,
    sheet_identifiers,
)
from deployments.imports.resource import column_field
from deployments.models import Assignment, Force, Personnel, Post, PostKind, Sprin, Unit
from deployments.selectors import current_operation
from deployments.services.assignments import assignment_save, assignment_validate, bulk_refusal
from deployments.services.assignments_bulk import (
    UPDATE_FIELDS,
    assignments_save_many,
    with_tps_sets,
)
from deployments.services.assignments_reads import among, bookings_of, personnel_lock_ids
from tps.models import TPS, Desa


class AssignmentResource(BulkSheetResource):
    update_fields = UPDATE_FIELDS
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

    matra = column_field("Matra")
    nrp = column_field("NRP/No. Registrasi")
    nama = column_field("Nama")
    pangkat = column_field("Pangkat")
    satuan = column_field("Satuan")
    desa = column_field("Kode Desa")
    nomor = column_field("No. TPS")
    jenis = column_field("Jenis Pos")
    pos = column_field("Nama Pos")
    mulai = column_field("Mulai")
    selesai = column_field("Selesai")
    sprin = column_field("No. Sprin")
    tgl_sprin = column_field("Tgl. Sprin")

    class Meta(BulkSheetResource.Meta):
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

    def row_name(self, values: dict) -> str:
        return person_name(values)

    def row_key(self, values: dict) -> tuple | None:
        try:
            return (
                self.force_of(values["Matra"]),
                cell_identifier(values)[0],
                parse_moment(values["Mulai"]),
            )
        except CellError:
            return None

    instance_key = row_key

    @cached_property
    def force_of(self) -> Callable[[object], str]:
        """The Matra reader of this import (four times a row): its labels are read once."""
        return choice_reader(Force, "Matra")

    @cached_property
    def kind_of(self) -> Callable[[object], str]:
        return choice_reader(PostKind, "Jenis Pos")

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
        tps = (cell_code(row.values["Kode Desa"]), cell_text(row.values["No. TPS"]).lstrip("0"))
        for other in rows:
            if (
                cell_code(other.values["Kode Desa"]),
                cell_text(other.values["No. TPS"]).lstrip("0"),
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
        identifiers = sheet_identifiers(dataset)
        self.people: dict[tuple[str, str], Personnel] = {}
        for part in among(Personnel.objects.order_by(), "identifier", identifiers):
            for person in part:
                self.people[(person.force, person.identifier)] = person
        # Their units read once each, not once per person (a Satlinmas has dozens).
        unit_ids = sorted({p.unit_id for p in self.people.values() if p.unit_id is not None})
        units = {u.pk: u for part in among(Unit.objects.all(), "pk", unit_ids) for u in part}
        for person in self.people.values():
            if person.unit_id is not None:
                person.unit = units[person.unit_id]
        if self.writing:
            # The file's people, locked together until the import commits: an admin assigning
            # one of them meanwhile waits, then sees the imported rows.
            # In primary-key order, as personnel_lock takes them.
            personnel_lock_ids(p.pk for p in self.people.values())
        codes = sorted(
            {cell_code(c) for cell in dataset["Kode Desa"] for c in cell if cell_code(c)}
        )
        self.desa_by_code = {
            d.code: d for part in among(Desa.objects.order_by(), "code", codes) for d in part
        }
        self.tps_by_key = tps_named(dataset, self.desa_by_code)
        self.posts = {(p.kind, p.name.casefold()): p for p in Post.objects.all()}
        self.sprins = {s.number.casefold(): s for s in Sprin.objects.all()}
        # Every duty and unavailability period of the file's people: the rows' overlap and
        # availability rules are answered from them, and the stored duties are the rows' own.
        self.bookings = bookings_of(
            self.people.values(),
            posts=self.posts.values(),
            sprins=self.sprins.values(),
            phases=self.phases,
            within=rows_span(dataset),
        )
        for duties in self.bookings.duties.values():
            for assignment in duties:
                person = assignment.personnel
                self.existing[(person.force, person.identifier, assignment.starts_at)] = assignment
        # The TPS sets of the stored duties the file names (its preview compares them).
        # Each row's key as prepare read it (stored_for looks it up by the row's number).
        self.keys = self.row_keys
        with_tps_sets([self.existing[key] for key in self.keys if key in self.existing])
        self.tps_wanted: dict[int, list[TPS]] = {}
        self.tps_of: dict[int, list[TPS]] = {}  # id(assignment) → its TPS set, to write

    def read_row(self, assignment: Assignment, row, errors) -> None:
        force = identifier = None
        try:
            force = self.force_of(row["Matra"])
        except CellError as exc:
            errors["Matra"].append(str(exc))
        identifier, written = cell_identifier(row)
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
            _link(assignment, "personnel", person)
            self.check_person(person, row, errors)
        try:
            assignment.kind = self.kind_of(row["Jenis Pos"])
        except CellError as exc:
            errors["Jenis Pos"].append(str(exc))
        post_name = cell_text(row["Nama Pos"])
        _link(assignment, "post", None)
        if post_name and assignment.kind:
            _link(assignment, "post", self.posts.get((assignment.kind, post_name.casefold())))
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
            phase = self.phase_at(assignment.starts_at)
            if phase is None:
                errors["Mulai"].append(_("Waktu mulai di luar semua tahapan operasi."))
            else:
                _link(assignment, "phase", phase)
        self.read_sprin(assignment, row, errors)
        assignment.status = Assignment.Status.ACTIVE

    def phase_at(self, moment: datetime):
        # A roster's rows start at a few moments: each phase is looked up once per moment.
        cache = self.__dict__.setdefault("_phases_at", {})
        if moment not in cache:
            cache[moment] = next(
                (p for p in self.phases if p.starts_at <= moment < p.ends_at), None
            )
        return cache[moment]

    def check_person(self, person: Personnel, row, errors) -> None:
        """Name, rank and unit in an assignment sheet are checks, not edits: a wrong NRP
        pointing at somebody else is caught here rather than silently assigned."""
        expected = {"Nama": person.name, "Pangkat": person.rank_label, "Satuan": person.unit.name}
        for column, value in expected.items():
            written = cell_text(row[column])
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
            code = cell_code(raw_code)
            if not code and cell_text(raw_number) == "":
                continue
            if code not in self.desa_by_code:
                errors["Kode Desa"].append(_("Kode desa %s tidak dikenal.") % (code or _("kosong")))
                continue
            try:
                number = cell_int(raw_number, low=1, high=999, strip_prefix="TPS")
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
        number = cell_text(row["No. Sprin"])
        _link(assignment, "sprin", None)
        if not number:
            return
        sprin = self.sprins.get(number.casefold())
        if sprin is None:
            errors["No. Sprin"].append(_("Sprin %s belum ada; buat dulu di admin Sprin.") % number)
            return
        _link(assignment, "sprin", sprin)
        if cell_text(row["Tgl. Sprin"]):
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

    def check(self, assignment: Assignment, *, failed: set[str] = frozenset()) -> None:
        # The fields of refused cells are empty; what the model says of them is dropped.
        # Set-based, against what preload read; row by row (bulk = False), the database.
        assignment_validate(
            assignment,
            tps=self.tps_wanted.get(self.row_number, []),
            bookings=self.bookings if self.bulk else None,
        )

    def bulk_row(self, row: dict):
        """The row as BulkSheetResource checks it; what passed is then booked, so that later
        rows see it as the row-by-row path sees a saved row, and a stored duty that a failed
        row changed stays as stored."""
        self.stored = self.before_row = None
        instance = super().bulk_row(row)
        report = self.reports[self.row_number]
        if report.errors:
            if self.stored is not None:
                self.bookings.restore(self.stored, self.before_row)
            return None
        if instance is not None:
            self.bookings.book(instance)
            self.tps_of[id(instance)] = self.tps_wanted.get(self.row_number, [])
        return instance

    def new_instance(self) -> Assignment:
        # A copy of one blank assignment, its state made anew: Assignment() sets the defaults
        # of its 13 fields one by one, a tenth of the time a row takes to check.
        blank = self.__dict__.get("_blank")
        if blank is None:
            blank = self._blank = Assignment()
        assignment = Assignment.__new__(Assignment)
        assignment.__dict__.update(blank.__dict__)
        assignment._state = ModelState()
        return assignment

    def stored_for(self, row: dict):
        # A copy of the stored duty as it was, before the row changes it in memory.
        key = self.keys[self.row_number - 1]
        self.stored = self.existing.get(key) if key is not None else None
        self.before_row = copy.copy(self.stored) if self.stored is not None else None
        return self.stored

    def write(self, creates: list, updates: list) -> None:
        assignments_save_many(
            creates=creates,
            updates=updates,
            tps_of=lambda a: self.tps_of[id(a)],
            by=self.user,
            reason=self.reason,
        )

    def refusal(self, exc: Exception) -> str:
        return bulk_refusal(exc)

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

    def do_instance_save(self, instance, is_create) -> None:
        # Through the assignment door, like every other writer: history, the TPS set, the
        # overlap the database alone saw (another writer's uncommitted row) as the clear message.
        try:
            assignment_save(
                instance,
                tps=self.tps_wanted.get(self.row_number, []),
                by=self.user,
                reason=self.reason,
            )
        except ValidationError as exc:
            raise ValidationError({"": exc.messages}) from exc

    def save_m2m(self, instance, row, **kwargs) -> None:
        pass  # do_instance_save wrote the TPS set with the row

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
                local_time(a.starts_at),
                local_time(a.ends_at),
                a.sprin.number if a.sprin_id else "",
                a.sprin.date if a.sprin_id else None,
            ]
            stations = sorted(a.tps.all(), key=lambda t: (t.desa.code, t.number))
            for tps in stations or [None]:
                where = [tps.desa.code, f"{tps.number:03d}"] if tps else ["", ""]
                yield [*head, *where, *tail]


def _link(assignment: Assignment, field: str, row) -> None:
    """assignment.<field> = row, as the foreign key's descriptor sets it (the id and the cached
    row), without its checks of the row's type and database, a fifth of the time a row took
    to read: `row` is one this import read, or None."""
    assignment.__dict__[f"{field}_id"] = None if row is None else row.pk
    assignment._state.fields_cache[field] = row


def _same(value) -> object:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value
