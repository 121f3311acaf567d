"""Reads of the roll call (docs/rollcall.md): a duty's state, the commander's sheet on the
phone, the Posko's sheet, and the dashboard's strength present (kekuatan hadir).

A duty's state: its entry when there is one (present, late, absent); else present by check-in
when the person checked in inside the duty's window (field.rollcall.rules); else not yet
called. The check-in rule is read here, not stored: an entry always overrules it, and a
check-in arriving after the entry changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from deployments.models import Assignment, Force, Personnel, PostKind
from field.models import CheckIn
from field.rollcall.rules import closes_after, commander_among, group_of, in_window, opens_before

PRESENT_STATES = ("present", "late", "checkin")
STATE_LABELS = {
    "present": _("Hadir"),
    "late": _("Terlambat"),
    "absent": _("Tidak hadir"),
    "checkin": _("Hadir (check-in)"),
    "uncalled": _("Belum diapel"),
}


def _moment(expression, delta) -> ExpressionWrapper:
    return ExpressionWrapper(expression + Value(delta), output_field=DateTimeField())


def with_call_state(duties: QuerySet) -> QuerySet:
    """Duties with what their state needs, in their own query: the apel's moment, the entry's
    fields (a LEFT JOIN on the one-to-one entry) and whether the person checked in inside the
    window (an EXISTS on the check-ins, indexed by person through its foreign key)."""
    start = Coalesce(OuterRef("shift__starts_at"), OuterRef("starts_at"))
    checked_in = CheckIn.objects.filter(
        person_id=OuterRef("personnel_id"),
        at__gte=_moment(start, -opens_before()),
        at__lte=_moment(start, closes_after()),
    )
    return duties.annotate(
        call_start=Coalesce(F("shift__starts_at"), F("starts_at")),
        rc_status=F("roll_call__status"),
        rc_late=F("roll_call__late_minutes"),
        rc_source=F("roll_call__source"),
        checked_in=Exists(checked_in),
    )


def state_of(status: str | None, checked_in: bool) -> str:
    if status:
        return status
    return "checkin" if checked_in else "uncalled"


def _with_state(duty: Assignment) -> Assignment:
    duty.call_state = state_of(duty.rc_status, duty.checked_in)
    duty.call_state_label = STATE_LABELS[duty.call_state]
    return duty


@dataclass
class Sheet:
    """One apel: a group's duties whose window is open, for its commander or the Posko."""

    label: str
    duties: list[Assignment] = field(default_factory=list)

    @property
    def present(self) -> int:
        return sum(1 for d in self.duties if d.call_state in PRESENT_STATES)


def _label(duty: Assignment) -> str:
    if duty.kind == PostKind.PAM_TPS:
        return ", ".join(str(t) for t in duty.tps.all()) or duty.get_kind_display()
    where = duty.post.name if duty.post_id else duty.get_kind_display()
    if duty.shift_id:
        return f"{where} · {duty.shift.starts_at:%d/%m %H.%M}–{duty.shift.ends_at:%H.%M}"
    return where


def _sheet_duties(group: QuerySet, at: datetime) -> list[Assignment]:
    rows = (
        with_call_state(group)
        .select_related("personnel", "shift")
        .order_by("personnel__force", "personnel__name", "pk")
    )
    return [_with_state(d) for d in rows if in_window(d, at)]


def commander_sheets(person: Personnel, *, at: datetime) -> list[Sheet]:
    """The apels the person commands now: for each of their own duties whose window is open,
    its group when they are its commander. Three queries per such duty (usually one or none):
    the group's ranks, the group with states, and a Pam TPS duty's TPS."""
    own = (
        Assignment.objects.duties_of(person, at=at - closes_after())
        .exclude(kind=PostKind.KEJADIAN)
        .select_related("shift", "post")
        .order_by("starts_at", "pk")
    )
    sheets = []
    for duty in own:
        if not in_window(duty, at):
            continue
        group = group_of(duty)
        ranks = group.values_list("personnel_id", "personnel__force", "personnel__rank")
        if commander_among(ranks) != person.pk:
            continue
        sheets.append(Sheet(label=_label(duty), duties=_sheet_duties(group, at)))
    return sheets


def may_lead_roll_call(person: Personnel, duties: list[Assignment], *, at: datetime) -> bool:
    """Whether /me/ links to the roll call: a Polri or TNI with a duty starting inside its
    window now. From the duties /me/ has read already, by their own start (a duty of a shift
    starts with it), so /me/ sends no query for it; whether they command the group is the
    roll call page's question."""
    if person.force not in (Force.POLRI, Force.TNI):
        return False
    return any(
        a.kind != PostKind.KEJADIAN
        and a.starts_at - opens_before() <= at <= a.starts_at + closes_after()
        for a in duties
    )


def posko_sheet(duties: QuerySet, *, at: datetime, label: str) -> Sheet:
    """The Posko's sheet of the given duties (scoped by the caller): those whose window has
    opened and which have not ended. Two queries (the duties with states; their TPS)."""
    rows = (
        with_call_state(duties.exclude(kind=PostKind.KEJADIAN).not_cancelled())
        .filter(ends_at__gt=at, personnel__active=True)
        .select_related("personnel", "shift", "post")
        .prefetch_related("tps__desa")
        .order_by("post__name", "call_start", "personnel__name", "pk")
    )
    opens = at + opens_before()
    return Sheet(label=label, duties=[_with_state(d) for d in rows if d.call_start <= opens])
