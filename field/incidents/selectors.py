"""Reads of incident command: the board, one incident's timeline, the response clock's medians,
the log for the export. Each in the user's scope (Incident.objects.visible_to)."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from django.db import connections
from django.db.models import Case, Count, F, JSONField, Prefetch, Q, When
from django.urls import reverse
from django.utils.translation import gettext as _
from shapely.geometry import shape

from core import clock
from core.formats import iso
from field.incidents.models import (
    CLOSED_STATES,
    EventKind,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    Severity,
)
from field.models import SituationReport

# The response clock's steps: the column each measures from reported_at to.
STEPS = ("verified_at", "dispatched_at", "arrived_at", "resolved_at")
BOARD_LIMIT = 100
ALARM_LIMIT = 20


def panic_alarms(user, *, now: datetime | None = None, limit: int = ALARM_LIMIT) -> list[Incident]:
    """The open darurat incidents in scope that nobody has acknowledged yet, oldest first:
    what the dashboard's and the wall screen's alarm sounds for. One query (the places
    joined), whatever their number."""
    now = now or clock.now()
    incidents = list(
        Incident.objects.visible_to(user)
        .open()
        .filter(severity=Severity.DARURAT)
        .exclude(events__kind=EventKind.ACKNOWLEDGED)
        .select_related("tps__desa", "desa", "kecamatan")
        .defer("tps__desa__boundary", "desa__boundary", "kecamatan__boundary")
        .order_by("reported_at", "pk")[:limit]
    )
    for incident in incidents:
        incident.waiting = incident.minutes_waiting(now)
    return incidents


@dataclass
class Medians:
    """Median minutes from the first report to each step, over the incidents that reached it."""

    label: str
    incidents: int = 0
    reached: dict[str, int] = field(default_factory=dict)  # step → incidents that reached it
    minutes: dict[str, float | None] = field(default_factory=dict)  # step → median minutes

    @property
    def verify(self) -> float | None:
        return self.minutes.get("verified_at")

    @property
    def dispatch(self) -> float | None:
        return self.minutes.get("dispatched_at")

    @property
    def arrive(self) -> float | None:
        return self.minutes.get("arrived_at")

    @property
    def resolve(self) -> float | None:
        return self.minutes.get("resolved_at")


@dataclass
class ResponseMedians:
    overall: Medians
    by_kecamatan: list[Medians]
    by_class: list[Medians]


def incident_board(
    user, *, now: datetime | None = None, limit: int = BOARD_LIMIT, with_medians: bool = True
) -> dict:
    """Open incidents in scope, by severity then age, with their clock and who is on them;
    the response medians below (not on the wall screen). Queries: the incidents with their
    places and verifier; their responders; the medians."""
    now = now or clock.now()
    incidents = list(Incident.objects.visible_to(user).open().for_board()[:limit])
    for incident in incidents:
        incident.waiting = incident.minutes_waiting(now)
    return {
        "incidents": incidents,
        "now": now,
        "medians": response_medians(user) if with_medians else None,
        "limit": limit,
    }


# The map's layer of open incidents (/api/incidents.geojson, docs/api-additions.md)

MAP_LIMIT = 500


def _centroid(boundary) -> tuple[float, float] | None:
    """A point inside a desa's boundary (its centroid may fall outside a crescent-shaped one)."""
    try:
        point = shape(boundary).representative_point()
    except (shapely.errors.ShapelyError, AttributeError, KeyError, TypeError, ValueError):
        return None
    if point.is_empty:
        return None
    return point.x, point.y


def open_incident_features(user, *, now: datetime | None = None, limit: int = MAP_LIMIT) -> dict:
    """The open incidents in scope as GeoJSON, by severity then age: placed at their point,
    else their TPS, else inside their desa. One query: the desa's boundary is read only for
    incidents that have neither a point nor a TPS."""
    now = now or clock.now()
    only_desa = Q(latitude__isnull=True, tps__isnull=True)
    rows = (
        Incident.objects.visible_to(user)
        .open()
        .annotate(
            place_boundary=Case(
                When(only_desa, then=F("desa__boundary")), default=None, output_field=JSONField()
            )
        )
        .values(
            "pk",
            "severity",
            "incident_class",
            "state",
            "title",
            "reported_at",
            "latitude",
            "longitude",
            "place_boundary",
            tps_number=F("tps__number"),
            tps_latitude=F("tps__latitude"),
            tps_longitude=F("tps__longitude"),
            tps_desa=F("tps__desa__name"),
            desa_name=F("desa__name"),
            kecamatan_code=F("kecamatan__code"),
            kecamatan_name=F("kecamatan__name"),
        )
        .order_by("-severity", "reported_at", "pk")[:limit]
    )
    severities, classes, states = (
        dict(Severity.choices),
        dict(IncidentClass.choices),
        dict(IncidentState.choices),
    )
    features, unplaced = [], 0
    for row in rows:
        if row["latitude"] is not None:
            where, lng, lat = "point", float(row["longitude"]), float(row["latitude"])
        elif row["tps_latitude"] is not None:
            where, lng, lat = "tps", float(row["tps_longitude"]), float(row["tps_latitude"])
        elif (centre := _centroid(row["place_boundary"])) is not None:
            where, (lng, lat) = "desa", centre
        else:
            unplaced += 1
            continue
        if row["tps_number"] is not None:
            place = _("TPS %(number)03d %(desa)s") % {
                "number": row["tps_number"],
                "desa": row["tps_desa"],
            }
        else:
            place = row["desa_name"] or ""
        reported = row["reported_at"]
        features.append(
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
                "properties": {
                    "number": f"K-{row['pk']:04d}",
                    "title": row["title"],
                    "severity": row["severity"],
                    "severity_label": str(severities.get(row["severity"], row["severity"])),
                    "class_label": str(classes.get(row["incident_class"], row["incident_class"])),
                    "state": row["state"],
                    "state_label": str(states.get(row["state"], row["state"])),
                    "place": place,
                    "placed_at": where,
                    "kecamatan": row["kecamatan_code"],
                    "kecamatan_name": row["kecamatan_name"],
                    "reported_at": iso(reported),
                    "waiting": max(0, int((now - reported).total_seconds() // 60)),
                    "url": reverse("field:incident_detail", args=[row["pk"]]),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "clock": iso(now),
        "unplaced": unplaced,
        "features": features,
    }


def incident_timeline(incident: Incident) -> dict:
    """The reports that raised it and its timeline, oldest first. Two queries."""
    links = list(
        IncidentReport.objects.filter(incident=incident)
        .select_related("report__person", "report__tps__desa", "report__entered_by")
        .defer("report__tps__desa__boundary")
        .order_by("report__at", "report__pk")
    )
    events = list(
        IncidentEvent.objects.filter(incident=incident)
        .select_related("by", "report")
        .order_by("at", "pk")
    )
    return {"reports": [link.report for link in links], "events": events}


def mergeable_reports(user, incident: Incident, *, limit: int = 30) -> list[SituationReport]:
    """Reports in scope that belong to no incident, of the incident's kecamatan first in
    time: the candidates for "gabungkan laporan". One query."""
    reports = SituationReport.objects.visible_to(user).filter(incident_link__isnull=True)
    if incident.kecamatan_id is not None:
        reports = reports.filter(tps__desa__kecamatan_id=incident.kecamatan_id)
    return list(
        reports.exclude(kind=SituationReport.Kind.AMAN)
        .select_related("person", "tps__desa")
        .defer("tps__desa__boundary")
        .order_by("-at", "-pk")[:limit]
    )


def incident_log(user):
    """Every incident in scope for the export, oldest first, with its places and responders."""
    return (
        Incident.objects.visible_to(user)
        .select_related("tps__desa", "desa", "kecamatan", "verified_by", "duplicate_of")
        .defer("tps__desa__boundary", "desa__boundary", "kecamatan__boundary")
        .prefetch_related(Prefetch("responders"), "links")
        .order_by("reported_at", "pk")
    )


# The response clock's medians


def response_medians(user, *, using: str = "default") -> ResponseMedians:
    """Median minutes to verification, dispatch, arrival and resolution per kecamatan, per
    class and overall, in one query: PERCENTILE_CONT over GROUPING SETS on PostgreSQL; on
    SQLite (make run) the rows' times, and the medians in Python. Both give the same figures
    (percentile_cont(0.5) is the median of an even count too)."""
    scoped = Incident.objects.using(using).visible_to(user)
    if connections[using].vendor == "postgresql":
        rows = _medians_postgresql(scoped, using)
    else:
        rows = _medians_python(scoped)
    return _shape(rows)


def _medians_postgresql(scoped, using: str) -> list[tuple]:
    inner, params = scoped.values("pk").query.get_compiler(using).as_sql()
    medians = ", ".join(
        "percentile_cont(0.5) WITHIN GROUP"
        f" (ORDER BY EXTRACT(EPOCH FROM i.{step} - i.reported_at)::float8 / 60.0),"
        f" COUNT(i.{step})"
        for step in STEPS
    )
    # GROUPING() tells the sets apart: (kecamatan), (class), () — the overall row. The
    # columns are this module's constants and the scope is the ORM's SQL with its parameters.
    sql = (
        "SELECT GROUPING(i.kecamatan_id, k.name), GROUPING(i.incident_class),"  # noqa: S608
        f" i.kecamatan_id, k.name, i.incident_class, COUNT(*), {medians}"
        " FROM field_incident i LEFT JOIN tps_kecamatan k ON k.id = i.kecamatan_id"
        f" WHERE i.id IN ({inner})"
        " GROUP BY GROUPING SETS ((i.kecamatan_id, k.name), (i.incident_class), ())"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        out = []
        for row in cursor.fetchall():
            by_kec, by_cls, kec_id, kec_name, cls, count, *figures = row
            group = "overall" if by_kec and by_cls else ("kecamatan" if not by_kec else "class")
            minutes = {s: _round(figures[2 * i]) for i, s in enumerate(STEPS)}
            reached = {s: figures[2 * i + 1] for i, s in enumerate(STEPS)}
            key = {"kecamatan": (kec_id, kec_name), "class": cls, "overall": None}[group]
            out.append((group, key, count, reached, minutes))
        return out


def _medians_python(scoped) -> list[tuple]:
    groups: dict[tuple, list[dict]] = {}
    for row in scoped.values(
        "kecamatan_id", "kecamatan__name", "incident_class", "reported_at", *STEPS
    ).order_by():
        minutes = {
            step: (row[step] - row["reported_at"]).total_seconds() / 60
            for step in STEPS
            if row[step] is not None
        }
        for key in (
            ("kecamatan", (row["kecamatan_id"], row["kecamatan__name"])),
            ("class", row["incident_class"]),
            ("overall", None),
        ):
            groups.setdefault(key, []).append(minutes)
    if ("overall", None) not in groups:
        groups[("overall", None)] = []
    out = []
    for (group, key), members in groups.items():
        reached, medians = {}, {}
        for step in STEPS:
            values = [m[step] for m in members if step in m]
            reached[step] = len(values)
            medians[step] = _round(statistics.median(values)) if values else None
        out.append((group, key, len(members), reached, medians))
    return out


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _shape(rows: list[tuple]) -> ResponseMedians:
    overall = Medians(label=_("Semua"))
    by_kecamatan, by_class = [], []
    labels = dict(IncidentClass.choices)
    for group, key, count, reached, minutes in rows:
        if group == "overall":
            overall = Medians(_("Semua"), count, reached, minutes)
        elif group == "kecamatan":
            name = key[1] or _("(tanpa kecamatan)")
            by_kecamatan.append(Medians(name, count, reached, minutes))
        else:
            by_class.append(Medians(str(labels.get(key, key)), count, reached, minutes))
    by_kecamatan.sort(key=lambda m: m.label)
    by_class.sort(key=lambda m: m.label)
    return ResponseMedians(overall=overall, by_kecamatan=by_kecamatan, by_class=by_class)


# Counts of a period (the daily report, its API and the Anev). Closed (rejected, duplicate)
# is not counted: such a report was no gangguan kamtibmas.


def incidents_reported_between(user, *, starts_at: datetime, ends_at: datetime):
    """Incidents in scope first reported in [starts_at, ends_at), rejected and duplicates left
    out: what the daily report and /api/angka-harian.json count (not evaluated)."""
    return (
        Incident.objects.visible_to(user)
        .filter(reported_at__gte=starts_at, reported_at__lt=ends_at)
        .exclude(state__in=CLOSED_STATES)
    )


def incident_counts_by_class(user, *, starts_at: datetime, ends_at: datetime) -> dict[str, int]:
    """Incidents per class over the period, every class present (0 where none), plus
    ``total``. One query."""
    counts = dict.fromkeys(IncidentClass.values, 0)
    rows = (
        incidents_reported_between(user, starts_at=starts_at, ends_at=ends_at)
        .values("incident_class")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["incident_class"]] = row["n"]
    return {**counts, "total": sum(counts.values())}


def incidents_of_class_between(
    user, incident_class: str, *, starts_at: datetime, ends_at: datetime
) -> list[Incident]:
    """The incidents of one class over the period, oldest first, with their places. One query."""
    return list(
        incidents_reported_between(user, starts_at=starts_at, ends_at=ends_at)
        .filter(incident_class=incident_class)
        .select_related("tps__desa", "desa", "kecamatan")
        .defer("tps__desa__boundary", "desa__boundary", "kecamatan__boundary")
        .order_by("reported_at", "pk")
    )
