"""Reads of logistics custody: the dashboard's panel and one batch's page and custody record."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q

from core import clock
from deployments.models import Assignment
from field.logistics.models import LogisticsBatch, LogisticsFlag, LogisticsLeg


def _legs() -> Prefetch:
    return Prefetch(
        "legs",
        queryset=LogisticsLeg.objects.select_related("origin", "destination").order_by("order"),
    )


def _flags() -> Prefetch:
    return Prefetch("legs__flags", queryset=LogisticsFlag.objects.order_by("reason"))


def _annotate(batch: LogisticsBatch, now: datetime) -> LogisticsBatch:
    """Per leg: overdue (not arrived past its deadline, flagged or not yet by the beat) and
    its flag reasons; per batch: the flag count and the current leg."""
    batch.flag_count = 0
    batch.current = None
    expected = (batch.boxes, batch.ballots)
    for leg in batch.legs.all():
        # What should leave on this leg: what the leg before handed over, else the cargo.
        leg.expected_boxes, leg.expected_ballots = expected
        if leg.received_boxes is not None:
            expected = (leg.received_boxes, leg.received_ballots)
        leg.overdue = leg.arrived_at is None and now > leg.deadline
        leg.flag_list = list(leg.flags.all())
        batch.flag_count += len(leg.flag_list)
        if batch.current is None and leg.handed_over_at is None:
            batch.current = leg
    return batch


@dataclass
class KecamatanRow:
    name: str
    batches: list = field(default_factory=list)

    @property
    def flag_count(self) -> int:
        return sum(b.flag_count for b in self.batches)


def logistics_panel(user) -> list[KecamatanRow]:
    """Batches per kecamatan with their legs and flags, in scope. Three queries whatever the
    size: batches (with kecamatan), legs (with their places), flags."""
    now = clock.now()
    batches = (
        LogisticsBatch.objects.visible_to(user)
        .select_related("kecamatan")
        .defer("kecamatan__boundary")
        .prefetch_related(_legs(), _flags())
        .order_by("kecamatan__name", "direction", "code")
    )
    rows: dict[int, KecamatanRow] = {}
    for batch in batches:
        row = rows.setdefault(batch.kecamatan_id, KecamatanRow(name=batch.kecamatan.name))
        row.batches.append(_annotate(batch, now))
    return list(rows.values())


def batch_for_page(user, pk: int) -> LogisticsBatch:
    """One batch in scope with everything its page and custody record show (DoesNotExist
    outside the scope)."""
    batch = (
        LogisticsBatch.objects.visible_to(user)
        .select_related("kecamatan")
        .defer("kecamatan__boundary")
        .prefetch_related(_legs(), _flags(), "vehicles", "escorts")
        .get(pk=pk)
    )
    return _annotate(batch, clock.now())


def escort_duties(batch: LogisticsBatch) -> list[Assignment]:
    """Who holds the batch's escort posts during its planned window: the duties of the
    ``pengawalan_logistik`` posts (deployments), not a roster of our own."""
    legs = list(batch.legs.all())
    posts = [p.pk for p in batch.escorts.all()]
    if not legs or not posts:
        return []
    start = min(leg.planned_departure for leg in legs)
    end = max(leg.planned_arrival for leg in legs)
    return list(
        Assignment.objects.filter(post_id__in=posts)
        .overlapping(start, end)
        .select_related("personnel", "post")
        .order_by("post__name", "personnel__name")
    )


def logistics_day_counts(user, *, starts_at: datetime, ends_at: datetime) -> dict[str, int]:
    """The custody figures of one window in the user's scope, for the daily report: the batches
    with a leg planned or moved in it, the legs that left, arrived and were handed over in it,
    the flags raised in it by reason, and the legs still not arrived at its end past their
    deadline (one query per figure group: legs, flags)."""
    batches = LogisticsBatch.objects.visible_to(user)
    in_window = (
        Q(planned_departure__lt=ends_at, planned_arrival__gte=starts_at)
        | Q(departed_at__gte=starts_at, departed_at__lt=ends_at)
        | Q(arrived_at__gte=starts_at, arrived_at__lt=ends_at)
    )
    legs = LogisticsLeg.objects.filter(batch__in=batches)
    counts = legs.aggregate(
        batches=Count("batch", filter=in_window, distinct=True),
        legs_departed=Count("pk", filter=Q(departed_at__gte=starts_at, departed_at__lt=ends_at)),
        legs_arrived=Count("pk", filter=Q(arrived_at__gte=starts_at, arrived_at__lt=ends_at)),
        legs_handed_over=Count(
            "pk", filter=Q(handed_over_at__gte=starts_at, handed_over_at__lt=ends_at)
        ),
    )
    flags = LogisticsFlag.objects.filter(
        leg__batch__in=batches, raised_at__gte=starts_at, raised_at__lt=ends_at
    ).aggregate(
        flags_late=Count("pk", filter=Q(reason=LogisticsFlag.Reason.LATE)),
        flags_mismatch=Count("pk", filter=Q(reason=LogisticsFlag.Reason.MISMATCH)),
    )
    return counts | flags
