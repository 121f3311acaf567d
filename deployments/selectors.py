"""Reads about the operation that the higher apps share: which operation, which phase."""

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageSnapshot,
    Force,
    Operation,
    Personnel,
    Phase,
    PostKind,
)
from tps.models import TPS


def current_operation(*, with_phases: bool = False) -> Operation | None:
    """The operation this deployment runs, or None before one is created.

    A deployment runs one operation. Should a second row ever exist (next year's operation
    added beside this one), the one that starts last is the current one rather than an error.
    """
    operations = Operation.objects.order_by("-starts_on", "-pk")
    if with_phases:
        operations = operations.prefetch_related("phases")
    return operations.first()


def default_phase(operation: Operation | None, at: datetime) -> Phase | None:
    """The phase shown unless another is asked for: the one under way at `at`, else pemungutan.

    Outside every phase (before pra-operasi, after pasca) the command still wants to see the
    election-day deployment, which is what the operation exists for. Reads the operation's
    phases once (seven rows), from the prefetch cache when `current_operation(with_phases=True)`
    filled it.
    """
    if operation is None:
        return None
    phases = list(operation.phases.all())
    for phase in phases:
        # Half-open, like the phases themselves: a phase's end is the next one's start.
        if phase.starts_at <= at < phase.ends_at:
            return phase
    return next((phase for phase in phases if phase.code == Phase.Code.PEMUNGUTAN), None)


def tps_guarded_by(
    person: Personnel, *, at: datetime, among: QuerySet[TPS] | None = None
) -> QuerySet[TPS]:
    """The TPS of the person's Pam TPS duties not yet ended at ``at``, each once (a subquery,
    not a join: no DISTINCT needed), among ``among`` (all TPS by default). Not evaluated."""
    stations = TPS.objects.all() if among is None else among
    duties = Assignment.objects.duties_of(person, at=at).guarding()
    return stations.filter(pk__in=duties.values("tps"))


def coverage_areas_at(
    at: datetime, *, phase: Phase, level: str, code: str
) -> tuple[CoverageSnapshot | None, dict[str, CoverageArea]]:
    """An area's coverage as the last snapshot of the phase computed at or before ``at`` saw it.

    Returns that snapshot (None when there was none yet) and its rows for the area by kerawanan
    class ("" for all classes). Ordered by ``computed_at``, the operation clock's time of the
    computation, so that dates of meetings (domain time) compare with it even when the demo's
    clock is pinned; ``created_at`` breaks ties. Two queries.
    """
    snapshot = (
        CoverageSnapshot.objects.filter(phase=phase, computed_at__lte=at)
        .order_by("-computed_at", "-created_at", "-pk")
        .first()
    )
    if snapshot is None:
        return None, {}
    rows = CoverageArea.objects.filter(snapshot=snapshot, level=level, code=code)
    return snapshot, {row.kerawanan: row for row in rows}


# Personnel deployed over a period (the daily report and /api/angka-harian.json)


def deployed_personnel(user, *, starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
    """Distinct people in scope with a duty (not cancelled) overlapping [starts_at, ends_at):
    per force (all three, plus ``total``) and per post kind (every kind present). Two queries.

    A person with a Pam TPS duty and a patrol the same day counts once per force and once in
    each kind; the kinds therefore may add up to more than the total.
    """
    duties = Assignment.objects.visible_to(user).overlapping(starts_at, ends_at)
    by_force = dict.fromkeys(Force.values, 0)
    for row in (
        duties.values("personnel__force")
        .annotate(people=Count("personnel", distinct=True))
        .order_by()
    ):
        by_force[row["personnel__force"]] = row["people"]
    by_kind = dict.fromkeys(PostKind.values, 0)
    for row in duties.values("kind").annotate(people=Count("personnel", distinct=True)).order_by():
        by_kind[row["kind"]] = row["people"]
    return {
        "by_force": {**by_force, "total": sum(by_force.values())},
        "by_kind": by_kind,
    }
