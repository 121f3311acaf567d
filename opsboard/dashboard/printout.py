"""What the printed dashboard adds to the screen's parts (docs/dashboard.md, Print): every TPS
not yet covered in the filter, not only the gap table's page, the open incidents, and who
printed it, when, for which operation and filter.

Paper is read away from the screen, in the Kabag Ops's folder or at the Polsek's morning brief:
it must say what it holds and what it leaves out, and hold all of it, whatever the number of
short TPS. Four queries beside those of the filter form, whatever the data size: the
uncovered rows of the snapshot with their TPS and places, the engine's state (stale?), the open
incidents with their places, and the reports still unanswered that no incident holds.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import Role
from core.formats import display_name
from deployments.models import CoverageStatus
from field.incidents.models import Incident
from field.models import SituationReport
from opsboard.dashboard.board import Dashboard
from opsboard.dashboard.filters import STATUS_LABELS
from opsboard.dashboard.rows import tps_row
from tps.models import Kerawanan

# Paper reads by place: kecamatan, desa, TPS number, whatever order the screen was sorted in.
PRINT_ORDER = "wilayah"
ROLE_LABELS = {
    Role.SUPERUSER: gettext_lazy("Superuser"),
    Role.ADMIN: gettext_lazy("Admin operasi"),
    Role.COMMAND: gettext_lazy("Staf komando"),
    Role.POLSEK: gettext_lazy("Staf Polsek"),
}


@dataclass
class Printout:
    operation: str
    who: str
    role: str
    at: datetime  # the operation clock
    area: str
    phase: str
    filters: list[str]
    computed_at: datetime | None
    stale: bool
    gaps: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    reports: list[SituationReport] = field(default_factory=list)

    @property
    def short(self) -> int:
        return sum(1 for row in self.gaps if row["status"] == CoverageStatus.SHORT)

    @property
    def unguarded(self) -> int:
        return sum(1 for row in self.gaps if row["status"] == CoverageStatus.UNGUARDED)


def _filter_lines(dash: Dashboard) -> list[str]:
    """The filters beside the area (which the area line names): class and status."""
    f = dash.filters
    lines = []
    if f.get("kerawanan"):
        lines.append(_("Kerawanan: %(label)s") % {"label": Kerawanan(f["kerawanan"]).label})
    if f.get("status"):
        lines.append(_("Status: %(label)s") % {"label": STATUS_LABELS[f["status"]]})
    return lines


def open_incidents(dash: Dashboard) -> list[Incident]:
    """Incidents not yet ended, in the user's scope and the dashboard's area, by severity then
    the longest waiting (the board's order), each with its minutes waiting. One query."""
    incidents = Incident.objects.visible_to(dash.user).open()
    f = dash.filters
    if f.get("desa") is not None:
        incidents = incidents.filter(Q(desa=f["desa"]) | Q(tps__desa=f["desa"]))
    elif f.get("kecamatan") is not None:
        incidents = incidents.filter(kecamatan=f["kecamatan"])
    elif f.get("kabkota") is not None:
        incidents = incidents.filter(kecamatan__kabkota=f["kabkota"])
    now = clock.now()
    rows = list(
        incidents.select_related("tps__desa", "desa", "kecamatan")
        .defer("tps__desa__boundary", "desa__boundary", "kecamatan__boundary", "tps__address")
        .order_by("-severity", "reported_at", "pk")
    )
    for incident in rows:
        incident.waiting = incident.minutes_waiting(now)
    return rows


def unanswered_reports(dash: Dashboard) -> list[SituationReport]:
    """Reports not yet handled that no incident holds, in the user's scope and the dashboard's
    area, urgent first, then newest. An "aman" report says all is quiet: it is no incident.
    One query."""
    reports = (
        SituationReport.objects.visible_to(dash.user)
        .filter(handled_at=None, incident_link__isnull=True)
        .exclude(kind=SituationReport.Kind.AMAN)
    )
    f = dash.filters
    if f.get("desa") is not None:
        reports = reports.filter(tps__desa=f["desa"])
    elif f.get("kecamatan") is not None:
        reports = reports.filter(tps__desa__kecamatan=f["kecamatan"])
    elif f.get("kabkota") is not None:
        reports = reports.filter(tps__desa__kecamatan__kabkota=f["kabkota"])
    return list(
        reports.select_related("person", "tps__desa__kecamatan")
        .defer("tps__desa__boundary", "tps__desa__kecamatan__boundary", "tps__address")
        .order_by("-urgent", "-at", "-pk")
    )


def dashboard_printout(dash: Dashboard) -> Printout:
    """The printed dashboard's own part for this user and these filters."""
    snapshot = dash.snapshot
    gaps = (
        [tps_row(row) for row in dash.gap_rows(PRINT_ORDER).iterator(2000)]
        if snapshot is not None
        else []
    )
    return Printout(
        operation=dash.operation.name if dash.operation is not None else "",
        who=display_name(dash.user),
        role=str(ROLE_LABELS.get(dash.access.role, "")),
        at=clock.now(),
        area=str(dash.area_label),
        phase=str(dash.phase) if dash.phase is not None else "–",
        filters=_filter_lines(dash),
        computed_at=snapshot.computed_at if snapshot is not None else None,
        stale=dash.stale,
        gaps=gaps,
        incidents=open_incidents(dash),
        reports=unanswered_reports(dash),
    )
