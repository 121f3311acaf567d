"""Reads of the roster pages: one object's week of shifts and one person's week of duties, each
in a fixed number of queries whatever the number of shifts or duties."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch

from core.formats import WIB
from deployments.models import Assignment, Operation, Personnel, Post, Shift
from deployments.models.rest import min_rest
from deployments.services.shifts import norms_for

DAYS = 7


def week_bounds(first_day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time(0), tzinfo=WIB)
    return start, start + timedelta(days=DAYS)


@dataclass
class ShiftCell:
    shift: Shift
    duties: list[Assignment]
    required: dict[str, int]

    @property
    def people(self) -> list[Personnel]:
        seen: dict[int, Personnel] = {}
        for duty in self.duties:
            seen.setdefault(duty.personnel_id, duty.personnel)
        return list(seen.values())

    @property
    def short(self) -> dict[str, int]:
        held: dict[str, int] = defaultdict(int)
        for person in self.people:
            held[person.force] += 1
        return {f: n - held[f] for f, n in self.required.items() if held[f] < n}


@dataclass
class PostWeek:
    post: Post
    days: list[date]
    rows: list[tuple[str, list[ShiftCell | None]]] = field(default_factory=list)
    required: dict[str, int] = field(default_factory=dict)

    @property
    def short_count(self) -> int:
        return sum(1 for _label, cells in self.rows for c in cells if c and c.short)


def post_week(post: Post, operation: Operation | None, first_day: date) -> PostWeek:
    """The object's shifts of the week, by the hour they start (rows) and their day (columns),
    each with who holds it and what it lacks against the norm. Three queries: the norms, the
    shifts, their duties with their people."""
    start, end = week_bounds(first_day)
    days = [first_day + timedelta(days=i) for i in range(DAYS)]
    required = norms_for([post], operation).get(post.pk, {}) if operation else {}
    duties = Prefetch(
        "assignments",
        queryset=Assignment.objects.not_cancelled()
        .select_related("personnel")
        .order_by("personnel__name", "starts_at"),
        to_attr="held",
    )
    shifts = (
        Shift.objects.filter(post=post)
        .overlapping(start, end)
        .prefetch_related(duties)
        .order_by("starts_at")
    )
    grid: dict[str, dict[date, ShiftCell]] = defaultdict(dict)
    for shift in shifts:
        local = shift.starts_at.astimezone(WIB)
        label = f"{local:%H.%M}–{shift.ends_at.astimezone(WIB):%H.%M}"
        grid[label][local.date()] = ShiftCell(shift=shift, duties=shift.held, required=required)
    week = PostWeek(post=post, days=days, required=required)
    for label in sorted(grid):
        week.rows.append((label, [grid[label].get(day) for day in days]))
    return week


@dataclass
class PersonDuty:
    duty: Assignment
    rest_before: timedelta | None  # since the end of their previous duty, if in view
    rest_short: bool = False

    @property
    def rest_hours(self) -> float | None:
        return None if self.rest_before is None else self.rest_before.total_seconds() / 3600


def person_week(person: Personnel, first_day: date) -> list[PersonDuty]:
    """The person's duties meeting the week (and the one just before, for the first rest), with
    the rest before each; a rest under the minimum between two shift duties is marked. One
    query."""
    start, end = week_bounds(first_day)
    rest = min_rest()
    duties = list(
        Assignment.objects.not_cancelled()
        .filter(personnel=person, starts_at__lt=end, ends_at__gt=start - timedelta(days=2))
        .select_related("post", "shift", "phase")
        .order_by("starts_at")
    )
    rows: list[PersonDuty] = []
    previous: Assignment | None = None
    for duty in duties:
        gap = duty.starts_at - previous.ends_at if previous else None
        short = bool(
            previous
            and gap is not None
            and duty.shift_id
            and previous.shift_id
            and previous.shift_id != duty.shift_id
            and gap < rest
        )
        if duty.ends_at > start:
            rows.append(PersonDuty(duty=duty, rest_before=gap, rest_short=short))
        previous = duty
    return rows
