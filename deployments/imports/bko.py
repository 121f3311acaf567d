"""The BKO list (issue #18): one row per person and period, in (masuk: attached here from an
origin unit outside the Polres, a BkoIn) or out (keluar: lent to another unit, an
Unavailability of kind bko_out), keyed by direction, force, NRP or register number and start.

The people must be registered already: a contingent attached here is first imported as
personnel of the unit they are attached to (the personnel sheet), then listed here with their
origin. Each row is checked by the model's rules against the person's duties and periods read
once (periods.py): a BKO masuk that would leave a duty the person holds outside every BKO
period of theirs, or meets another of them, and a BKO keluar over a duty, are refused with
the row and the reason; nothing is written when any row is.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deployments.imports.bulk import BATCH, BulkSheetResource
from deployments.imports.cells import (
    CellError,
    cell_text,
    choice_reader,
    local_time,
    parse_date,
)
from deployments.imports.periods import PersonPeriodResource
from deployments.imports.resource import column_field
from deployments.models import BkoIn, Unavailability
from deployments.services.assignments_reads import among

COVER_TRIGGER = "deployments_bkoin_leaves_duty_outside"  # migration 0017


class Direction(models.TextChoices):
    IN = "masuk", gettext_lazy("Masuk")
    OUT = "keluar", gettext_lazy("Keluar")


class BkoResource(PersonPeriodResource):
    columns = (
        "Arah",
        "Matra",
        "NRP/No. Registrasi",
        "Nama",
        "Satuan Asal/Tujuan",
        "Mulai",
        "Selesai",
        "No. Sprin",
        "Tgl. Sprin",
        "Keterangan",
    )
    field_columns = {
        "personnel": "NRP/No. Registrasi",
        "origin_unit": "Satuan Asal/Tujuan",
        "destination": "Satuan Asal/Tujuan",
        "starts_at": "Mulai",
        "ends_at": "Selesai",
        "sprin_number": "No. Sprin",
        "sprin_date": "Tgl. Sprin",
        "note": "Keterangan",
        "reason": "Keterangan",
        "kind": "Arah",
    }
    notes_help = (
        ("Arah", "Masuk (diperbantukan ke sini) atau Keluar (diperbantukan ke satuan lain)."),
        ("Matra", "Polri, TNI atau Linmas."),
        (
            "NRP/No. Registrasi",
            "Personel harus sudah terdaftar; BKO masuk didaftarkan lebih dulu lewat impor "
            "personel di satuan tempat ia diperbantukan.",
        ),
        ("Nama", "Diperiksa terhadap data personel; boleh kosong."),
        ("Satuan Asal/Tujuan", "Masuk: satuan asal (mis. Sat Brimob Polda Jatim); keluar: tujuan."),
        ("Mulai", "dd/mm/yyyy HH.MM atau yyyy-mm-dd HH:MM (WIB), atau sel tanggal Excel."),
        ("Selesai", "Seperti Mulai; tanggal saja berarti sampai akhir hari itu."),
        ("No. Sprin", "Nomor surat perintah BKO; wajib."),
        ("Tgl. Sprin", "Tanggal surat perintah BKO; wajib."),
        ("Keterangan", "Boleh kosong."),
    )

    arah = column_field("Arah")
    matra = column_field("Matra")
    nrp = column_field("NRP/No. Registrasi")
    nama = column_field("Nama")
    satuan = column_field("Satuan Asal/Tujuan")
    mulai = column_field("Mulai")
    selesai = column_field("Selesai")
    sprin = column_field("No. Sprin")
    tgl_sprin = column_field("Tgl. Sprin")
    keterangan = column_field("Keterangan")

    class Meta(BulkSheetResource.Meta):
        model = BkoIn
        fields = (
            "arah",
            "matra",
            "nrp",
            "nama",
            "satuan",
            "mulai",
            "selesai",
            "sprin",
            "tgl_sprin",
            "keterangan",
        )
        import_id_fields = ("arah", "matra", "nrp", "mulai")

    @cached_property
    def direction_of(self) -> Callable[[object], str]:
        return choice_reader(Direction, "Arah")

    def instance_key(self, row) -> tuple:
        return (self.direction_of(row["Arah"]), *self.person_key(row))

    def preload(self, dataset) -> None:
        self.load_people(dataset)
        ids = [*self.by_pk]
        # Every BKO masuk period of the people: each row is checked against the others.
        self.attachments: dict[int, list[BkoIn]] = defaultdict(list)
        for part in among_people(BkoIn.objects.order_by(), ids):
            for period in part:
                person = period.personnel = self.by_pk[period.personnel_id]
                self.attachments[person.pk].append(period)
                self.existing[(Direction.IN, person.force, person.identifier, period.starts_at)] = (
                    period
                )
        lent = Unavailability.objects.filter(kind=Unavailability.Kind.BKO_OUT).order_by()
        for part in among_people(lent, ids):
            for period in part:
                person = period.personnel = self.by_pk[period.personnel_id]
                key = (Direction.OUT, person.force, person.identifier, period.starts_at)
                self.existing[key] = period

    def stored_for(self, row: dict):
        try:
            self.direction = self.direction_of(row["Arah"])
        except CellError:
            self.direction = None
        return super().stored_for(row)

    def new_instance(self):
        if self.direction == Direction.OUT:
            return Unavailability(kind=Unavailability.Kind.BKO_OUT)
        return BkoIn()

    def read_row(self, period, row, errors) -> None:
        if self.direction is None:
            try:
                self.direction_of(row["Arah"])
            except CellError as exc:
                errors["Arah"].append(str(exc))
        person = self.read_person(row, errors)
        if person is not None:
            period.personnel = person
        unit = cell_text(row["Satuan Asal/Tujuan"])
        if not unit:
            errors["Satuan Asal/Tujuan"].append(_("Wajib diisi."))
        if isinstance(period, BkoIn):
            period.origin_unit = unit
            period.note = cell_text(row["Keterangan"])
        else:
            period.destination = unit
            period.reason = cell_text(row["Keterangan"])
        self.read_window(period, row, errors)
        period.sprin_number = cell_text(row["No. Sprin"])
        if not period.sprin_number:
            errors["No. Sprin"].append(_("Wajib diisi."))
        try:
            period.sprin_date = parse_date(row["Tgl. Sprin"])
        except CellError as exc:
            errors["Tgl. Sprin"].append(str(exc))

    def check(self, period, *, failed: set[str] = frozenset()) -> None:
        duties = self.duties.get(period.personnel_id, [])
        if isinstance(period, BkoIn):
            periods = self.attachments.get(period.personnel_id, [])
            self.clean_period(period, failed=failed, duties=duties, periods=periods)
        else:
            self.clean_period(period, failed=failed, duties=duties)

    def bulk_row(self, row: dict):
        """A masuk row that passed is one of its person's periods for the rows after it."""
        instance = super().bulk_row(row)
        if isinstance(instance, BkoIn) and instance.pk is None:
            self.attachments[instance.personnel_id].append(instance)
        return instance

    def write(self, creates: list, updates: list) -> None:
        # Neither model keeps a history; neither is an input of coverage.
        for model, fields in (
            (BkoIn, ("origin_unit", "ends_at", "sprin_number", "sprin_date", "note")),
            (Unavailability, ("destination", "ends_at", "sprin_number", "sprin_date", "reason")),
        ):
            mine = [i for i in creates if type(i) is model]
            model.objects.bulk_create(mine, batch_size=BATCH)
            changed = [i for i in updates if type(i) is model]
            if changed:
                model.objects.bulk_update(changed, fields, batch_size=BATCH)

    def refusal(self, exc: Exception) -> str:
        if COVER_TRIGGER in str(exc):
            return (
                _(
                    "Kesalahan basis data: ada personel BKO yang tugasnya, disimpan bersamaan oleh "
                    "pengguna lain, berada di luar periode BKO-nya (%s). Tidak ada yang disimpan; "
                    "periksa lagi lalu ulangi."
                )
                % COVER_TRIGGER
            )
        return super().refusal(exc)

    def signature(self, period, *, saved: bool) -> dict[str, object]:
        inbound = isinstance(period, BkoIn)
        return {
            "Satuan Asal/Tujuan": period.origin_unit if inbound else period.destination,
            "Selesai": period.ends_at,
            "No. Sprin": period.sprin_number,
            "Tgl. Sprin": period.sprin_date,
            "Keterangan": period.note if inbound else period.reason,
        }

    def export_rows(self, queryset) -> Iterable[list]:
        inbound = queryset.model is BkoIn
        if not inbound:
            queryset = queryset.filter(kind=Unavailability.Kind.BKO_OUT)
        queryset = queryset.select_related("personnel").order_by(
            "personnel__force", "personnel__name", "starts_at"
        )
        for period in queryset:
            person = period.personnel
            yield [
                str(Direction.IN.label if inbound else Direction.OUT.label),
                person.get_force_display(),
                person.identifier,
                person.name,
                period.origin_unit if inbound else period.destination,
                local_time(period.starts_at),
                local_time(period.ends_at),
                period.sprin_number,
                period.sprin_date,
                period.note if inbound else period.reason,
            ]


def among_people(queryset, ids):
    return among(queryset, "personnel_id", ids)
