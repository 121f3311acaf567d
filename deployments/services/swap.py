"""Swapping two people's shifts (docs/shifts.md) in one atomic step.

The two duty rows exchange their place and time (shift, post, kind, phase, start, end) and each
keeps its person: so each row, once written, is already its person's final duty, and neither the
overlap constraint (checked per statement on PostgreSQL) nor the rest and availability triggers
ever see a half-done swap, whatever order the two updates run in. Exchanging the people instead
would leave one person on both shifts between the two statements, which the exclusion
constraint refuses when the shifts overlap.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from deployments.coverage import coverage_inputs_changed
from deployments.models import Assignment
from deployments.services.assignments import (
    assignment_validate,
    overlap_error_from,
    personnel_lock,
)

SWAPPED = ("shift", "post", "kind", "phase", "starts_at", "ends_at")
REASON = "Tukar regu jaga"


@transaction.atomic
def shift_duties_swap(*, duty_a: Assignment, duty_b: Assignment, by=None) -> None:
    """Give A's person B's shift and B's person A's. Refused (ValidationError, nothing
    changed) if it would double-book anyone, put an unavailable person on duty or leave anyone
    less rest than the minimum."""
    if duty_a.pk == duty_b.pk:
        raise ValidationError(_("Pilih dua tugas yang berbeda."))
    personnel_lock([duty_a.personnel, duty_b.personnel])
    rows = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("personnel", "shift", "post", "phase")
        .in_bulk([duty_a.pk, duty_b.pk])
    )
    a, b = rows.get(duty_a.pk), rows.get(duty_b.pk)
    if a is None or b is None:
        raise ValidationError(_("Tugas itu sudah tidak ada; muat ulang halaman."))
    for duty in (a, b):
        if duty.shift_id is None or duty.status != Assignment.Status.ACTIVE:
            raise ValidationError(
                _("Hanya tugas regu jaga yang aktif yang dapat ditukar: %s.") % duty
            )
    if a.personnel_id == b.personnel_id:
        raise ValidationError(_("Kedua tugas milik orang yang sama; tidak ada yang ditukar."))
    if a.shift_id == b.shift_id:
        raise ValidationError(_("Kedua tugas di regu yang sama; tidak ada yang ditukar."))
    before = {duty.pk: {f: getattr(duty, f) for f in SWAPPED} for duty in (a, b)}
    for duty, other in ((a, b), (b, a)):
        for name in SWAPPED:
            setattr(duty, name, before[other.pk][name])
    errors = []
    for duty in (a, b):
        try:
            assignment_validate(duty, tps=[])
        except ValidationError as exc:
            errors.append(f"{duty.personnel.name}: {' '.join(exc.messages)}")
    if errors:
        raise ValidationError(errors)
    for duty in (a, b):
        duty._history_user = by
        duty._change_reason = REASON
        try:
            with transaction.atomic():
                duty.save(update_fields=[*SWAPPED, "updated_at"])
        except IntegrityError as exc:
            raise overlap_error_from(exc, duty.personnel) from exc
    coverage_inputs_changed()
