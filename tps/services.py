"""Writes for places: loading the Polres Kediri Kota jurisdiction (wilkum) shipped in tps/data.

tps/data holds copies of the shared data files with their source notice (SOURCES.md) and licence
(LICENSE-cahyadsn.txt); nothing here reads outside the project at run time.
"""

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from tps.models import Desa, KabKota, Kecamatan

DATA_DIR = Path(__file__).resolve().parent / "data"
WILAYAH_CSV = DATA_DIR / "wilkum_wilayah.csv"
DESA_GEOJSON = DATA_DIR / "wilkum_desa.geojson"
KECAMATAN_GEOJSON = DATA_DIR / "wilkum_kecamatan.geojson"


@dataclass(frozen=True)
class WilkumDesa:
    """One row of wilkum_wilayah.csv, with codes in the dotless Kemendagri form."""

    kabkota_code: str
    kabkota_name: str
    kecamatan_code: str
    kecamatan_name: str
    code: str
    name: str
    kind: str
    # Estimated regular Pilkada 2024 TPS in this desa; not KPU data (SOURCES.md explains).
    tps_estimate: int


@dataclass(frozen=True)
class WilkumLoadResult:
    created: int
    updated: int
    unchanged: int


def _dotless(code: str) -> str:
    return code.replace(".", "")


@cache
def wilkum_desa_rows() -> tuple[WilkumDesa, ...]:
    """The 106 desa/kelurahan of the wilkum, in file order (Kota Kediri first)."""
    with WILAYAH_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            WilkumDesa(
                kabkota_code=_dotless(row["kabkota_code"]),
                kabkota_name=row["kabkota_name"],
                kecamatan_code=_dotless(row["kecamatan_code"]),
                kecamatan_name=row["kecamatan_name"],
                code=row["kode10"],
                name=row["desa_name"],
                kind=row["kind"],
                tps_estimate=int(row["tps_pilkada2024_reguler_est"]),
            )
            for row in csv.DictReader(handle)
        )


def _geometries(path: Path, key: str) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return {feature["properties"][key]: feature["geometry"] for feature in collection["features"]}


def _upsert(model, rows: dict[str, dict], lookup: dict[str, object] | None = None):
    """Create the missing rows and update the changed ones, keyed by code.

    Returns (created, updated, unchanged, {code: instance}). Rows that already hold the same
    values are not written, so a second load changes nothing.
    """
    existing = {obj.code: obj for obj in model.objects.filter(code__in=rows)}
    created, updated, unchanged = [], 0, 0
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            created.append(model(code=code, **values))
            continue
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    model.objects.bulk_create(created)
    by_code = {obj.code: obj for obj in model.objects.filter(code__in=rows)}
    return len(created), updated, unchanged, by_code


@transaction.atomic
def wilkum_load() -> WilkumLoadResult:
    """Load the 2 kabupaten/kota, 8 kecamatan and 106 desa/kelurahan with their boundaries.

    Idempotent: matched on the Kemendagri code, so running it again changes nothing, and a
    corrected data file updates names, kinds and boundaries in place (rows that TPS, units or
    people point to are never deleted).
    """
    desa_rows = wilkum_desa_rows()
    kecamatan_shapes = _geometries(KECAMATAN_GEOJSON, "kode6")
    desa_shapes = _geometries(DESA_GEOJSON, "kode10")

    kota, kabupaten = KabKota.Kind.KOTA, KabKota.Kind.KABUPATEN
    kabkota_values = {
        row.kabkota_code: {
            "name": row.kabkota_name,
            "kind": kota if row.kabkota_name.startswith("Kota") else kabupaten,
        }
        for row in desa_rows
    }
    c1, u1, s1, kabkota = _upsert(KabKota, kabkota_values)

    kecamatan_values = {
        row.kecamatan_code: {
            "kabkota_id": kabkota[row.kabkota_code].pk,
            "name": row.kecamatan_name,
            "boundary": kecamatan_shapes.get(row.kecamatan_code),
        }
        for row in desa_rows
    }
    c2, u2, s2, kecamatan = _upsert(Kecamatan, kecamatan_values)

    desa_values = {
        row.code: {
            "kecamatan_id": kecamatan[row.kecamatan_code].pk,
            "name": row.name,
            "kind": row.kind,
            "boundary": desa_shapes.get(row.code),
        }
        for row in desa_rows
    }
    c3, u3, s3, _desa = _upsert(Desa, desa_values)
    return WilkumLoadResult(created=c1 + c2 + c3, updated=u1 + u2 + u3, unchanged=s1 + s2 + s3)
