"""Reads of the command's field panels: check-ins per kecamatan, TPS field status for the map,
and the incident feed, each in the user's scope."""

from django.db.models import (
    Count,
    Max,
    Q,
)

from core import clock
from deployments.selectors import current_operation, default_phase
from field.incidents.models import Incident
from field.models import CheckIn, SituationReport, TPSStatusStep
from tps.models import TPS


def _phase_now():
    operation = current_operation(with_phases=True)
    return default_phase(operation, clock.now())


def checkins_by_kecamatan(user, phase=None) -> dict:
    """Check-ins per kecamatan in the user's scope, for the dashboard, and the latest check-ins
    that need a look (far from the TPS, or without a position).

    Queries: the operation; its phases; TPS per kecamatan; check-ins per kecamatan; the latest
    flagged check-ins.
    """
    phase = phase or _phase_now()
    totals = (
        TPS.objects.visible_to(user)
        .values("desa__kecamatan_id", "desa__kecamatan__code", "desa__kecamatan__name")
        .annotate(tps=Count("pk"))
        .order_by("desa__kecamatan__code")
    )
    checkins = CheckIn.objects.visible_to(user).filter(phase=phase)
    figures = {
        row["tps__desa__kecamatan_id"]: row
        for row in checkins.values("tps__desa__kecamatan_id")
        .annotate(
            tps_checked=Count("tps", distinct=True),
            guards=Count("person", distinct=True),
            far=Count("pk", filter=Q(far=True)),
            unverified=Count("pk", filter=Q(distance_m=None)),
        )
        .order_by()
    }
    rows = []
    for row in totals:
        got = figures.get(row["desa__kecamatan_id"], {})
        rows.append(
            {
                "code": row["desa__kecamatan__code"],
                "name": row["desa__kecamatan__name"],
                "tps": row["tps"],
                "tps_checked": got.get("tps_checked", 0),
                "guards": got.get("guards", 0),
                "far": got.get("far", 0),
                "unverified": got.get("unverified", 0),
            }
        )
    flagged = list(
        checkins.filter(Q(far=True) | Q(distance_m=None))
        .select_related("person", "tps__desa", "entered_by")
        .defer("tps__desa__boundary", "tps__address")
        .order_by("-at", "-pk")[:10]
    )
    return {"phase": phase, "rows": rows, "flagged": flagged}


def tps_field_status(user, phase=None) -> dict:
    """/api/tps-field-status.json: per TPS in scope, its latest status step and its check-ins.

    Queries: the operation; its phases; the status steps; check-ins per TPS; open incidents
    per TPS.
    """
    phase = phase or _phase_now()
    visible = TPS.objects.visible_to(user).values("pk")
    status: dict[str, dict] = {}
    for tps_id, step, at in (
        TPSStatusStep.objects.filter(tps__in=visible)
        .order_by("tps_id", "step")
        .values_list("tps_id", "step", "at")
    ):
        status[str(tps_id)] = {"step": step, "at": at}
    checkins: dict[str, dict] = {}
    if phase is not None:
        for row in (
            CheckIn.objects.filter(tps__in=visible, phase=phase)
            .values("tps_id")
            .annotate(
                guards=Count("person", distinct=True),
                far=Count("pk", filter=Q(far=True)),
                unverified=Count("pk", filter=Q(distance_m=None)),
                last=Max("at"),
            )
            .order_by()
        ):
            checkins[str(row["tps_id"])] = row
    incidents: dict[str, dict] = {}
    for row in (
        Incident.objects.visible_to(user)
        .open()
        .filter(tps__isnull=False)
        .values("tps_id")
        .annotate(open=Count("pk"), severity=Max("severity"))
        .order_by()
    ):
        incidents[str(row["tps_id"])] = row
    return {"phase": phase, "status": status, "checkins": checkins, "incidents": incidents}


def incident_feed(user, *, kind: str = "", open_only: bool = False, limit: int = 50):
    """Situation reports in the user's scope, newest first. One query."""
    reports = SituationReport.objects.visible_to(user)
    if kind:
        reports = reports.filter(kind=kind)
    if open_only:
        reports = reports.filter(handled_at=None)
    return list(
        reports.select_related("person", "tps__desa__kecamatan", "entered_by", "handled_by")
        .defer("tps__desa__boundary", "tps__desa__kecamatan__boundary")
        .order_by("-at", "-pk")[:limit]
    )
