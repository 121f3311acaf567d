"""Sending people to an incident as a temporary duty, through the assignment door.

A person is sent at `at` (the operation clock): the duty they hold at that moment (a Pam TPS, a
reserve, a patrol…) ends then and becomes *relieved* (status ``relieved``: it keeps the time
actually served, so the overlap rule and the exclusion constraint still see it, and coverage no
longer counts it, so the TPS shows the guard it lost); a new duty of kind Penanganan kejadian
runs from `at` for DISPATCH_HOURS, shortened to the phase's end or the person's next duty.
The relieved duty is not resumed by itself: when the incident is over the command assigns the
guard back (the admin, fill gaps), and coverage shows the TPS short until then.

All or nothing: the people are locked together, every rule of the assignment door runs on both
writes (overlap, unavailability, phase window), and one person refused refuses the whole
dispatch with every reason listed. The higher app (field.dispatch) links each duty to its
incident; this module knows nothing of incidents.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from core.formats import wib_stamp
from deployments.models import Assignment, Force, Personnel, Phase, PostKind
from deployments.selectors import current_operation
from deployments.services.assignments import (
    AssignmentDraft,
    _create,
    assignment_save,
    assignment_validate,
    personnel_lock,
    raise_if_any,
)

# How long a dispatch duty lasts unless cut short: long enough for most incidents; the command
# ends it earlier (the incident resolved) or sends the person again.
DISPATCH_HOURS = 4
# Linmas keep order at their own TPS (DOMAIN.md): they are not sent to incidents.
DISPATCHABLE_FORCES = (Force.POLRI, Force.TNI)


@dataclass(frozen=True)
class Dispatched:
    """One person sent: their new duty, and the duty they left (None: they were off duty)."""

    personnel: Personnel
    duty: Assignment
    relieved: Assignment | None


def phase_at(at: datetime) -> Phase | None:
    """The current operation's phase under way at `at` (phases are half-open)."""
    operation = current_operation()
    if operation is None:
        return None
    return (
        Phase.objects.filter(operation=operation, starts_at__lte=at, ends_at__gt=at)
        .select_related("operation")
        .first()
    )


def dispatch_ends_at(at: datetime, *, phase: Phase, next_start: datetime | None) -> datetime:
    """The end of a dispatch starting at `at`: DISPATCH_HOURS later, no later than the phase's
    end or the person's next duty (which they still have to go to)."""
    end = min(at + timedelta(hours=DISPATCH_HOURS), phase.ends_at)
    return min(end, next_start) if next_start is not None else end


def dispatch_refusal(person: Personnel, current: Assignment | None) -> str | None:
    """Why the person cannot be sent, before the assignment rules run; None when they can."""
    if not person.active:
        return _("%(person)s tidak aktif.") % {"person": person.name}
    if person.force not in DISPATCHABLE_FORCES:
        return _("%(person)s Linmas: Linmas tetap menjaga TPS-nya, tidak dikirim ke kejadian.") % {
            "person": person.name
        }
    if current is not None and current.kind == PostKind.KEJADIAN:
        return _("%(person)s sedang menangani kejadian lain (sampai %(end)s).") % {
            "person": person.name,
            "end": wib_stamp(current.ends_at),
        }
    return None


@transaction.atomic
def assignments_dispatch(
    *, people: Sequence[Personnel], at: datetime, by, reason: str = ""
) -> list[Dispatched]:
    """Send the people at `at`: each one's current duty relieved, a dispatch duty begun.

    Raises ValidationError listing every refusal; nothing is written then. Coverage is
    recomputed after the commit (assignment_save's trigger), so the next snapshot shows the
    TPS the guards left.
    """
    if not people:
        raise ValidationError(_("Pilih sekurang-kurangnya satu personel."))
    locked = personnel_lock(people)
    ids = sorted(locked)
    phase = phase_at(at)
    if phase is None:
        raise ValidationError(
            _("Jam operasi %(at)s di luar setiap tahapan: tugas penanganan tidak dapat dibuat.")
            % {"at": wib_stamp(at)}
        )
    # The duty each holds now, locked (the people's locks already keep other writers out; the
    # row lock keeps a raw update out too). At most one each: the exclusion constraint.
    current = {
        a.personnel_id: a
        for a in Assignment.objects.select_for_update(of=("self",))
        .at(at)
        .filter(personnel_id__in=ids)
        .select_related("phase", "post", "sprin")
        .prefetch_related("tps__desa")
        .order_by("pk")
    }
    next_start = dict(
        Assignment.objects.not_cancelled()
        .filter(personnel_id__in=ids, starts_at__gt=at)
        .order_by()
        .values("personnel_id")
        .annotate(first=Min("starts_at"))
        .values_list("personnel_id", "first")
    )
    missing = {p.pk for p in people} - set(locked)
    errors = [_("Personel %s tidak ditemukan.") % pk for pk in sorted(missing)]
    done: list[Dispatched] = []
    for pk in ids:
        person = locked[pk]
        duty = current.get(pk)
        refusal = dispatch_refusal(person, duty)
        if refusal:
            errors.append(refusal)
            continue
        try:
            done.append(
                _dispatch_one(
                    person,
                    duty,
                    at=at,
                    phase=phase,
                    next_start=next_start.get(pk),
                    by=by,
                    reason=reason,
                )
            )
        except ValidationError as exc:
            errors.append(f"{person.name}: {' '.join(exc.messages)}")
    raise_if_any(errors)
    return done


def _dispatch_one(
    person: Personnel,
    duty: Assignment | None,
    *,
    at: datetime,
    phase: Phase,
    next_start: datetime | None,
    by,
    reason: str,
) -> Dispatched:
    if duty is not None:
        duty.personnel = person
        if at <= duty.starts_at:  # a duty beginning this very minute: nothing of it served
            duty.status = Assignment.Status.CANCELLED
        else:
            duty.ends_at, duty.status = at, Assignment.Status.RELIEVED
        assignment_validate(duty, tps=list(duty.tps.all()))
        assignment_save(duty, tps=None, by=by, reason=reason or _("Dikirim ke kejadian"))
    draft = AssignmentDraft(
        personnel=person,
        phase=phase,
        kind=PostKind.KEJADIAN,
        starts_at=at,
        ends_at=dispatch_ends_at(at, phase=phase, next_start=next_start),
        sprin=duty.sprin if duty is not None else None,
    )
    new = _create(draft, person, by=by, reason=reason or _("Penanganan kejadian"))
    return Dispatched(personnel=person, duty=new, relieved=duty)


@transaction.atomic
def dispatch_duties_end(*, duty_ids: Sequence[int], at: datetime, by, reason: str = "") -> int:
    """End dispatch duties at `at` (the incident is over): the people are free again from then.
    A dispatch not yet begun is cancelled. Duties already over are left as they are. Returns
    how many were changed. The duties they were relieved of are not resumed (module docstring).
    """
    rows = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=list(duty_ids), kind=PostKind.KEJADIAN, ends_at__gt=at)
        .exclude(status=Assignment.Status.CANCELLED)
        .select_related("personnel", "phase")
        .order_by("pk")
    )
    for duty in rows:
        if duty.starts_at >= at:
            duty.status = Assignment.Status.CANCELLED
        else:
            duty.ends_at = at
        assignment_validate(duty, tps=[])
        assignment_save(duty, tps=None, by=by, reason=reason or _("Kejadian selesai"))
    return len(rows)
