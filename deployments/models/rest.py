"""The minimum rest between two shift duties of one person (issue #18, docs/shifts.md).

Two duties that belong to two different shifts (Assignment.shift set), neither cancelled, must
leave at least SHIFT_MIN_REST_HOURS between the end of one and the start of the other. Two duties
of the same shift are one watch (a shift across a phase boundary is held as one duty per phase,
back to back). Only shift duties:
a shift rota is where fatigue accumulates day after day, and where the command plans the
pattern; a TPS guard's H-1..H+1 duty, a reserve, a patrol or a dispatch to an incident are
decided by the situation and must not be refused by a rota rule (a dispatch relieves a guard
at once, assignment_move joins duties back to back on purpose).

Assignment.clean says it in Indonesian; migration 0016's trigger refuses it on every write path
(PostgreSQL and SQLite), reading the same setting from the connection.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formats import wib_stamp
from deployments.models.strength import overlaps

REST_TRIGGER = "deployments_assignment_rest"


def min_rest() -> timedelta:
    return timedelta(hours=settings.SHIFT_MIN_REST_HOURS)


def too_close(duty, other, rest: timedelta) -> bool:
    """Whether `other` ends less than `rest` before `duty` starts or starts less than `rest`
    after it ends, without overlapping it (an overlap is the overlap rule's to name)."""
    if overlaps(duty.starts_at, duty.ends_at, other):
        return False
    return other.starts_at < duty.ends_at + rest and other.ends_at > duty.starts_at - rest


def rest_clash(duty, duties: Iterable | None = None):
    """The earliest other shift duty of the person too close to `duty`, or None. `duties`: the
    person's duties already in memory (an import); otherwise one query."""
    if not (duty.shift_id and duty.personnel_id and duty.starts_at and duty.ends_at):
        return None
    if duty.status == "cancelled":
        return None
    rest = min_rest()
    if not rest:
        return None
    if duties is None:
        duties = (
            type(duty)
            .objects.not_cancelled()
            .filter(
                personnel_id=duty.personnel_id,
                shift__isnull=False,
                starts_at__lt=duty.ends_at + rest,
                ends_at__gt=duty.starts_at - rest,
            )
            .exclude(pk=duty.pk)
            .exclude(shift_id=duty.shift_id)
            .select_related("post")
            .order_by("starts_at")
        )
    close = [
        other
        for other in duties
        if other is not duty
        and (duty.pk is None or other.pk != duty.pk)
        and other.shift_id
        and other.shift_id != duty.shift_id
        and other.status != "cancelled"
        and too_close(duty, other, rest)
    ]
    return min(close, key=lambda d: (d.starts_at, d.pk or 0), default=None)


def validate_rest(duty, duties: Iterable | None = None) -> None:
    clash = rest_clash(duty, duties)
    if clash is not None:
        raise ValidationError(
            _(
                "%(person)s harus beristirahat sekurang-kurangnya %(hours)s jam di antara dua "
                "regu jaga: tugas %(other)s (%(start)s – %(end)s) terlalu dekat."
            )
            % {
                "person": duty.personnel.name,
                "hours": settings.SHIFT_MIN_REST_HOURS,
                "other": clash.post.name if clash.post_id else clash.kind,
                "start": wib_stamp(clash.starts_at),
                "end": wib_stamp(clash.ends_at),
            },
            code="rest",
        )


def register_sqlite_rest_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite's rest trigger (migration 0016) asks the connection
    for the setting, as PostgreSQL's reads its session parameter."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "opsboard_shift_min_rest_seconds",
        0,
        lambda: settings.SHIFT_MIN_REST_HOURS * 3600,
    )
