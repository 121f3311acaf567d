"""The rotation generator (docs/shifts.md): for the shifts of some guarded objects over a period,
propose who holds each, filling every shift to its norm (GuardNorm, per force), and apply the
proposal only when confirmed (rotation_apply.py), as fill gaps does.

Whom it proposes: people of the pool of the norm's force, fairest first — the fewest hours of
shift duty in the period so far (those already held and those proposed), then the longest rest
since their last duty, then by id so that the proposal is the same each time. Never:
- someone already on duty at that time (the overlap rule);
- someone unavailable at that time;
- someone whose rest between this shift and another of their shift duties would be shorter than
  SHIFT_MIN_REST_HOURS (the rest rule, models/rest.py);
- someone twice on the same shift.
A shift the pool cannot fill is reported short, with what is missing.
Queries: a fixed number (shifts, their duties, norms, phases, the pool, the pool's duties and
periods), whatever the number of shifts or people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from deployments.models import (
    Assignment,
    Operation,
    Personnel,
    PersonnelQuerySet,
    Phase,
    Post,
    Shift,
    Unavailability,
)
from deployments.models.rest import min_rest
from deployments.services.shifts import covered_by_phases, norms_for, phase_segments


@dataclass
class Booked:
    """A window a person holds (a duty, stored or proposed), or cannot hold (unavailable)."""

    starts_at: datetime
    ends_at: datetime
    shift_id: int | None = None


@dataclass
class ShiftNeed:
    """One shift of the period: its norm, whom it has, whom the proposal adds, what is short."""

    shift: Shift
    required: dict[str, int]
    held: dict[str, list[Personnel]] = field(default_factory=lambda: defaultdict(list))
    proposed: list[Personnel] = field(default_factory=list)
    short: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def tokens(self) -> list[str]:
        return [f"{p.pk}:{self.shift.pk}" for p in self.proposed]


@dataclass
class Rotation:
    needs: list[ShiftNeed]

    @property
    def tokens(self) -> list[str]:
        return [token for need in self.needs for token in need.tokens]

    @property
    def proposed_count(self) -> int:
        return sum(len(n.proposed) for n in self.needs)

    @property
    def short_shifts(self) -> list[ShiftNeed]:
        return [n for n in self.needs if n.short]


class _Person:
    """A person of the pool as the generator weighs them."""

    def __init__(self, person: Personnel) -> None:
        self.person = person
        self.booked: list[Booked] = []
        self.away: list[Booked] = []
        self.hours = 0.0
        self.last_end: datetime | None = None

    def can_take(self, shift: Shift, rest: timedelta) -> bool:
        start, end = shift.starts_at, shift.ends_at
        for other in self.away:
            if other.starts_at < end and other.ends_at > start:
                return False
        for other in self.booked:
            if other.starts_at < end and other.ends_at > start:
                return False
            if (
                other.shift_id is not None
                and other.shift_id != shift.pk
                and other.starts_at < end + rest
                and other.ends_at > start - rest
            ):
                return False
        return True

    def take(self, shift: Shift) -> None:
        self.booked.append(Booked(shift.starts_at, shift.ends_at, shift.pk))
        self.hours += (shift.ends_at - shift.starts_at).total_seconds() / 3600
        if self.last_end is None or shift.ends_at > self.last_end:
            self.last_end = shift.ends_at

    def rank(self, shift: Shift) -> tuple:
        # Fewest hours first, then the longest rest before this shift, then a fixed order.
        rested = (
            (shift.starts_at - self.last_end).total_seconds()
            if self.last_end and self.last_end <= shift.starts_at
            else float("inf")
        )
        return (self.hours, -rested, self.person.pk)


def rotation_propose(
    *,
    posts: list[Post],
    operation: Operation,
    starts_at: datetime,
    ends_at: datetime,
    pool: PersonnelQuerySet,
) -> Rotation:
    """Propose duties filling each shift of `posts` meeting [starts_at, ends_at) to its norm
    from the `pool` (active people only). Nothing is written."""
    rest = min_rest()
    shifts = list(
        Shift.objects.filter(post__in=posts)
        .overlapping(starts_at, ends_at)
        .select_related("post")
        .order_by("starts_at", "post_id")
    )
    norms = norms_for(posts, operation)
    phases = list(Phase.objects.filter(operation=operation).order_by("starts_at"))
    people = {p.pk: _Person(p) for p in pool.filter(active=True).order_by("pk")}
    span_start = starts_at - rest
    span_end = ends_at + rest
    if shifts:
        span_start = min(span_start, shifts[0].starts_at - rest)
        span_end = max(span_end, max(s.ends_at for s in shifts) + rest)
    held: dict[int, dict[str, list[Personnel]]] = defaultdict(lambda: defaultdict(list))
    shift_ids = {s.pk for s in shifts}
    pool_ids = pool.filter(active=True).values("pk")
    duties = _duties_of(pool_ids, shift_ids, span_start, span_end)
    for duty in duties:
        if duty.shift_id in shift_ids:
            group = held[duty.shift_id][duty.personnel.force]
            if all(p.pk != duty.personnel_id for p in group):
                group.append(duty.personnel)
        mine = people.get(duty.personnel_id)
        if mine is not None:
            mine.booked.append(Booked(duty.starts_at, duty.ends_at, duty.shift_id))
            if duty.shift_id is not None and starts_at <= duty.starts_at < ends_at:
                mine.hours += (duty.ends_at - duty.starts_at).total_seconds() / 3600
            if mine.last_end is None or duty.ends_at > mine.last_end:
                mine.last_end = duty.ends_at
    for period in Unavailability.objects.filter(
        personnel_id__in=pool_ids, starts_at__lt=span_end, ends_at__gt=span_start
    ):
        people[period.personnel_id].away.append(Booked(period.starts_at, period.ends_at))

    by_force: dict[str, list[_Person]] = defaultdict(list)
    for mine in people.values():
        by_force[mine.person.force].append(mine)
    needs = []
    for shift in shifts:
        need = ShiftNeed(shift=shift, required=norms.get(shift.post_id, {}))
        need.held = held[shift.pk]
        if not covered_by_phases(
            shift.starts_at, shift.ends_at, phase_segments(shift.starts_at, shift.ends_at, phases)
        ):
            need.note = _("Regu ini di luar tahapan operasi; tidak diisi.")
            need.short = dict(need.required)
            needs.append(need)
            continue
        for force, count in sorted(need.required.items()):
            missing = count - len(need.held.get(force, []))
            candidates = sorted(
                (c for c in by_force.get(force, []) if c.can_take(shift, rest)),
                key=lambda c: c.rank(shift),
            )
            for chosen in candidates[: max(missing, 0)]:
                chosen.take(shift)
                need.proposed.append(chosen.person)
            if missing > len(candidates):
                need.short[force] = missing - len(candidates)
        needs.append(need)
    return Rotation(needs=needs)


def _duties_of(pool_ids, shift_ids: set[int], start: datetime, end: datetime):
    """The pool's duties near the period and every duty of its shifts, one query."""
    return (
        Assignment.objects.not_cancelled()
        .filter(
            Q(personnel_id__in=pool_ids, starts_at__lt=end, ends_at__gt=start)
            | Q(shift_id__in=shift_ids)
        )
        .select_related("personnel")
        .order_by("starts_at")
    )
