"""The personnel sheet: one row per person, keyed by force and NRP or register number."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from django.utils.translation import gettext as _

from core import clock
from deployments.imports.bulk import BulkSheetResource
from deployments.imports.cells import (
    CellError,
    cell_code,
    cell_identifier,
    cell_text,
    cell_yes_no,
    choice_reader,
    chunks,
    person_name,
    sheet_identifiers,
)
from deployments.imports.resource import column_field
from deployments.models import Assignment, Force, Personnel, Unit
from deployments.ranks import RANKS_BY_FORCE
from tps.models import Desa


class PersonnelResource(BulkSheetResource):
    """Imported set-based (bulk.py): a Polda roster of 156,000 rows in one transaction."""

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
    phone_columns = ("Telepon",)
    duplicates_refuse_both = True
    update_fields = ("name", "rank", "corps", "unit", "phone", "home_desa", "active")
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

    matra = column_field("Matra")
    nrp = column_field("NRP/No. Registrasi")
    nama = column_field("Nama")
    pangkat = column_field("Pangkat")
    korps = column_field("Korps")
    satuan = column_field("Satuan")
    telepon = column_field("Telepon")
    desa = column_field("Kode Desa Asal")
    aktif = column_field("Aktif")

    class Meta(BulkSheetResource.Meta):
        model = Personnel
        fields = ("matra", "nrp", "nama", "pangkat", "korps", "satuan", "telepon", "desa", "aktif")
        import_id_fields = ("matra", "nrp")

    def row_name(self, values: dict) -> str:
        return person_name(values)

    def row_key(self, values: dict) -> tuple | None:
        # Two rows whose numbers differ only in case or separators are one person twice.
        try:
            force = self.force_of(values["Matra"])
        except CellError:
            return None
        return (force, Personnel.normalise_identifier(cell_identifier(values)[0]))

    def instance_key(self, row) -> tuple:
        return (self.force_of(row["Matra"]), cell_identifier(row)[0])

    @cached_property
    def force_of(self) -> Callable[[object], str]:
        """The Matra reader of this import, three times a row: its labels are read once."""
        return choice_reader(Force, "Matra")

    def preload(self, dataset) -> None:
        # The file's people (one query per 2,000 NRPs), every unit and every desa: the rows
        # are then read without a query; units and desa are shared by the people who name them.
        self.units = list(Unit.objects.all())
        self.units_by_id = {u.pk: u for u in self.units}
        self.units_by_code = {u.code.casefold(): u for u in self.units}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.units_by_name[unit.name.casefold()].append(unit)
        desa = list(Desa.objects.only("pk", "code", "name"))
        self.desa_by_code = {d.code: d for d in desa}
        self.desa_by_id = {d.pk: d for d in desa}
        # By the number as it is looked up (identifier_key, indexed): the people the rows name
        # exactly, and those whose number the file writes otherwise ("lm 3571011001 01").
        keys = sorted({Personnel.normalise_identifier(i) for i in sheet_identifiers(dataset)})
        self.existing_by_key: dict[tuple[str, str], Personnel] = {}
        for chunk in chunks(keys):
            for person in Personnel.objects.filter(identifier_key__in=chunk):
                person.unit = self.units_by_id[person.unit_id]
                if person.home_desa_id is not None:
                    person.home_desa = self.desa_by_id[person.home_desa_id]
                self.existing[(person.force, person.identifier)] = person
                self.existing_by_key[(person.force, person.identifier_key)] = person
        self.deactivating: list[tuple[int, Personnel]] = []

    def read_row(self, person: Personnel, row, errors) -> None:
        try:
            person.force = self.force_of(row["Matra"])
        except CellError as exc:
            errors["Matra"].append(str(exc))
        identifier, written = cell_identifier(row)
        if written and written != identifier:
            self.note(_("NRP %(raw)s ditulis %(clean)s.") % {"raw": written, "clean": identifier})
        person.identifier = identifier
        if not identifier:
            errors["NRP/No. Registrasi"].append(_("Wajib diisi."))
        elif person.pk is None:
            self.check_written_otherwise(person, errors)
        person.name = cell_text(row["Nama"])
        if not person.name:
            errors["Nama"].append(_("Wajib diisi."))
        person.rank = _rank(person.force, cell_text(row["Pangkat"]))
        person.corps = cell_text(row["Korps"])
        unit, problem = self.unit_for(cell_text(row["Satuan"]))
        if problem:
            errors["Satuan"].append(problem)
        else:
            person.unit = unit
        code = cell_code(row["Kode Desa Asal"])
        if code and code not in self.desa_by_code:
            errors["Kode Desa Asal"].append(_("Kode desa %s tidak dikenal.") % code)
        person.home_desa = self.desa_by_code.get(code)
        person.phone = cell_text(row["Telepon"]).replace(" ", "")
        try:
            active = cell_yes_no(row["Aktif"], default=True)
        except CellError as exc:
            errors["Aktif"].append(str(exc))
        else:
            if person.pk and person.active and not active:
                self.deactivating.append((self.row_number, person))  # check_rows asks
            person.active = active

    def check_written_otherwise(self, person: Personnel, errors) -> None:
        """A new row whose number is a registered person's written otherwise would register
        them twice: the database's unique (force, identifier) cannot see it."""
        key = Personnel.normalise_identifier(person.identifier)
        other = self.existing_by_key.get((person.force, key))
        if other is not None:
            errors["NRP/No. Registrasi"].append(
                _(
                    "%(id)s sudah terdaftar sebagai %(other)s (%(name)s). Tulis nomornya persis "
                    "seperti terdaftar agar datanya diperbarui."
                )
                % {"id": person.identifier, "other": other.identifier, "name": other.name}
            )

    def check_rows(self) -> None:
        """Who the file deactivates while they still hold duties to come: one query."""
        ids = [person.pk for _number, person in self.deactivating]
        holding: set[int] = set()
        for chunk in chunks(ids):
            holding.update(
                Assignment.objects.not_cancelled()
                .filter(personnel_id__in=chunk, ends_at__gt=clock.now())
                .values_list("personnel_id", flat=True)
            )
        for number, person in self.deactivating:
            if person.pk in holding:
                self.error(
                    number,
                    "Aktif",
                    _(
                        "%s masih memegang penugasan mendatang: nonaktifkan lewat admin, yang "
                        "menanyakan nasib penugasannya."
                    )
                    % person.name,
                )

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


def _rank(force: str, text: str) -> str:
    for rank in RANKS_BY_FORCE.get(force, ()):
        if rank.casefold() == text.casefold():
            return rank
    return text
