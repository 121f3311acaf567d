"""Composite reads for the dashboard and the read API (API.md).

Every read starts from a ``visible_to(user)`` queryset, so Polsek staff get figures over their
own kecamatan only. Each function issues a fixed number of queries, whatever the data size; the
query-count tests in tests/api/ list them.

Coverage (required / assigned / covered / status / lacks) comes from one coverage snapshot per
response (``coverage_snapshot``), so that one answer never contradicts itself.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any, TypedDict

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core import clock
from core.access import access_of
from core.formats import iso
from deployments.coverage import EPSILON, FORCES, snapshot_is_stale
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageSnapshot,
    CoverageState,
    CoverageTPS,
    Force,
    Operation,
    Personnel,
    Phase,
    PostKind,
    Unit,
)
from deployments.selectors import current_operation, default_phase
from tps.models import TPS, Desa, KabKota, Kecamatan, Kerawanan


def coverage_snapshot(phase: Phase | None) -> CoverageSnapshot | None:
    """The current coverage snapshot of the phase, or None before the first one. One query.

    All coverage in one response comes from this one snapshot: summary.json's ``coverage``,
    the per-TPS ``required``/``assigned``/``covered``/``status``/``lacks`` of tps.geojson,
    tps-status.json and the ``status`` filter.
    """
    return CoverageSnapshot.objects.select_related("phase").current_for(phase)


def coverage_is_stale(snapshot: CoverageSnapshot) -> bool:
    """docs/coverage.md, staleness. One query (the engine's state row)."""
    state = CoverageState.objects.filter(operation_id=snapshot.operation_id).first()
    return snapshot_is_stale(snapshot, state, now=timezone.now())


def _fulfilment(fulfilled: float, required: float) -> float | None:
    return round(fulfilled / required, 4) if required > EPSILON else None


def _forces_block(row) -> dict[str, dict[str, float | None]]:
    """required / assigned / fulfilment per force, from a CoverageArea row."""
    block = {}
    for force in FORCES:
        f = force.lower()
        required = getattr(row, f"{f}_required")
        block[force] = {
            "required": round(required, 6),
            "assigned": round(getattr(row, f"{f}_assigned"), 6),
            "fulfilment": _fulfilment(getattr(row, f"{f}_fulfilled"), required),
        }
    return block


def _counts_block(row) -> dict[str, int]:
    return {
        "tps_total": row.tps_total,
        "covered": row.covered,
        "short": row.short,
        "unguarded": row.unguarded,
        "uncovered": row.short + row.unguarded,
    }


def coverage_summary(user, operation: Operation | None) -> dict[str, Any] | None:
    """summary.json's ``coverage``: the operation (or, for Polsek staff, their kecamatan).

    Queries: the phases, the snapshot, the engine's state, the area rows, the kecamatan names.
    """
    if operation is None:
        return None
    phase = default_phase(operation, clock.now())
    snapshot = coverage_snapshot(phase)
    if snapshot is None:
        return None
    access = access_of(user)
    kecamatan = {k.code: k for k in Kecamatan.objects.visible_to(user).order_by("code")}
    areas = CoverageArea.objects.filter(snapshot=snapshot, level__in=("operation", "kecamatan"))
    if not access.sees_everything:
        areas = areas.filter(level="kecamatan", code__in=list(kecamatan))
    totals, by_class, per_kecamatan = None, {}, []
    for row in areas.order_by("level", "code", "kerawanan"):
        scope_row = row.level == "operation" or not access.sees_everything
        if scope_row and row.kerawanan == "":
            totals = row
        elif scope_row:
            by_class[row.kerawanan] = {**_counts_block(row), "forces": _forces_block(row)}
        if row.level == "kecamatan" and row.kerawanan == "" and row.code in kecamatan:
            per_kecamatan.append(
                {
                    "code": row.code,
                    "name": kecamatan[row.code].name,
                    **_counts_block(row),
                    "forces": _forces_block(row),
                }
            )
    if totals is None:  # Polsek staff: their kecamatan has no TPS in the snapshot
        totals = CoverageArea(snapshot=snapshot)
    block = {
        "computed_at": iso(snapshot.computed_at),
        "stale": coverage_is_stale(snapshot),
        "phase": phase.code,
        **_counts_block(totals),
        "forces": _forces_block(totals),
        "by_kerawanan": by_class,
        "kecamatan": per_kecamatan,
    }
    if access.sees_everything:
        block["without_post"] = {
            Force.POLRI: snapshot.unassigned_polri,
            Force.TNI: snapshot.unassigned_tni,
            Force.LINMAS: snapshot.unassigned_linmas,
        }
    return block


def coverage_by_tps(snapshot: CoverageSnapshot | None, tps) -> dict[int, CoverageTPS]:
    """The snapshot's rows for these TPS, by TPS id. One query."""
    if snapshot is None:
        return {}
    rows = CoverageTPS.objects.filter(snapshot=snapshot, tps__in=tps.values("pk"))
    return {row.tps_id: row for row in rows}


def coverage_properties(row: CoverageTPS) -> dict[str, Any]:
    required, assigned, lacks = {}, {}, {}
    for force in FORCES:
        f = force.lower()
        required[force] = round(getattr(row, f"{f}_required"), 6)
        assigned[force] = round(getattr(row, f"{f}_assigned"), 6)
        gap = required[force] - assigned[force]
        if gap > EPSILON:
            lacks[force] = round(gap, 6)
    return {
        "required": required,
        "assigned": assigned,
        "covered": row.status == "covered",
        "status": row.status,
        "lacks": lacks,
    }


def guards_from_snapshot(row: CoverageTPS) -> dict[str, int]:
    return {force: getattr(row, f"{force.lower()}_guards") for force in FORCES}


# summary.json and the dashboard


def operation_summary(user) -> dict[str, Any]:
    """summary.json: the operation, active personnel per force, TPS per class, coverage.

    Queries: the operation; active personnel per force; TPS per kerawanan; TPS per kecamatan.
    """
    operation = current_operation(with_phases=True)
    return {
        "operation": _operation_block(operation),
        "personnel": active_personnel_by_force(user),
        "tps": tps_totals(user),
        # null until the first snapshot (API.md).
        "coverage": coverage_summary(user, operation),
    }


def _operation_block(operation: Operation | None) -> dict[str, str] | None:
    if operation is None:
        return None
    return {
        "name": operation.name,
        "starts_on": operation.starts_on.isoformat(),
        "ends_on": operation.ends_on.isoformat(),
        "clock": iso(clock.now()),
    }


def active_personnel_by_force(user) -> dict[str, int]:
    """Active personnel per force, all three forces present, plus ``total``. One query."""
    rows = (
        Personnel.objects.visible_to(user)
        .active()
        .values("force")
        .annotate(people=Count("pk"))
        .order_by("force")
    )
    counts = dict.fromkeys(FORCES, 0)
    for row in rows:
        counts[row["force"]] = row["people"]
    return {**counts, "total": sum(counts.values())}


def tps_totals(user) -> dict[str, Any]:
    """TPS in scope: total, per kerawanan class (all four present), per kecamatan. Two queries.

    ``by_kecamatan`` is an addition to API.md's shape; it lists every kecamatan in scope, with 0
    where none of its TPS are entered yet.
    """
    by_kerawanan = dict.fromkeys(Kerawanan.values, 0)
    rows = (
        TPS.objects.visible_to(user)
        .values("kerawanan")
        .annotate(tps=Count("pk"))
        .order_by("kerawanan")
    )
    for row in rows:
        by_kerawanan[row["kerawanan"]] = row["tps"]
    kecamatan = (
        Kecamatan.objects.visible_to(user)
        .annotate(tps_total=Count("desa__tps"))
        .values("code", "name", "tps_total")
        .order_by("code")
    )
    return {
        "total": sum(by_kerawanan.values()),
        "by_kerawanan": by_kerawanan,
        "by_kecamatan": list(kecamatan),
    }


# tps.geojson and tps-status.json


class TPSFilters(TypedDict, total=False):
    """The cleaned filters of opsboard.forms.TPSFilterForm."""

    kabkota: KabKota | None
    kecamatan: Kecamatan | None
    desa: Desa | None
    kerawanan: str
    status: str
    phase: Phase | None
    snapshot: CoverageSnapshot | None
    bbox: tuple | None
    fields: str


def tps_in_scope(user, filters: TPSFilters):
    """The TPS the user may see that match the filters (not evaluated)."""
    tps = TPS.objects.visible_to(user)
    if filters.get("kabkota"):
        tps = tps.filter(desa__kecamatan__kabkota=filters["kabkota"])
    if filters.get("kecamatan"):
        tps = tps.in_kecamatan(filters["kecamatan"])
    if filters.get("desa"):
        tps = tps.filter(desa=filters["desa"])
    if filters.get("kerawanan"):
        tps = tps.filter(kerawanan=filters["kerawanan"])
    if filters.get("bbox"):
        min_lng, min_lat, max_lng, max_lat = filters["bbox"]
        tps = tps.filter(
            longitude__gte=min_lng,
            longitude__lte=max_lng,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    status = filters.get("status")
    if status:
        # The form refuses a status filter while no snapshot exists.
        statuses = ["short", "unguarded"] if status == "uncovered" else [status]
        tps = tps.filter(
            coverage_rows__snapshot=filters["snapshot"], coverage_rows__status__in=statuses
        )
    return tps


def tps_feature_collection(
    user, filters: TPSFilters, *, stale: bool | None = None
) -> dict[str, Any]:
    """tps.geojson: a FeatureCollection of the TPS in scope.

    ``fields=map`` gives the lean layer of the dashboard map (id, point, class): no joins, no
    guards. Queries: lean, one (the TPS); full, two (the TPS with their places; the guards).
    """
    phase = filters.get("phase")
    snapshot = filters.get("snapshot")
    tps = tps_in_scope(user, filters)
    coverage = coverage_by_tps(snapshot, tps)
    if filters.get("fields") == "map":
        features = [
            _lean_feature(row, coverage.get(row["pk"]))
            for row in tps.values("pk", "longitude", "latitude", "kerawanan")
        ]
    else:
        # Guards come from the snapshot when there is one, so that they agree with `assigned`.
        guards = guards_by_tps(tps, phase) if snapshot is None else None
        places = tps.with_places().defer("address", "desa__boundary", "desa__kecamatan__boundary")
        features = [
            _full_feature(
                station,
                guards[station.pk] if guards is not None else None,
                coverage.get(station.pk),
            )
            for station in places
        ]
    return {
        "type": "FeatureCollection",
        "computed_at": iso(snapshot.computed_at) if snapshot else None,
        "snapshot": snapshot.pk if snapshot else None,
        "stale": (coverage_is_stale(snapshot) if stale is None else stale) if snapshot else False,
        "phase": phase.code if phase is not None else None,
        "features": features,
    }


def _point(longitude, latitude) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def _lean_feature(row: dict[str, Any], coverage: CoverageTPS | None) -> dict[str, Any]:
    properties = {"kerawanan": row["kerawanan"]}
    if coverage is not None:
        properties["status"] = coverage.status
    return {
        "type": "Feature",
        "id": row["pk"],
        "geometry": _point(row["longitude"], row["latitude"]),
        "properties": properties,
    }


def _full_feature(
    station: TPS, guards: dict[str, int] | None, coverage: CoverageTPS | None
) -> dict[str, Any]:
    if guards is None:
        guards = guards_from_snapshot(coverage) if coverage else dict.fromkeys(FORCES, 0)
    desa = station.desa
    kecamatan = desa.kecamatan
    return {
        "type": "Feature",
        "id": station.pk,
        "geometry": _point(station.longitude, station.latitude),
        "properties": {
            "id": station.pk,
            "code": station.code,
            "kabkota": kecamatan.kabkota.code,
            "kecamatan": kecamatan.code,
            "kecamatan_name": kecamatan.name,
            "desa": desa.code,
            "desa_name": desa.name,
            "number": station.number,
            "name": str(station),
            "kerawanan": station.kerawanan,
            "registered_voters": station.registered_voters,
            "guards": guards,
            **(coverage_properties(coverage) if coverage is not None else {}),
        },
    }


def guards_by_tps(tps, phase: Phase | None) -> defaultdict[int, dict[str, int]]:
    """Distinct people per force whose counted assignment covers each TPS. One query.

    Counted as coverage counts them (``Assignment.objects.counted_for``): Pam TPS, in the phase,
    not cancelled, active people. A Polri pair over four TPS is two guards at each of the four.
    """
    guards: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FORCES, 0))
    if phase is None:
        return guards
    rows = (
        Assignment.tps.through.objects.filter(
            assignment__in=Assignment.objects.counted_for(phase),
            tps__in=tps.values("pk"),
        )
        .values("tps_id", "assignment__personnel__force")
        .annotate(people=Count("assignment__personnel", distinct=True))
        .order_by()
    )
    for row in rows:
        guards[row["tps_id"]][row["assignment__personnel__force"]] = row["people"]
    return guards


# personnel.json


def personnel_in_scope(
    user,
    *,
    force: str = "",
    unit: Unit | None = None,
    desa: Desa | None = None,
    at: datetime,
):
    """Active personnel the user may see, filtered, in a stable order, with what a row shows.

    ``unit`` includes its sub-units (one query per level of the unit tree, when given); ``desa``
    matches a person's home desa or their unit's desa (a Satlinmas). Withdrawn (inactive)
    personnel are left out, as summary.json's counts leave them out.

    The prefetch of current assignments is not narrowed by ``Assignment.visible_to``: a person
    the user may see is shown with their whole current duty, even a TPS in the next kecamatan,
    rather than as unassigned.
    """
    people = Personnel.objects.visible_to(user).active()
    if force:
        people = people.filter(force=force)
    if unit is not None:
        people = people.filter(unit_id__in=unit.descendant_ids())
    if desa is not None:
        people = people.filter(Q(home_desa=desa) | Q(unit__desa=desa))
    current = (
        Assignment.objects.at(at)
        .select_related("phase", "sprin", "post")
        .prefetch_related(
            Prefetch(
                "tps",
                queryset=TPS.objects.select_related("desa").defer("address", "desa__boundary"),
            )
        )
        .order_by("starts_at", "pk")
    )
    return (
        people.select_related("unit")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        # Name is not unique: the primary key keeps pages stable.
        .order_by("force", "name", "pk")
    )


def personnel_paginator(user, *, page_size: int, at: datetime, **filters: Any) -> Paginator:
    """Pages of ``personnel_in_scope``.

    Queries for one page: the count; the page with its units; the page's current assignments;
    their TPS with their desa.
    """
    return Paginator(personnel_in_scope(user, at=at, **filters), page_size)


def personnel_row(person: Personnel) -> dict[str, Any]:
    assignments = person.current_assignments
    return {
        "identifier": person.identifier,
        "name": person.name,
        "rank": person.rank_label or None,
        "force": person.force,
        "unit": {"code": person.unit.code, "name": person.unit.name},
        "current_assignment": _assignment_block(_pick_current(assignments)),
    }


def _pick_current(assignments: list[Assignment]) -> Assignment | None:
    # A person holds at most one non-cancelled assignment at a time (the overlap rule). Should
    # data predating the rule hold two, the Pam TPS one is what coverage counts.
    if not assignments:
        return None
    return min(assignments, key=lambda a: (a.kind != PostKind.PAM_TPS, a.starts_at))


def _assignment_block(assignment: Assignment | None) -> dict[str, Any] | None:
    if assignment is None:
        return None
    return {
        "kind": assignment.kind,
        "phase": assignment.phase.code,
        "tps": [station.code for station in assignment.tps.all()],
        "post": assignment.post.name if assignment.post is not None else None,
        "starts_at": iso(assignment.starts_at),
        "ends_at": iso(assignment.ends_at),
        "sprin": assignment.sprin.number if assignment.sprin is not None else None,
    }
