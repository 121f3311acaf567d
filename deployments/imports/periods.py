"""The sheets of a person's periods (issue #18): the unavailability list (sick, leave, other
duty) and, built on it, the BKO list (bko.py). One row per period, keyed by force, NRP or
register number and start; the people must be registered already.

Imported set-based like the assignments: the file's people, every duty they hold and their
periods are read once (a query per 2,000 people each), every row is checked by the model's own
rules against them (Unavailability.clean with the duties read: a period over a duty the
person holds is refused, naming the duty), and the whole file is written in one transaction
under the people's row locks, so that an admin giving one of them a duty meanwhile waits and
then sees the periods. The database's triggers (migrations 0013, 0017) remain the last line:
what they refuse undoes the whole import.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deployments.imports.bulk import BATCH, BulkSheetResource
from deployments.imports.cells import (
    CellError,
    cell_identifier,
    cell_text,
    choice_reader,
    local_time,
    parse_moment,
    person_name,
    sheet_identifiers,
)
from deployments.imports.resource import column_field
from deployments.models import Assignment, Force, Personnel, Unavailability
from deployments.services.assignments_reads import among, personnel_lock_ids

DUTY_TRIGGER = "deployments_unavailability_over_duty"  # migration 0013


class AbsenceKinds:
    """The kinds this sheet records: BKO keluar goes through the BKO list, with its order."""

    choices = [c for c in Unavailability.Kind.choices if c[0] != Unavailability.Kind.BKO_OUT]


class PersonPeriodResource(BulkSheetResource):
    """A sheet of periods of registered people: their lookup, their duties read once, the
    people locked while the file is written."""

    def row_name(self, values: dict) -> str:
        return person_name(values)

    @cached_property
    def force_of(self) -> Callable[[object], str]:
        return choice_reader(Force, "Matra")

    def load_people(self, dataset) -> None:
        identifiers = sheet_identifiers(dataset)
        self.people: dict[tuple[str, str], Personnel] = {}
        for part in among(Personnel.objects.order_by(), "identifier", identifiers):
            for person in part:
                self.people[(person.force, person.identifier)] = person
        if self.writing:
            # In primary-key order, as personnel_lock takes them.
            personnel_lock_ids(p.pk for p in self.people.values())
        # Every duty they hold, cancelled ones left out: a period may meet any of them.
        self.duties: dict[int, list[Assignment]] = defaultdict(list)
        by_pk = {p.pk: p for p in self.people.values()}
        for part in among(Assignment.objects.not_cancelled().order_by(), "personnel_id", [*by_pk]):
            for duty in part:
                duty.personnel = by_pk[duty.personnel_id]
                self.duties[duty.personnel_id].append(duty)
        self.by_pk = by_pk

    def read_person(self, row, errors) -> Personnel | None:
        force = None
        try:
            force = self.force_of(row["Matra"])
        except CellError as exc:
            errors["Matra"].append(str(exc))
        identifier, written = cell_identifier(row)
        if written and written != identifier:
            self.note(_("NRP %(raw)s ditulis %(clean)s.") % {"raw": written, "clean": identifier})
        person = self.people.get((force, identifier))
        if person is None and force:
            errors["NRP/No. Registrasi"].append(
                _("Personel %(force)s %(id)s belum terdaftar; impor data personel dulu.")
                % {"force": Force(force).label, "id": identifier or "-"}
            )
        if person is not None:
            written_name = cell_text(row["Nama"])
            if written_name and written_name.casefold() != " ".join(person.name.split()).casefold():
                errors["Nama"].append(
                    _(
                        "Berbeda dengan data personel %(id)s (%(value)s). Ubah lewat impor "
                        "personel bila data itu yang salah."
                    )
                    % {"id": person.identifier, "value": person.name}
                )
        return person

    def read_window(self, instance, row, errors) -> None:
        for column, attr, end in (("Mulai", "starts_at", False), ("Selesai", "ends_at", True)):
            try:
                setattr(instance, attr, parse_moment(row[column], end=end))
            except CellError as exc:
                errors[column].append(str(exc))
                setattr(instance, attr, None)

    def person_key(self, row) -> tuple:
        return (self.force_of(row["Matra"]), cell_identifier(row)[0], parse_moment(row["Mulai"]))

    def row_key(self, values: dict) -> tuple | None:
        try:
            return self.instance_key(values)
        except CellError:
            return None

    def clean_period(self, period, *, failed: set[str], **context) -> None:
        """clean_fields and the model's clean() given what was read (full_clean's steps,
        without its query per foreign key and per row)."""
        unread = [f for f, column in self.field_columns.items() if column in failed]
        errors: dict = {}
        try:
            period.clean_fields(exclude=["personnel", *unread])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not failed and not errors:
            try:
                period.clean(**context)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def refusal(self, exc: Exception) -> str:
        if DUTY_TRIGGER in str(exc):
            return (
                _(
                    "Kesalahan basis data: ada periode yang meliputi tugas yang disimpan bersamaan "
                    "oleh pengguna lain (%s). Tidak ada yang disimpan; periksa lagi lalu ulangi."
                )
                % DUTY_TRIGGER
            )
        return super().refusal(exc)


class UnavailabilityResource(PersonPeriodResource):
    """Sick, leave and other duty: one row per period."""

    columns = ("Matra", "NRP/No. Registrasi", "Nama", "Jenis", "Mulai", "Selesai", "Alasan")
    field_columns = {
        "personnel": "NRP/No. Registrasi",
        "kind": "Jenis",
        "starts_at": "Mulai",
        "ends_at": "Selesai",
        "reason": "Alasan",
    }
    update_fields = ("kind", "ends_at", "reason")
    notes_help = (
        ("Matra", "Polri, TNI atau Linmas."),
        ("NRP/No. Registrasi", "Personel harus sudah terdaftar (impor personel dulu)."),
        ("Nama", "Diperiksa terhadap data personel; boleh kosong."),
        ("Jenis", "Sakit, Cuti atau Dinas lain (BKO keluar lewat daftar BKO)."),
        ("Mulai", "dd/mm/yyyy HH.MM atau yyyy-mm-dd HH:MM (WIB), atau sel tanggal Excel."),
        ("Selesai", "Seperti Mulai; tanggal saja berarti sampai akhir hari itu."),
        ("Alasan", "Boleh kosong."),
    )

    matra = column_field("Matra")
    nrp = column_field("NRP/No. Registrasi")
    nama = column_field("Nama")
    jenis = column_field("Jenis")
    mulai = column_field("Mulai")
    selesai = column_field("Selesai")
    alasan = column_field("Alasan")

    class Meta(BulkSheetResource.Meta):
        model = Unavailability
        fields = ("matra", "nrp", "nama", "jenis", "mulai", "selesai", "alasan")
        import_id_fields = ("matra", "nrp", "mulai")

    def instance_key(self, row) -> tuple:
        return self.person_key(row)

    @cached_property
    def kind_of(self) -> Callable[[object], str]:
        return choice_reader(AbsenceKinds, "Jenis")

    def preload(self, dataset) -> None:
        self.load_people(dataset)
        stored = Unavailability.objects.exclude(kind=Unavailability.Kind.BKO_OUT).order_by()
        for part in among(stored, "personnel_id", [*self.by_pk]):
            for period in part:
                person = period.personnel = self.by_pk[period.personnel_id]
                self.existing[(person.force, person.identifier, period.starts_at)] = period

    def read_row(self, period: Unavailability, row, errors) -> None:
        person = self.read_person(row, errors)
        if person is not None:
            period.personnel = person
        try:
            period.kind = self.kind_of(row["Jenis"])
        except CellError as exc:
            errors["Jenis"].append(str(exc))
        self.read_window(period, row, errors)
        period.reason = cell_text(row["Alasan"])

    def check(self, period: Unavailability, *, failed: set[str] = frozenset()) -> None:
        self.clean_period(period, failed=failed, duties=self.duties.get(period.personnel_id, []))

    def write(self, creates: list, updates: list) -> None:
        # No history on periods (the model keeps none); no coverage input either.
        Unavailability.objects.bulk_create(creates, batch_size=BATCH)
        if updates:
            Unavailability.objects.bulk_update(updates, self.update_fields, batch_size=BATCH)

    def signature(self, period: Unavailability, *, saved: bool) -> dict[str, object]:
        return {
            "Jenis": period.get_kind_display() if period.kind else "",
            "Selesai": period.ends_at,
            "Alasan": period.reason,
        }

    def export_rows(self, queryset) -> Iterable[list]:
        queryset = (
            queryset.exclude(kind=Unavailability.Kind.BKO_OUT)
            .select_related("personnel")
            .order_by("personnel__force", "personnel__name", "starts_at")
        )
        for period in queryset:
            person = period.personnel
            yield [
                person.get_force_display(),
                person.identifier,
                person.name,
                period.get_kind_display(),
                local_time(period.starts_at),
                local_time(period.ends_at),
                period.reason,
            ]
