"""One TPS: the map's popup and the TPS page."""

from typing import Any

from deployments.models import Assignment, CoverageSnapshot, CoverageTPS, Phase
from opsboard.dashboard.rows import tps_row

# One TPS: the map's popup and the TPS page


def tps_coverage(station, snapshot: CoverageSnapshot | None) -> dict[str, Any] | None:
    """The TPS's row of the snapshot, as a table row. One query (none without a snapshot)."""
    if snapshot is None:
        return None
    row = CoverageTPS.objects.filter(snapshot=snapshot, tps=station).first()
    if row is None:
        return None
    row.tps, row.desa = station, station.desa  # already loaded with its places
    return tps_row(row)


def tps_guards(station, phase: Phase | None) -> list:
    """Who guards the TPS in the phase, as coverage counts them. One query."""
    if phase is None:
        return []
    return list(
        Assignment.objects.counted_for(phase)
        .filter(tps=station)
        .select_related("personnel__unit", "sprin")
        .order_by("personnel__force", "personnel__name", "pk")
    )


def tps_assignments(station) -> list:
    """Every assignment that names the TPS, in all phases, with its Sprin. One query."""
    return list(
        Assignment.objects.filter(tps=station)
        .select_related("personnel__unit", "phase", "sprin")
        .order_by("phase__starts_at", "status", "personnel__force", "personnel__name", "pk")
    )
