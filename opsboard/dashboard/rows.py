"""Sums over the snapshot's per-TPS rows, and one TPS as a table row (plain, cacheable data)."""

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Greatest, Least

from deployments.coverage import EPSILON, FORCES
from deployments.models import CoverageStatus, CoverageTPS, Force
from opsboard.dashboard.filters import STATUS_LABELS, UNCOVERED
from tps.models import Kerawanan

SEVERITY = Case(
    *(
        When(kerawanan=code, then=Value(rank))
        for rank, code in enumerate(
            [Kerawanan.KURANG_RAWAN, Kerawanan.RAWAN, Kerawanan.SANGAT_RAWAN, Kerawanan.KHUSUS]
        )
    ),
    default=Value(0),
    output_field=IntegerField(),
)
# Σ per force of max(required − assigned, 0): how many guards the TPS still lacks.
LACK = sum(
    (Greatest(F(f"{f.lower()}_required") - F(f"{f.lower()}_assigned"), Value(0.0)) for f in FORCES),
    start=Value(0.0),
)


def statuses_of(status: str) -> list[str]:
    return list(UNCOVERED) if status == "uncovered" else [status]


def fraction(part: float, whole: float) -> float | None:
    return part / whole if whole > EPSILON else None


def force_sums() -> dict[str, Any]:
    """Σ required, Σ assigned and Σ min(assigned, required) per force, as ``sum_polri_required``…

    The ``sum_`` prefix keeps the annotations from shadowing the columns they sum.
    """
    sums: dict[str, Any] = {}
    for force in FORCES:
        f = force.lower()
        sums[f"sum_{f}_required"] = Sum(f"{f}_required")
        sums[f"sum_{f}_assigned"] = Sum(f"{f}_assigned")
        sums[f"sum_{f}_fulfilled"] = Sum(Least(F(f"{f}_assigned"), F(f"{f}_required")))
    return sums


def unprefixed(row: dict[str, Any]) -> dict[str, Any]:
    return {key.removeprefix("sum_"): value for key, value in row.items()}


def status_counts() -> dict[str, Any]:
    return {
        "tps_total": Count("pk"),
        "covered": Count("pk", filter=Q(status=CoverageStatus.COVERED)),
        "short": Count("pk", filter=Q(status=CoverageStatus.SHORT)),
        "unguarded": Count("pk", filter=Q(status=CoverageStatus.UNGUARDED)),
    }


def forces_block(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Required, assigned and fulfilment per force from summed columns of a row."""
    block = []
    for force in FORCES:
        f = force.lower()
        required = row.get(f"{f}_required") or 0.0
        assigned = row.get(f"{f}_assigned") or 0.0
        fulfilled = row.get(f"{f}_fulfilled") or 0.0
        block.append(
            {
                "code": force,
                "label": str(Force(force).label),
                "required": required,
                "assigned": assigned,
                "fulfilled": fulfilled,
                "lack": max(required - fulfilled, 0.0),
                "fulfilment": fraction(fulfilled, required),
            }
        )
    return block


def area_row(row: dict[str, Any]) -> dict[str, Any]:
    total = row["tps_total"]
    return {
        **row,
        "uncovered": row["short"] + row["unguarded"],
        "covered_share": fraction(row["covered"], total),
        "forces": forces_block(row),
    }


def lacks_of(row: CoverageTPS) -> dict[str, float]:
    lacks = {}
    for force in FORCES:
        f = force.lower()
        gap = getattr(row, f"{f}_required") - getattr(row, f"{f}_assigned")
        if gap > EPSILON:
            lacks[force] = gap
    return lacks


def tps_row(row: CoverageTPS) -> dict[str, Any]:
    """One TPS of a table, as plain data (cached, exported)."""
    station, desa = row.tps, row.desa
    return {
        "id": station.pk,
        "name": f"TPS {station.number:03d} {desa.name}",
        "code": f"{desa.code}{station.number:03d}",
        "number": station.number,
        "desa": desa.name,
        "desa_code": desa.code,
        "kecamatan": desa.kecamatan.name,
        "kecamatan_code": desa.kecamatan.code,
        "kerawanan": row.kerawanan,
        "kerawanan_label": str(Kerawanan(row.kerawanan).label),
        "status": row.status,
        "status_label": str(STATUS_LABELS[row.status]),
        "voters": station.registered_voters,
        "forces": [
            {
                "code": force,
                "label": str(Force(force).label),
                "required": getattr(row, f"{force.lower()}_required"),
                "assigned": getattr(row, f"{force.lower()}_assigned"),
                "guards": getattr(row, f"{force.lower()}_guards"),
                "short": getattr(row, f"{force.lower()}_assigned") + EPSILON
                < getattr(row, f"{force.lower()}_required"),
            }
            for force in FORCES
        ],
        "lacks": [
            {"code": force, "label": str(Force(force).label), "amount": amount}
            for force, amount in lacks_of(row).items()
        ],
    }


def classes_block(by_class: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": str(Kerawanan(code).label), **by_class.get(code, {})}
        for code in Kerawanan.values
    ]
