"""Reads of the daily report: the list, one report's page, and the Anev (figures across days
and phases side by side). Reports are read as stored: the Anev shows what was reported, the
current revision of each day."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import Role, access_of
from core.formats import LETTERHEAD
from deployments.coverage import FORCES
from deployments.models import Phase, PostKind
from deployments.phases import day_start
from deployments.selectors import current_operation
from field.incidents.models import IncidentClass
from opsboard.reports.figures import ELECTION_CLASSES, KAMTIBMAS_CLASSES, incident_rows
from opsboard.reports.models import POLRES, DailyReport
from tps.models import Kecamatan

LIST_LIMIT = 120


@dataclass(frozen=True)
class ReportScope:
    """Whose daily report a page shows: the Polres (``kecamatan`` None) or one kecamatan."""

    code: str
    kecamatan: Kecamatan | None = None

    @property
    def label(self) -> str:
        if self.kecamatan is None:
            return _("Polres Kediri Kota")
        return _("Polsek %(name)s") % {"name": self.kecamatan.name}

    @property
    def letterhead(self) -> tuple[str, ...]:
        """The kop: the Polres's, and a Polsek's below it (SEKTOR …)."""
        if self.kecamatan is None:
            return LETTERHEAD
        return (*LETTERHEAD, f"SEKTOR {self.kecamatan.name.upper()}")

    @property
    def signatory(self) -> str:
        """Who signs: the Kabag Ops for the Polres, the Kapolsek for a kecamatan."""
        if self.kecamatan is None:
            return "KABAG OPS POLRES KEDIRI KOTA"
        return f"KAPOLSEK {self.kecamatan.name.upper()}"


POLRES_SCOPE = ReportScope(POLRES)


def scope_for(user, requested: str = "") -> ReportScope | None:
    """The scope of the user's report pages: Polsek staff their kecamatan, whatever they ask;
    command staff and admins the Polres, or the kecamatan whose code they ask for (``lingkup``).
    None: a code that names no kecamatan. One query at most."""
    access = access_of(user)
    if access.role is Role.POLSEK:
        own = Kecamatan.objects.only("code", "name").get(pk=access.kecamatan_id)
        return ReportScope(own.code, own)
    if not requested or requested == POLRES:
        return POLRES_SCOPE
    kecamatan = Kecamatan.objects.only("code", "name").filter(code=requested[:10]).first()
    return ReportScope(kecamatan.code, kecamatan) if kecamatan is not None else None


def scope_choices(user) -> list[ReportScope]:
    """The scopes the user may choose between: the Polres and each kecamatan for command staff
    and admins; none for Polsek staff (theirs is fixed). One query."""
    if not access_of(user).sees_everything:
        return []
    kecamatan = Kecamatan.objects.only("code", "name").order_by("code")
    return [POLRES_SCOPE, *(ReportScope(k.code, k) for k in kecamatan)]


def reports_for_list(
    *, scope_code: str = POLRES, limit: int = LIST_LIMIT, current: bool = False
) -> list[DailyReport]:
    """Every report of the scope, newest day first and, within a day, the latest revision
    first; whether each was corrected. ``current``: only the revisions no correction replaces
    (filtered before the limit, so corrected ones do not use it up). One query."""
    reports = DailyReport.objects.of_scope(scope_code)
    if current:
        reports = reports.current()
    return list(
        reports.select_related("corrected_by")
        .defer("figures", "corrected_by__figures")
        .order_by("-day", "-revision")[:limit]
    )


def report_for_page(user, pk: int) -> DailyReport:
    """One report the user may read, with what it corrects and what corrects it
    (DailyReport.DoesNotExist outside their scope). One query."""
    return (
        DailyReport.objects.visible_to(user)
        .select_related("revises", "corrected_by", "kecamatan")
        .defer("revises__figures", "corrected_by__figures")
        .get(pk=pk)
    )


def report_sections(report: DailyReport) -> dict[str, Any]:
    """What the page, the print and the exports show of the stored figures."""
    figures = report.figures
    deployed = figures.get("personnel", {}).get("deployed", {})
    return {
        "incident_rows": incident_rows(figures),
        "kamtibmas_classes": KAMTIBMAS_CLASSES,
        "demonstrations": figures.get("demonstrations", {}),
        "by_force": [(force, deployed.get("by_force", {}).get(force, 0)) for force in FORCES],
        "deployed_total": deployed.get("by_force", {}).get("total", 0),
        "by_kind": _kinds(deployed.get("by_kind", {})),
        "strength": figures.get("personnel", {}).get("strength", {}),
        "activities": figures.get("activities", {}),
        "turnout": figures.get("turnout", {}),
        "logistics": figures.get("logistics"),
    }


def _kinds(by_kind: dict[str, int]) -> list[tuple[str, int]]:
    labels = dict(PostKind.choices)
    return [(str(labels.get(code, code)), n) for code, n in by_kind.items()]


# Anev: the same figures across days and phases

ANEV_FIGURES: tuple[tuple[str, Any], ...] = (
    *(
        (f"incidents.{code}", label)
        for code, label in IncidentClass.choices
        if code in KAMTIBMAS_CLASSES
    ),
    *(
        (f"incidents.{code}", label)
        for code, label in IncidentClass.choices
        if code in ELECTION_CLASSES
    ),
    ("incidents.total", gettext_lazy("Jumlah gangguan kamtibmas")),
    ("traffic_accidents", gettext_lazy("Kecelakaan lalu lintas (diisi manual)")),
    *((f"personnel.deployed.by_force.{force}", force) for force in FORCES),
    ("personnel.deployed.by_force.total", gettext_lazy("Personel dikerahkan")),
    ("activities.meetings", gettext_lazy("Rapat koordinasi")),
    ("activities.patrol_personnel", gettext_lazy("Personel patroli")),
)
# Figures that add up over a phase (incidents, meetings); the others are people on duty on a
# day, whose phase value is the highest day (the peak), not a sum.
SUMMED = ("incidents.", "activities.meetings", "traffic_accidents")


def _value(report: DailyReport, key: str) -> int | None:
    if key == "traffic_accidents":
        return report.traffic_accidents
    node: Any = report.figures
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return len(node) if isinstance(node, list) else node


@dataclass
class AnevColumn:
    label: str
    phase: str = ""
    report: DailyReport | None = None
    values: list[int | None] = field(default_factory=list)


@dataclass
class Anev:
    start: date
    end: date
    labels: list[str]
    days: list[AnevColumn]
    phases: list[AnevColumn]

    @property
    def rows(self) -> list[tuple[str, list[int | None], list[int | None]]]:
        """One row per figure: its label, its value on each day, its value in each phase."""
        return [
            (label, [c.values[i] for c in self.days], [c.values[i] for c in self.phases])
            for i, label in enumerate(self.labels)
        ]


def anev(*, start: date, end: date, scope_code: str = POLRES) -> Anev:
    """The current report of each day from ``start`` to ``end``, its figures side by side, and
    the same figures per phase of the operation (summed, or the peak day for people on duty).
    A day without a report shows as empty. Two queries (the reports; the phases)."""
    reports = {
        report.day: report
        for report in DailyReport.objects.of_scope(scope_code)
        .current()
        .filter(day__gte=start, day__lte=end)
    }
    operation = current_operation(with_phases=True)
    phases: list[Phase] = list(operation.phases.all()) if operation is not None else []
    labels = dict(Phase.Code.choices)
    days, by_phase = [], {}
    day = start
    while day <= end:
        noon = day_start(day) + timedelta(hours=12)
        phase = next((p for p in phases if p.starts_at <= noon < p.ends_at), None)
        report = reports.get(day)
        column = AnevColumn(
            label=day.strftime("%d/%m"),
            phase=str(labels.get(phase.code, phase.code)) if phase else "",
            report=report,
            values=[_value(report, key) if report else None for key, _label in ANEV_FIGURES],
        )
        days.append(column)
        if phase is not None and report is not None:
            by_phase.setdefault(phase.code, []).append(column)
        day += timedelta(days=1)
    phase_columns = []
    for code, columns in by_phase.items():
        values = []
        for i, (key, _label) in enumerate(ANEV_FIGURES):
            known = [c.values[i] for c in columns if c.values[i] is not None]
            if not known:
                values.append(None)
            elif key.startswith(SUMMED):
                values.append(sum(known))
            else:
                values.append(max(known))
        phase_columns.append(
            AnevColumn(label=str(labels.get(code, code)), phase=code, values=values)
        )
    return Anev(
        start=start,
        end=end,
        labels=[str(label) for _key, label in ANEV_FIGURES],
        days=days,
        phases=phase_columns,
    )


def scope_of(report: DailyReport) -> ReportScope:
    return ReportScope(report.scope_code, report.kecamatan)


def scope_label(report: DailyReport) -> str:
    return scope_of(report).label
