"""Meetings: the list with its search, and one meeting's page."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q

from coordination.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesRevision,
    Statement,
)


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
