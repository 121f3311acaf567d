"""The map's layers besides the lean TPS layer (docs/api-additions.md): boundaries, posts and
markers aggregated per kecamatan or desa."""

import json
from typing import Any

import shapely
from django.db.models import Avg, Count, F, FilteredRelation, Q
from shapely.geometry import mapping, shape

from core.access import access_of
from deployments.models import Assignment, CoverageStatus, Phase, Post, PostKind
from opsboard import selectors
from opsboard.dashboard import cache
from opsboard.dashboard.filters import scope_key
from tps.models import Desa, Kecamatan

# Map layers: boundaries, posts, aggregated markers (docs/api-additions.md)

BOUNDARY_LEVELS = ("kecamatan", "desa")
# About 5 m: the outline of a desa at the zooms the dashboard uses, at a third of the bytes.
BOUNDARY_TOLERANCE = 0.00005


def _round_coordinates(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], float | int):
            return [round(float(v), 5) for v in value]
        return [_round_coordinates(v) for v in value]
    return value


def simplified(geometry: dict) -> dict:
    geom = shape(geometry).simplify(BOUNDARY_TOLERANCE, preserve_topology=True)
    if geom.is_empty:
        geom = shape(geometry)
    out = mapping(geom)
    return {"type": out["type"], "coordinates": _round_coordinates(out["coordinates"])}


def boundary_collection(user, level: str) -> bytes:
    """The boundaries of the kecamatan or desa in scope, simplified, as GeoJSON bytes.

    Cached per level and scope for an hour: the wilkum's boundaries change when an admin loads
    new ones, not between two page loads. One query on a miss, none on a hit.
    """
    key = f"opsboard:boundaries:v1:{level}:{scope_key(access_of(user))}"
    body = cache.get(key)
    if body is not None:
        return body
    if level == "kecamatan":
        rows = (
            Kecamatan.objects.visible_to(user)
            .filter(boundary__isnull=False)
            .values("code", "name", "boundary")
            .order_by("code")
        )
    else:
        rows = (
            Desa.objects.visible_to(user)
            .filter(boundary__isnull=False)
            .values("code", "name", "boundary", kecamatan_code=F("kecamatan__code"))
            .order_by("code")
        )
    features = []
    for row in rows:
        boundary = row.pop("boundary")
        if not boundary:
            continue
        try:
            geometry = simplified(boundary)
        except (shapely.errors.ShapelyError, KeyError, TypeError, ValueError):
            continue  # a malformed boundary must not take the layer down with it
        features.append(
            {"type": "Feature", "id": row["code"], "geometry": geometry, "properties": row}
        )
    body = json.dumps(
        {"type": "FeatureCollection", "level": level, "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    cache.put(key, body, 60 * 60)
    return body


def post_collection(user, phase: Phase | None) -> dict[str, Any]:
    """Posts with a position (Posko, Pos Pam): where they are and who mans them. One query.

    Manning counts active duties only, as coverage does since dispatch (Assignment.counted_for):
    a guard relieved to an incident no longer mans the post, a cancelled duty never did."""
    manned = Q(assignments__phase=phase, assignments__status=Assignment.Status.ACTIVE)
    rows = (
        Post.objects.visible_to(user)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(people=Count("assignments__personnel", filter=manned, distinct=True))
        .values(
            "pk",
            "kind",
            "name",
            "latitude",
            "longitude",
            "address",
            "people",
            desa_name=F("desa__name"),
        )
        .order_by("kind", "name")
    )
    labels = dict(PostKind.choices)
    return {
        "type": "FeatureCollection",
        "phase": phase.code if phase is not None else None,
        "features": [
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(row["longitude"]), float(row["latitude"])],
                },
                "properties": {
                    "kind": row["kind"],
                    "kind_label": str(labels.get(row["kind"], row["kind"])),
                    "name": row["name"],
                    "desa": row["desa_name"],
                    "address": row["address"],
                    "personnel": row["people"] if phase is not None else 0,
                },
            }
            for row in rows
        ],
    }


AGGREGATE_LEVELS = ("kecamatan", "desa")


def tps_aggregates(user, filters: dict, level: str) -> dict[str, Any]:
    """One marker per kecamatan or desa: how many TPS and how many of each status. One query.

    The map shows these instead of single TPS when more than MAP_AGGREGATE_ABOVE are in view, so
    the browser never receives tens of thousands of features at once.
    """
    snapshot = filters.get("snapshot")
    tps = selectors.tps_in_scope(user, filters)
    counts: dict[str, Any] = {"tps": Count("pk")}
    if snapshot is not None:
        tps = tps.annotate(
            current=FilteredRelation("coverage_rows", condition=Q(coverage_rows__snapshot=snapshot))
        )
        for status in CoverageStatus.values:
            counts[status] = Count("pk", filter=Q(current__status=status))
    prefix = "desa__kecamatan" if level == "kecamatan" else "desa"
    rows = (
        tps.values(code=F(f"{prefix}__code"), name=F(f"{prefix}__name"))
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"), **counts)
        .order_by("code")
    )
    features = []
    for row in rows:
        status = {s: row.get(s, 0) for s in CoverageStatus.values} if snapshot else None
        features.append(
            {
                "type": "Feature",
                "id": row["code"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(row["lng"]), 6), round(float(row["lat"]), 6)],
                },
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "tps": row["tps"],
                    "status": status,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "level": level,
        "computed_at": selectors.iso(snapshot.computed_at) if snapshot else None,
        "tps_total": sum(f["properties"]["tps"] for f in features),
        "features": features,
    }
