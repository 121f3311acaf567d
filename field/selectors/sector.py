"""Reads of a Padal's or Kapolsek's sector on /me/: every TPS of their kecamatan with its
guards' check-ins, its latest status step and its open reports, and the summary of what needs
a look, in one query whatever the sector's size (docs/field.md).

Whose sector is what:
- a **Padal**'s: the kecamatan of each post of their Padal duties not yet ended; check-ins
  count in those duties' phases;
- a **Kapolsek**'s: the kecamatan of the Polsek they lead (field.selectors.officer's rule),
  duty or not; check-ins count in the phase under way.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, OuterRef, Q, Subquery

from deployments.models import Phase
from field.models import CheckIn, SituationReport, TPSStatusStep
from tps.models import TPS

# A summary names this many TPS of each problem, then says how many more; the long list below
# it has them all.
SUMMARY_LISTED = 12


@dataclass
class Problem:
    """TPS of the sector with one problem: all of them counted, the first few named."""

    tps: list[TPS] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tps)

    @property
    def listed(self) -> list[TPS]:
        return self.tps[:SUMMARY_LISTED]

    @property
    def more(self) -> int:
        return max(0, len(self.tps) - SUMMARY_LISTED)


@dataclass
class SectorSummary:
    """What a Padal or Kapolsek reads first: how many TPS of the sector have no check-in yet,
    no status step yet, or an open report (gangguan, hoaks, lainnya not yet handled)."""

    tps: int
    without_checkin: Problem
    without_status: Problem
    open_reports: Problem

    @property
    def all_well(self) -> bool:
        return not (
            self.without_checkin.count or self.without_status.count or self.open_reports.count
        )


def padal_sector(
    kecamatan_ids: list[int], *, phase_ids: set[int], at: datetime | None = None
) -> list[TPS]:
    """Each TPS of the kecamatan with its guards' check-ins in ``phase_ids`` (and, given
    ``at``, in the phase under way then), its latest status step and its open reports, by desa
    and number. One query: per-TPS subqueries over indexed columns (tps_id), so the cost grows
    with the sector, not with the operation."""
    phases = Q(phase_id__in=phase_ids)
    if at is not None:
        phases |= Q(
            phase_id__in=Phase.objects.filter(starts_at__lte=at, ends_at__gt=at).values("pk")
        )
    checkins = CheckIn.objects.filter(phases, tps=OuterRef("pk"))
    people_in = (
        checkins.order_by().values("tps").annotate(n=Count("person", distinct=True)).values("n")
    )
    far = checkins.filter(far=True).order_by().values("tps").annotate(n=Count("pk")).values("n")
    steps = TPSStatusStep.objects.filter(tps=OuterRef("pk")).order_by("-step")
    reports = (
        SituationReport.objects.filter(tps=OuterRef("pk"), handled_at=None)
        .exclude(kind=SituationReport.Kind.AMAN)
        .order_by()
        .values("tps")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        TPS.objects.filter(desa__kecamatan_id__in=kecamatan_ids)
        .select_related("desa__kecamatan")
        .defer("desa__boundary", "desa__kecamatan__boundary", "address")
        .annotate(
            checked_in=Subquery(people_in),
            far_checkins=Subquery(far),
            last_checkin_at=Subquery(checkins.order_by("-at").values("at")[:1]),
            last_step=Subquery(steps.values("step")[:1]),
            last_step_at=Subquery(steps.values("at")[:1]),
            open_reports=Subquery(reports),
        )
        .order_by("desa__name", "number")
    )


def sector_summary(sector: list[TPS]) -> SectorSummary:
    """The summary of a sector read by padal_sector, in its order; no query."""
    return SectorSummary(
        tps=len(sector),
        without_checkin=Problem([t for t in sector if not t.checked_in]),
        without_status=Problem([t for t in sector if not t.last_step]),
        open_reports=Problem([t for t in sector if t.open_reports]),
    )
