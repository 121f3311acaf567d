"""Reads of one TPS for the command's TPS page and the map's popup: its live state (the last
check-in, the step reached, its open incidents) and its timeline of field records.

No phone number is read here: the TPS page and the popup show none to anyone (docs/access.md,
"Personal data"); names, ranks and units are the roster's and are shown.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from field.incidents.models import Incident
from field.models import CheckIn, SituationReport, TPSStatusStep
from tps.models import TPS

TIMELINE_PER_KIND = 50


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # checkin, step, report, incident
    label: str
    record: object


def tps_live_state(tps: TPS) -> dict:
    """The TPS now: its last check-in, the latest step reported, its open incidents (most
    severe first). Three queries."""
    last_checkin = (
        CheckIn.objects.filter(tps=tps).select_related("person").order_by("-at", "-pk").first()
    )
    step = TPSStatusStep.objects.filter(tps=tps).order_by("-step").first()
    incidents = list(
        Incident.objects.filter(tps=tps).open().order_by("-severity", "reported_at", "pk")[:5]
    )
    return {"last_checkin": last_checkin, "step": step, "open_incidents": incidents}


def tps_history(tps: TPS, *, per_kind: int = TIMELINE_PER_KIND) -> list[TimelineEntry]:
    """Check-ins, status steps, situation reports and incidents of the TPS, newest first (the
    latest ``per_kind`` of each). Four queries, whatever their number."""
    entries: list[TimelineEntry] = []
    for c in (
        CheckIn.objects.filter(tps=tps)
        .select_related("person", "entered_by")
        .order_by("-at", "-pk")[:per_kind]
    ):
        entries.append(TimelineEntry(c.at, "checkin", _("Check-in"), c))
    for s in (
        TPSStatusStep.objects.filter(tps=tps)
        .select_related("person", "entered_by")
        .order_by("-at", "-pk")[:per_kind]
    ):
        entries.append(TimelineEntry(s.at, "step", s.get_step_display(), s))
    for r in (
        SituationReport.objects.filter(tps=tps)
        .select_related("person", "entered_by")
        .order_by("-at", "-pk")[:per_kind]
    ):
        entries.append(TimelineEntry(r.at, "report", r.get_kind_display(), r))
    for i in Incident.objects.filter(tps=tps).order_by("-reported_at", "-pk")[:per_kind]:
        entries.append(TimelineEntry(i.reported_at, "incident", i.number, i))
    order = {"incident": 0, "report": 1, "step": 2, "checkin": 3}
    entries.sort(key=lambda e: (e.at, -order[e.kind], e.record.pk), reverse=True)
    return entries
