"""Writes about a person's duties: replacing a person (sick, absent) in every future assignment,
and what becomes of a deactivated person's future assignments. All-or-nothing: one refused
assignment and the whole action is undone, with every reason listed."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from deployments.models import AssignmentQuerySet, Personnel
from deployments.services.assignments import (
    assignment_create,
    assignment_save,
    assignment_update,
    assignments_cancel,
    personnel_lock,
    raise_if_any,
)


class FutureAction:
    CANCEL = "cancel"
    KEEP = "keep"
    REPLACE = "replace"
    CHOICES = (
        (CANCEL, gettext_lazy("Batalkan penugasan mendatangnya")),
        (KEEP, gettext_lazy("Biarkan (tidak dihitung dalam cakupan selama nonaktif)")),
        (REPLACE, gettext_lazy("Alihkan ke personel pengganti")),
    )


def future_assignments(personnel: Personnel, *, now: datetime | None = None) -> AssignmentQuerySet:
    """Assignments not yet over at the operation clock's now, not cancelled."""
    return (
        personnel.assignments.not_cancelled()
        .filter(ends_at__gt=now or clock.now())
        .order_by("starts_at")
    )


@transaction.atomic
def personnel_replace(*, old: Personnel, new: Personnel, by, now: datetime | None = None) -> list:
    """Move every future assignment of `old` (sick, absent) to `new` in one step.

    An assignment already under way is split at `now`: `old` keeps the part served, `new`
    takes the rest as a new assignment. Each is validated for `new` (overlap, Linmas desa) and
    saved with history, through the assignment door.
    """
    now = now or clock.now()
    if old.pk == new.pk:
        raise ValidationError(_("Pengganti tidak boleh orang yang sama."))
    locked = personnel_lock([old, new])
    old, new = locked[old.pk], locked[new.pk]
    if new.force != old.force:
        raise ValidationError(
            _("Pengganti harus dari matra yang sama (%(force)s): cakupan dihitung per matra.")
            % {"force": old.get_force_display()}
        )
    if not new.active:
        raise ValidationError(_("%s tidak aktif.") % new)
    future = list(future_assignments(old, now=now).prefetch_related("tps"))
    if not future:
        raise ValidationError(_("%s tidak memegang penugasan mendatang.") % old)
    reason = _("Ganti personel: %(old)s → %(new)s") % {"old": old.name, "new": new.name}
    moved: list = []
    errors: list[str] = []
    for assignment in future:
        tps = list(assignment.tps.all())
        ends_at = assignment.ends_at
        try:
            if assignment.starts_at < now:
                assignment.ends_at = now
                # Shortening the served part breaks no rule; it goes first, or the part that
                # `new` takes over would overlap it.
                assignment_save(assignment, tps=None, by=by, reason=reason)
                rest = assignment_create(
                    personnel=new,
                    phase=assignment.phase,
                    kind=assignment.kind,
                    post=assignment.post,
                    sprin=assignment.sprin,
                    starts_at=now,
                    ends_at=ends_at,
                    tps=tps,
                    linmas_other_desa=assignment.linmas_other_desa,
                    linmas_other_desa_reason=assignment.linmas_other_desa_reason,
                    by=by,
                    reason=reason,
                )
                moved.append(rest)
            else:
                assignment.personnel = new
                moved.append(
                    assignment_update(assignment=assignment, tps=tps, by=by, reason=reason)
                )
        except ValidationError as exc:
            errors.append(f"{assignment}: {' '.join(exc.messages)}")
    raise_if_any(errors)
    return moved


@transaction.atomic
def personnel_future_resolve(
    *, personnel: Personnel, action: str, replacement: Personnel | None = None, by
) -> int:
    """What becomes of a deactivated person's future assignments; returns how many moved."""
    if action == FutureAction.REPLACE:
        if replacement is None:
            raise ValidationError(_("Pilih personel pengganti."))
        return len(personnel_replace(old=personnel, new=replacement, by=by))
    if action == FutureAction.CANCEL:
        return assignments_cancel(
            assignments=future_assignments(personnel),
            by=by,
            reason=_("Dibatalkan: %s dinonaktifkan") % personnel.name,
        )
    return 0


@transaction.atomic
def personnel_deactivate(
    *, personnel: Personnel, action: str, replacement: Personnel | None = None, by
) -> int:
    moved = personnel_future_resolve(
        personnel=personnel, action=action, replacement=replacement, by=by
    )
    personnel.active = False
    personnel._history_user = by
    personnel._change_reason = _("Dinonaktifkan lewat admin")
    personnel.save(update_fields=["active"])
    return moved
