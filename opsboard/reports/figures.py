"""The figures of one day and scope: one definition for the report, its API and the Anev.

Each figure is read by the selector the dashboard and the read API use for it:

- incidents per class: ``field.incidents.selectors.incident_counts_by_class`` (the day's
  incidents, rejected and duplicates left out), also answered by ``/api/angka-harian.json``;
- demonstrations: the same count's ``unjuk_rasa``, with the incidents listed;
- personnel deployed: ``deployments.selectors.deployed_personnel`` (duties overlapping the day);
  personnel strength: ``opsboard.selectors.active_personnel_by_force`` (summary.json's
  ``personnel``);
- rakor held: ``coordination.selectors.meetings_for_list`` (the /rapat/ list's filter by date);
- turnout: ``field.turnout.selectors.turnout_by_area`` (the dashboard's turnout panel);
- logistics: ``opsboard.reports.logistics.logistics_status`` (custody figures of the day).

The scope is given as a *reader*: a user, or ``scope_reader`` for the beat, which has no user.
A reader of the Polres sees what command staff see; a reader of a kecamatan what its Polsek
staff see, so that the same querysets (``visible_to``) scope every figure.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext

from coordination.selectors import meetings_for_list
from core.access import Access, Role, ScopeReader
from core.formats import iso
from deployments.models import PostKind
from deployments.phases import day_start
from deployments.selectors import deployed_personnel
from field.incidents.models import IncidentClass
from field.incidents.selectors import incident_counts_by_class, incidents_of_class_between
from field.turnout.selectors import turnout_by_area
from opsboard import selectors
from opsboard.reports.logistics import logistics_status

# Polri's four classes of gangguan kamtibmas first, then the election's own, as the report
# lists them.
KAMTIBMAS_CLASSES = ("kejahatan", "pelanggaran", "gangguan", "bencana")
ELECTION_CLASSES = tuple(c for c in IncidentClass.values if c not in KAMTIBMAS_CLASSES)
DEMONSTRATION = IncidentClass.UNJUK_RASA.value


def scope_reader(kecamatan=None) -> ScopeReader:
    """The beat's reader: the Polres as command staff see it, or one kecamatan as its Polsek."""
    if kecamatan is None:
        return ScopeReader(Access(Role.COMMAND))
    return ScopeReader(Access(Role.POLSEK, kecamatan_id=kecamatan.pk))


def day_window(day: date) -> tuple[datetime, datetime]:
    """The Asia/Jakarta day as a half-open window [00.00, next 00.00) WIB."""
    return day_start(day), day_start(day + timedelta(days=1))


def daily_figures(reader, *, day: date) -> dict[str, Any]:
    """Every figure of the day in the reader's scope, JSON-ready (the report stores this)."""
    starts_at, ends_at = day_window(day)
    before = day_window(day - timedelta(days=1))
    incidents = incident_counts_by_class(reader, starts_at=starts_at, ends_at=ends_at)
    previous = incident_counts_by_class(reader, starts_at=before[0], ends_at=before[1])
    demonstrations = incidents_of_class_between(
        reader, DEMONSTRATION, starts_at=starts_at, ends_at=ends_at
    )
    deployed = deployed_personnel(reader, starts_at=starts_at, ends_at=ends_at)
    meetings = list(meetings_for_list(reader, date_from=day, date_to=day).order_by("held_at"))
    return {
        "day": day.isoformat(),
        "window": {"starts_at": iso(starts_at), "ends_at": iso(ends_at)},
        "incidents": incidents,
        "incidents_previous_day": previous,
        "demonstrations": {
            "count": incidents[DEMONSTRATION],
            "previous_day": previous[DEMONSTRATION],
            "incidents": [
                {
                    "number": incident.number,
                    "title": incident.title,
                    "place": incident.place_label,
                    "state": incident.state,
                    "reported_at": iso(incident.reported_at),
                }
                for incident in demonstrations
            ],
        },
        "personnel": {
            "deployed": deployed,
            "strength": selectors.active_personnel_by_force(reader),
        },
        "activities": {
            "meetings": [
                {
                    "number": meeting.number,
                    "title": meeting.title,
                    "kind": meeting.kind,
                    "held_at": iso(meeting.held_at),
                }
                for meeting in meetings
            ],
            "patrol_personnel": deployed["by_kind"][PostKind.PATROLI],
            "escort_personnel": deployed["by_kind"][PostKind.PENGAWALAN_LOGISTIK],
            "dispatched_personnel": deployed["by_kind"][PostKind.KEJADIAN],
        },
        "turnout": _turnout(reader),
        "logistics": logistics_status(reader, starts_at=starts_at, ends_at=ends_at),
    }


def _turnout(reader) -> dict[str, Any]:
    areas = turnout_by_area(user=reader)
    rows = [
        {
            "name": area.name,
            "tps_total": area.tps_total,
            "reported": _figure(area.reported),
            "kpu": _figure(area.kpu),
            "difference": area.difference,
        }
        for area in areas
    ]
    used = sum(area.reported.voters_used for area in areas)
    dpt = sum(area.reported.dpt for area in areas)
    return {
        "areas": rows,
        "total": {
            "tps_total": sum(area.tps_total for area in areas),
            "tps_reported": sum(area.reported.tps_reported for area in areas),
            "voters_used": used,
            "dpt": dpt,
            "percent": round(100 * used / dpt, 1) if dpt else None,
        },
    }


def _figure(figure) -> dict[str, Any]:
    return {
        "voters_used": figure.voters_used,
        "dpt": figure.dpt,
        "tps_reported": figure.tps_reported,
        "percent": figure.percent,
    }


def incident_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The incident table of a report: each class with the day, the day before and the change;
    the four kamtibmas classes first, then the election's."""
    labels = dict(IncidentClass.choices)
    today = figures.get("incidents", {})
    before = figures.get("incidents_previous_day", {})
    rows = []
    for code in (*KAMTIBMAS_CLASSES, *ELECTION_CLASSES, "total"):
        day, prev = today.get(code, 0), before.get(code, 0)
        label = gettext("Jumlah") if code == "total" else str(labels.get(code, code))
        rows.append(
            {
                "code": code,
                "label": label,
                "kamtibmas": code in KAMTIBMAS_CLASSES,
                "day": day,
                "previous": prev,
                "change": day - prev,
            }
        )
    return rows
