"""Reads of coordination for the pages and the dashboard panel.

Every read starts from a ``visible_to(user)`` queryset and issues a fixed number of queries,
whatever the number of meetings or items; the query-count tests in tests/coordination/ list them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, Prefetch, Q, Value, When
from django.utils import timezone

from coordination.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesRevision,
    ReadinessItem,
    Statement,
    UnitReadiness,
)
from core import clock
from core.access import access_of
from deployments.models import CoverageArea, CoverageSnapshot
from deployments.selectors import coverage_areas_at, current_operation, default_phase
from tps.models import TPS, Kecamatan, Kerawanan

NOT_DONE = Q(status__in=ActionItem.OPEN_STATUSES)

# Meeting list


def meetings_for_list(
    user,
    *,
    q: str = "",
    agency: Agency | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Meetings the user may read, newest first, with what a row of the list shows.

    One query for the page (plus the paginator's count): participants, open follow-ups and the
    latest revision number come as annotations.
    """
    meetings = Meeting.objects.visible_to(user)
    if q:
        meetings = meetings_matching(meetings, q)
    if agency is not None:
        meetings = meetings.filter(
            Q(pk__in=Attendance.objects.filter(agency=agency).values("meeting_id"))
            | Q(pk__in=ActionItem.objects.filter(agency=agency).values("meeting_id"))
        )
    if kind:
        meetings = meetings.filter(kind=kind)
    if date_from is not None:
        meetings = meetings.filter(held_at__date__gte=date_from)
    if date_to is not None:
        meetings = meetings.filter(held_at__date__lte=date_to)
    return meetings.annotate(
        participants=Count(
            "attendance",
            filter=~Q(attendance__presence=Attendance.Presence.ABSENT),
            distinct=True,
        ),
        open_items=Count(
            "action_items",
            filter=Q(action_items__status__in=ActionItem.OPEN_STATUSES),
            distinct=True,
        ),
        revision=Max("revisions__number"),
    ).order_by("-held_at", "-pk")


SEARCH_FIELDS = ("number", "title", "place", "chair", "minutes", "issues_raised")


def meetings_matching(meetings, q: str):
    """Full-text search on PostgreSQL (the "simple" configuration: Indonesian has no stemmer
    in PostgreSQL, and names must match as written; web-search syntax: "politik uang" -hoaks);
    every word as a substring elsewhere. Statements and decisions are searched too."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(q, config="simple", search_type="websearch")
        statements = (
            Statement.objects.annotate(
                document=SearchVector("speaker", "position", "text", config="simple")
            )
            .filter(document=query)
            .values("meeting_id")
        )
        decisions = (
            Decision.objects.annotate(document=SearchVector("text", config="simple"))
            .filter(document=query)
            .values("meeting_id")
        )
        # Meeting numbers (Rakor/01/VIII/OPS.1.3./2024) are identifiers, tokenised as paths by
        # the parser: a part of one is matched as a substring.
        return meetings.annotate(document=SearchVector(*SEARCH_FIELDS, config="simple")).filter(
            Q(document=query) | Q(number__icontains=q) | Q(pk__in=statements) | Q(pk__in=decisions)
        )
    for word in q.split():
        in_meeting = Q()
        for name in SEARCH_FIELDS:
            in_meeting |= Q(**{f"{name}__icontains": word})
        statements = Statement.objects.filter(
            Q(speaker__icontains=word) | Q(position__icontains=word) | Q(text__icontains=word)
        ).values("meeting_id")
        decisions = Decision.objects.filter(text__icontains=word).values("meeting_id")
        meetings = meetings.filter(in_meeting | Q(pk__in=statements) | Q(pk__in=decisions))
    return meetings


# One meeting


def meetings_for_page(user):
    """The meeting page's and the print view's queryset: everything in one query per relation.

    Queries: the meeting; agenda items with their carried follow-up, its agency and meeting;
    attendance with agencies; statements with agencies; decisions; follow-ups with agency and
    places; attachments; revisions.
    """
    return Meeting.objects.visible_to(user).prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related(
                "action_item__agency", "action_item__meeting"
            ),
        ),
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("agency").order_by("agency__name", "pk"),
        ),
        Prefetch("statements", queryset=Statement.objects.select_related("agency")),
        "decisions",
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related(
                "agency", "kecamatan", "desa", "tps__desa", "unit"
            ).order_by("due_on", "pk"),
        ),
        "attachments",
        Prefetch("revisions", queryset=MinutesRevision.objects.order_by("number")),
    )


@dataclass
class MinutesShown:
    """The minutes text a page shows: a revision, or the unpublished draft."""

    text: str
    revision: MinutesRevision | None
    revisions: list[MinutesRevision]

    @property
    def is_draft(self) -> bool:
        return self.revision is None

    @property
    def is_latest(self) -> bool:
        return self.revision is None or self.revision == self.revisions[-1]


def minutes_shown(meeting: Meeting, number: int | None) -> MinutesShown | None:
    """The revision asked for (the latest by default); None when that number does not exist."""
    revisions = list(meeting.revisions.all())
    if not revisions:
        return None if number is not None else MinutesShown(meeting.minutes, None, [])
    if number is None:
        return MinutesShown(revisions[-1].text, revisions[-1], revisions)
    for revision in revisions:
        if revision.number == number:
            return MinutesShown(revision.text, revision, revisions)
    return None


def attendance_by_presence(meeting: Meeting) -> dict[str, list[Attendance]]:
    groups: dict[str, list[Attendance]] = {p: [] for p in Attendance.Presence.values}
    for row in meeting.attendance.all():
        groups[row.presence].append(row)
    return groups


def previous_meeting(user, meeting: Meeting) -> Meeting | None:
    """The meeting held last before this one. One query."""
    return (
        Meeting.objects.visible_to(user)
        .filter(held_at__lt=meeting.held_at)
        .order_by("-held_at", "-pk")
        .only("pk", "number", "title", "held_at")
        .first()
    )


# Follow-ups


def overdue_first(items, today: date):
    return items.annotate(
        late=Case(
            When(Q(due_on__lt=today) & NOT_DONE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("late", "due_on", "pk")


def action_items_for_list(
    user, *, today: date, status: str = "", agency: Agency | None = None, overdue: bool = False
):
    """Follow-ups, overdue first, then by due date. One query (plus the paginator's count)."""
    items = ActionItem.objects.visible_to(user).select_related(
        "agency", "meeting", "kecamatan", "desa", "tps__desa", "unit"
    )
    if status == "not_done":
        items = items.not_done()
    elif status:
        items = items.filter(status=status)
    if agency is not None:
        items = items.filter(agency=agency)
    if overdue:
        items = items.overdue(today)
    return overdue_first(items, today)


@dataclass
class AgencyLoad:
    agency_id: int
    name: str
    open: int
    overdue: int
    next_due: date | None


def open_items_by_agency(user, today: date) -> list[AgencyLoad]:
    """Per agency: follow-ups not done, how many overdue, the next due date. One query."""
    rows = (
        ActionItem.objects.visible_to(user)
        .not_done()
        .values("agency_id", "agency__name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            next_due=Min("due_on"),
        )
        .order_by("-overdue", "next_due", "agency__name")
    )
    return [
        AgencyLoad(r["agency_id"], r["agency__name"], r["open"], r["overdue"], r["next_due"])
        for r in rows
    ]


# Asta siap


@dataclass
class ReadinessRow:
    unit: Any
    cells: list[UnitReadiness | None]
    ready: int = 0
    assessed: int = 0
    estimate: bool = False
    last_review: date | None = None

    @property
    def total(self) -> int:
        return len(self.cells)


@dataclass
class ReadinessGrid:
    items: list[ReadinessItem]
    rows: list[ReadinessRow] = field(default_factory=list)

    @property
    def items_are_estimates(self) -> bool:
        return any(item.is_estimate for item in self.items)


def readiness_grid(user) -> ReadinessGrid:
    """One row per unit with a checklist, one cell per active item. Two queries."""
    items = list(ReadinessItem.objects.visible_to(user).filter(active=True))
    grid = ReadinessGrid(items=items)
    cells = (
        UnitReadiness.objects.visible_to(user)
        .filter(item__active=True)
        .select_related("unit", "item")
        .order_by("unit__force", "unit__kind", "unit__code")
    )
    by_unit: dict[int, ReadinessRow] = {}
    position = {item.pk: index for index, item in enumerate(items)}
    for cell in cells:
        row = by_unit.get(cell.unit_id)
        if row is None:
            row = by_unit[cell.unit_id] = ReadinessRow(cell.unit, [None] * len(items))
            grid.rows.append(row)
        row.cells[position[cell.item_id]] = cell
        row.ready += cell.status == UnitReadiness.Status.READY
        row.assessed += cell.status != UnitReadiness.Status.UNKNOWN
        row.estimate = row.estimate or cell.is_estimate
        if cell.reviewed_on and (row.last_review is None or cell.reviewed_on > row.last_review):
            row.last_review = cell.reviewed_on
    grid.rows.sort(key=_unit_order)
    return grid


UNIT_KIND_ORDER = {"polres": 0, "bag": 1, "sat": 2, "si": 3, "polsek": 4, "kodim": 5}


def _unit_order(row: ReadinessRow) -> tuple:
    return (UNIT_KIND_ORDER.get(row.unit.kind, 9), row.unit.code)


def dashboard_panel(user, today: date) -> dict[str, Any]:
    """The dashboard's coordination panel. Queries: follow-ups per agency; the ten most urgent
    follow-ups with agency and meeting; asta siap items; asta siap cells with their units."""
    urgent = overdue_first(
        ActionItem.objects.visible_to(user).not_done().select_related("agency", "meeting"), today
    )[:10]
    by_agency = open_items_by_agency(user, today)
    return {
        "today": today,
        "by_agency": by_agency,
        "open_total": sum(a.open for a in by_agency),
        "overdue_total": sum(a.overdue for a in by_agency),
        "urgent": list(urgent),
        "readiness": readiness_grid(user),
    }


# What changed between two meetings


@dataclass
class CoverageMoment:
    at: datetime
    snapshot: CoverageSnapshot | None
    total: CoverageArea | None
    by_class: dict[str, int]


@dataclass
class CoverageChange:
    label: str
    before: float | int | None
    after: float | int | None

    @property
    def delta(self) -> float | int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _fulfilment(row: CoverageArea | None, force: str) -> float | None:
    if row is None:
        return None
    required = getattr(row, f"{force}_required")
    if required <= 0:
        return None
    return round(100 * getattr(row, f"{force}_fulfilled") / required, 1)


def _scope_area(user) -> tuple[str, str]:
    """Operation level for those who see everything; Polsek staff their kecamatan's row."""
    access = access_of(user)
    if access.sees_everything:
        return CoverageArea.Level.OPERATION, "all"
    code = Kecamatan.objects.filter(pk=access.kecamatan_id).values_list("code", flat=True).first()
    return CoverageArea.Level.KECAMATAN, code or ""


def changes_between(user, *, start: datetime, end: datetime) -> dict[str, Any]:
    """ "What changed since the last rakor": coverage, kerawanan classes and follow-ups between
    two moments (two meetings, or a meeting and the operation clock's now).

    Coverage and classes come from the coverage snapshots the engine keeps (deployments), of
    the phase the dashboard shows; there is no per-TPS history of kerawanan, so the counts per
    class are those the snapshots recorded, and a date before the first snapshot has none.
    """
    operation = current_operation(with_phases=True)
    phase = default_phase(operation, clock.now())
    level, code = _scope_area(user)
    moments = []
    for at in (start, end):
        snapshot, rows = (
            coverage_areas_at(at, phase=phase, level=level, code=code)
            if phase is not None
            else (None, {})
        )
        moments.append(
            CoverageMoment(
                at=at,
                snapshot=snapshot,
                # A snapshot without rows for the area: none of its TPS existed then.
                total=rows.get("") or (CoverageArea() if snapshot is not None else None),
                by_class={k: r.tps_total for k, r in rows.items() if k},
            )
        )
    before, after = moments
    coverage = [
        CoverageChange(
            "TPS terpenuhi",
            before.total.covered if before.total else None,
            after.total.covered if after.total else None,
        ),
        CoverageChange(
            "TPS kurang",
            before.total.short if before.total else None,
            after.total.short if after.total else None,
        ),
        CoverageChange(
            "TPS tanpa penjaga",
            before.total.unguarded if before.total else None,
            after.total.unguarded if after.total else None,
        ),
    ]
    for force, label in (("polri", "Polri"), ("tni", "TNI"), ("linmas", "Linmas")):
        coverage.append(
            CoverageChange(
                f"Pemenuhan {label} (%)",
                _fulfilment(before.total, force),
                _fulfilment(after.total, force),
            )
        )
    kerawanan = [
        CoverageChange(
            str(label),
            before.by_class.get(value, 0) if before.snapshot else None,
            after.by_class.get(value, 0) if after.snapshot else None,
        )
        for value, label in Kerawanan.choices
    ]
    current_classes = dict.fromkeys(Kerawanan.values, 0)
    for row in TPS.objects.visible_to(user).values("kerawanan").annotate(n=Count("pk")):
        current_classes[row["kerawanan"]] = row["n"]
    return {
        "start": start,
        "end": end,
        "end_day": timezone.localdate(end),
        "phase": phase,
        "before": before,
        "after": after,
        "coverage": coverage,
        "kerawanan": kerawanan,
        "current_classes": [(label, current_classes[v]) for v, label in Kerawanan.choices],
        **action_item_changes(user, start=start, end=end),
    }


def action_item_changes(user, *, start: datetime, end: datetime) -> dict[str, list[ActionItem]]:
    """Follow-ups agreed, closed, due and overdue in the window (start, end]. Four queries.

    An item closed after ``end`` was still open at ``end``: the status change time says so.
    """
    items = ActionItem.objects.visible_to(user).select_related("agency", "meeting")
    closed = Q(status__in=[ActionItem.Status.DONE, ActionItem.Status.DROPPED])
    open_at_end = NOT_DONE | (closed & Q(status_changed_at__gt=end))
    first_day, last_day = timezone.localdate(start), timezone.localdate(end)
    return {
        "agreed": list(
            items.filter(meeting__held_at__gt=start, meeting__held_at__lte=end).order_by(
                "meeting__held_at", "due_on", "pk"
            )
        ),
        "closed": list(
            items.filter(closed, status_changed_at__gt=start, status_changed_at__lte=end).order_by(
                "status_changed_at", "pk"
            )
        ),
        "due": list(
            items.filter(due_on__gt=first_day, due_on__lte=last_day).order_by("due_on", "pk")
        ),
        "overdue_at_end": list(
            items.filter(open_at_end, due_on__lt=last_day, meeting__held_at__lte=end).order_by(
                "due_on", "pk"
            )
        ),
    }
