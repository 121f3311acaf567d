"""Follow-ups: the list, overdue first, and the load per agency."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Min, Q, Value, When

from coordination.models import ActionItem, Agency

NOT_DONE = Q(status__in=ActionItem.OPEN_STATUSES)


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
