"""tps-status.json (API.md) and its delta since an earlier snapshot (docs/api-additions.md,
"Status deltas"): what the map needs to recolour its markers after a new snapshot."""

from typing import Any

from django.db.models import Exists, OuterRef

from core.formats import iso
from deployments.models import CoverageSnapshot, CoverageTPS, Phase
from opsboard.selectors import coverage_snapshot
from tps.models import TPS


def tps_status(
    user,
    phase: Phase | None,
    *,
    snapshot: CoverageSnapshot | bool | None = False,
    since: CoverageSnapshot | None = None,
) -> dict[str, Any]:
    """tps-status.json: each TPS's coverage status by id, to recolour the map's markers.

    ``snapshot`` the current one when the caller has it (False: look it up). ``since`` an
    earlier snapshot of the same phase: only the TPS whose status differs from it (or that it
    did not have) are listed, and ``removed`` the TPS it had and the current one has not
    (docs/api-additions.md, "Status deltas").

    Queries: the snapshot (unless given); its rows for the TPS in scope; with ``since``, the
    rows it had that are gone.
    """
    if snapshot is False:
        snapshot = coverage_snapshot(phase)
    if snapshot is None:
        return {"computed_at": None, "status": {}}
    in_scope = TPS.objects.visible_to(user).values("pk")
    rows = CoverageTPS.objects.filter(snapshot=snapshot, tps__in=in_scope)
    body: dict[str, Any] = {
        "computed_at": iso(snapshot.computed_at),
        "phase": phase.code,
        "snapshot": snapshot.pk,
    }
    if since is not None:
        earlier = CoverageTPS.objects.filter(snapshot=since, tps__in=in_scope)
        same = earlier.filter(tps_id=OuterRef("tps_id"), status=OuterRef("status"))
        rows = rows.exclude(Exists(same))
        body["since"] = since.pk
        gone = earlier.exclude(
            Exists(CoverageTPS.objects.filter(snapshot=snapshot, tps_id=OuterRef("tps_id")))
        )
        body["removed"] = sorted(str(pk) for pk in gone.values_list("tps_id", flat=True))
    body["status"] = {
        str(tps_id): status for tps_id, status in rows.values_list("tps_id", "status")
    }
    return body


def earlier_snapshot(snapshot: CoverageSnapshot | None, pk: int) -> CoverageSnapshot | None:
    """The snapshot `pk` if it is an earlier one of the same phase, else None. One query."""
    if snapshot is None or pk > snapshot.pk:
        return None
    return CoverageSnapshot.objects.filter(
        pk=pk, phase_id=snapshot.phase_id, created_at__lte=snapshot.created_at
    ).first()
