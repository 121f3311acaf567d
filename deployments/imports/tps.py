"""The TPS sheet: one row per polling station, keyed by desa code and number."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from deployments.imports.bulk import BulkSheetResource
from deployments.imports.cells import (
    CellError,
    cell_choice,
    cell_code,
    cell_decimal,
    cell_int,
    cell_text,
    chunks,
)
from deployments.imports.resource import column_field
from tps.geo import PointCheck
from tps.models import TPS, Desa, Kerawanan


class TPSResource(BulkSheetResource):
    """Imported set-based (bulk.py): a Polda's 60,000 TPS in one transaction."""

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
    number_columns = ("Lintang", "Bujur")
    update_fields = ("address", "latitude", "longitude", "registered_voters", "kerawanan")
    notes_help = (
        ("Kode Desa", "Kode Kemendagri 10 angka (mis. 3571011001); titik boleh."),
        ("No. TPS", "Nomor TPS di desa itu (1–999; TPS lokasi khusus 9xx)."),
        ("Alamat", "Boleh kosong."),
        ("Lintang", "Derajat desimal, mis. -7.815000 (koma desimal boleh)."),
        ("Bujur", "Derajat desimal, mis. 111.985000."),
        ("Jumlah Pemilih", "DPT; bilangan bulat."),
        ("Kerawanan", "Kurang rawan, Rawan, Sangat rawan atau Khusus; kosong: Kurang rawan."),
    )

    desa = column_field("Kode Desa")
    nomor = column_field("No. TPS")
    alamat = column_field("Alamat")
    lintang = column_field("Lintang")
    bujur = column_field("Bujur")
    pemilih = column_field("Jumlah Pemilih")
    kerawanan = column_field("Kerawanan")

    class Meta(BulkSheetResource.Meta):
        model = TPS
        fields = ("desa", "nomor", "alamat", "lintang", "bujur", "pemilih", "kerawanan")
        import_id_fields = ("desa", "nomor")

    def row_name(self, values: dict) -> str:
        number = cell_text(values["No. TPS"])
        number = number.zfill(3) if number.isdigit() else number
        return " ".join(p for p in (_("TPS"), number, cell_code(values["Kode Desa"])) if p)

    def row_key(self, values: dict) -> tuple | None:
        try:
            return self.instance_key(values)
        except CellError:
            return None

    def instance_key(self, row) -> tuple:
        return (
            cell_code(row["Kode Desa"]),
            cell_int(row["No. TPS"], low=1, high=999, strip_prefix="TPS"),
        )

    def preload(self, dataset) -> None:
        self.desa_by_code = {
            d.code: d for d in Desa.objects.select_related("kecamatan").order_by("code")
        }
        desa_by_id = {d.pk: d for d in self.desa_by_code.values()}
        codes = sorted({cell_code(v) for v in dataset["Kode Desa"]} & set(self.desa_by_code))
        for chunk in chunks([self.desa_by_code[code].pk for code in codes]):
            for tps in TPS.objects.filter(desa_id__in=chunk):
                tps.desa = desa_by_id[tps.desa_id]  # with its boundaries, read once per desa
                self.existing[(tps.desa.code, tps.number)] = tps

    def read_row(self, tps: TPS, row, errors) -> None:
        code = cell_code(row["Kode Desa"])
        desa = self.desa_by_code.get(code)
        if desa is None:
            errors["Kode Desa"].append(_("Kode desa %s tidak dikenal.") % (code or _("kosong")))
        else:
            tps.desa = desa
        try:
            tps.number = cell_int(row["No. TPS"], low=1, high=999, strip_prefix="TPS")
        except CellError as exc:
            errors["No. TPS"].append(str(exc))
        tps.address = cell_text(row["Alamat"])
        for column, attr in (("Lintang", "latitude"), ("Bujur", "longitude")):
            try:
                setattr(tps, attr, cell_decimal(row[column]))
            except CellError as exc:
                errors[column].append(str(exc))
        try:
            voters = row["Jumlah Pemilih"]
            tps.registered_voters = (
                0 if cell_text(voters) == "" else cell_int(voters, low=0, high=100_000)
            )
        except CellError as exc:
            errors["Jumlah Pemilih"].append(str(exc))
        try:
            text = cell_text(row["Kerawanan"])
            tps.kerawanan = (
                cell_choice(text, Kerawanan, "Kerawanan") if text else Kerawanan.KURANG_RAWAN
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
