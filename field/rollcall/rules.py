"""Who calls the roll of a duty, and when (docs/rollcall.md).

- **When**: a duty's roll call is at its start, the shift's start for a duty of a shift (the
  whole regu stands at one apel). The window runs from ROLLCALL_OPENS_MINUTES_BEFORE before it
  to ROLLCALL_CLOSES_MINUTES_AFTER after it; a check-in by the person inside the window counts
  as present, and the commander may record only inside it.
- **The duty's group** (whom one apel calls): the duties of the same shift; at a post without
  shifts, the duties at that post overlapping this one; at TPS (Pam TPS), the duties of the
  same phase guarding one of the same TPS and overlapping it (the Polri pair and the Linmas of
  their TPS). Cancelled duties and inactive people are in no group; a dispatch to an incident
  (Penanganan kejadian) has none.
- **The commander** of a group: its highest-ranking Polri (deployments.ranks), or its highest-
  ranking TNI when it has no Polri; equal ranks go to the lower primary key. Linmas never
  command. The data has no "komandan regu" field, and in practice the senior officer present
  takes the apel.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from deployments.models import Assignment, Force, PostKind
from deployments.ranks import rank_order


def opens_before() -> timedelta:
    return timedelta(minutes=settings.ROLLCALL_OPENS_MINUTES_BEFORE)


def closes_after() -> timedelta:
    return timedelta(minutes=settings.ROLLCALL_CLOSES_MINUTES_AFTER)


def call_at(duty: Assignment) -> datetime:
    """The moment of the duty's apel (its shift must be loaded: select_related("shift"))."""
    return duty.shift.starts_at if duty.shift_id else duty.starts_at


def window_of(duty: Assignment) -> tuple[datetime, datetime]:
    start = call_at(duty)
    return start - opens_before(), start + closes_after()


def in_window(duty: Assignment, at: datetime) -> bool:
    opens, closes = window_of(duty)
    return opens <= at <= closes


def group_of(duty: Assignment) -> QuerySet:
    """The duties one apel calls together with `duty` (module docstring), itself included."""
    duties = Assignment.objects.not_cancelled().filter(personnel__active=True)
    if duty.kind == PostKind.KEJADIAN:
        return duties.none()
    if duty.shift_id:
        return duties.filter(shift_id=duty.shift_id)
    if duty.kind != PostKind.PAM_TPS:
        return duties.filter(post_id=duty.post_id, shift__isnull=True).overlapping(
            duty.starts_at, duty.ends_at
        )
    through = Assignment.tps.through.objects
    same_tps = through.filter(
        tps_id__in=through.filter(assignment_id=duty.pk).values("tps_id")
    ).values("assignment_id")
    return duties.filter(
        kind=PostKind.PAM_TPS, phase_id=duty.phase_id, pk__in=same_tps
    ).overlapping(duty.starts_at, duty.ends_at)


def seniority(force: str, rank: str, personnel_id: int) -> tuple:
    """Sort key, highest first when reversed: Polri before TNI, then rank, then the lower pk."""
    return (force == Force.POLRI, rank_order(force, rank), -personnel_id)


def commander_among(rows) -> int | None:
    """The commander's personnel id among (personnel_id, force, rank) rows; None without
    Polri or TNI."""
    candidates = [r for r in rows if r[1] in (Force.POLRI, Force.TNI)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: seniority(r[1], r[2], r[0]))[0]


def commander_of(duty: Assignment) -> int | None:
    """The personnel id of the commander of the duty's group. One query."""
    rows = group_of(duty).values_list("personnel_id", "personnel__force", "personnel__rank")
    return commander_among(rows.filter(personnel__force__in=[Force.POLRI, Force.TNI]))
