"""The admin's bulk work on assignments: assign many people at once, cancel, replace a person,
deactivate someone who still holds duties. Services (typed, keyword-only, atomic) and the
small forms of the admin's intermediate pages.

Every write goes through the model: full_clean() (overlap, phase, post), validate_tps_set()
(Linmas desa, Pam TPS needs TPS), and a .save() that records the history with the acting user
and sends the signals that recompute coverage. All-or-nothing: one refused assignment and the
whole action is undone, with every reason listed.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from deployments.coverage import coverage_inputs_changed
from deployments.models import (
    Assignment,
    AssignmentQuerySet,
    Force,
    Personnel,
    Phase,
    Post,
    PostKind,
    Sprin,
)
from deployments.selectors import current_operation
from deployments.services import overlap_error_from
from tps.models import TPS


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


def save_with_history(
    assignment: Assignment, *, by, reason: str, tps: Sequence[TPS] | None = None
) -> None:
    assignment._history_user = by
    assignment._change_reason = reason[:100]
    try:
        with transaction.atomic():
            assignment.save()
            if tps is not None:
                assignment.tps.set(tps)
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint caught what validation could not see in time.
        raise overlap_error_from(exc, assignment.personnel) from exc


def lock_personnel(people: Iterable[Personnel]) -> dict[int, Personnel]:
    # In primary-key order, so that two admins locking overlapping sets cannot deadlock.
    ids = sorted({p.pk for p in people})
    locked = Personnel.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {p.pk: p for p in locked.select_related("unit")}


def raise_if_any(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assignments_create_many(
    *,
    personnel: Sequence[Personnel],
    phase: Phase,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    tps: Sequence[TPS] = (),
    post: Post | None = None,
    sprin: Sprin | None = None,
    linmas_other_desa: bool = False,
    linmas_other_desa_reason: str = "",
    by,
) -> list[Assignment]:
    """One assignment per person, all to the same TPS set or post and window."""
    locked = lock_personnel(personnel)
    made: list[Assignment] = []
    errors: list[str] = []
    for person in locked.values():
        override = linmas_other_desa and person.force == Force.LINMAS
        assignment = Assignment(
            personnel=person,
            phase=phase,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            post=post,
            sprin=sprin,
            linmas_other_desa=override,
            linmas_other_desa_reason=linmas_other_desa_reason if override else "",
        )
        try:
            assignment.full_clean()
            assignment.validate_tps_set(tps)
            save_with_history(
                assignment, by=by, reason=_("Aksi massal: tugaskan personel"), tps=tps
            )
        except ValidationError as exc:
            errors.append(f"{person}: {' '.join(exc.messages)}")
            continue
        made.append(assignment)
    raise_if_any(errors)
    coverage_inputs_changed()
    return made


@transaction.atomic
def assignments_cancel(*, assignments: Iterable[Assignment], by, reason: str = "") -> int:
    """Cancel each one, with its history; coverage no longer counts them."""
    ids = [a.pk for a in assignments]
    rows = (
        Assignment.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(status=Assignment.Status.CANCELLED)
        .order_by("pk")
    )
    count = 0
    for assignment in rows:
        assignment.status = Assignment.Status.CANCELLED
        assignment._history_user = by
        assignment._change_reason = (reason or _("Dibatalkan lewat admin"))[:100]
        assignment.save(update_fields=["status", "updated_at"])
        count += 1
    if count:
        coverage_inputs_changed()
    return count


@transaction.atomic
def personnel_replace(
    *, old: Personnel, new: Personnel, by, now: datetime | None = None
) -> list[Assignment]:
    """Move every future assignment of `old` (sick, absent) to `new` in one step.

    An assignment already under way is split at `now`: `old` keeps the part served, `new`
    takes the rest. Each is validated for `new` (overlap, Linmas desa) and saved with history.
    """
    now = now or clock.now()
    if old.pk == new.pk:
        raise ValidationError(_("Pengganti tidak boleh orang yang sama."))
    locked = lock_personnel([old, new])
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
    moved: list[Assignment] = []
    errors: list[str] = []
    for assignment in future:
        tps = list(assignment.tps.all())
        if assignment.starts_at < now:
            target = Assignment(
                personnel=new,
                phase=assignment.phase,
                kind=assignment.kind,
                post=assignment.post,
                sprin=assignment.sprin,
                starts_at=now,
                ends_at=assignment.ends_at,
                linmas_other_desa=assignment.linmas_other_desa,
                linmas_other_desa_reason=assignment.linmas_other_desa_reason,
            )
            assignment.ends_at = now
            save_with_history(assignment, by=by, reason=reason)
        else:
            target = assignment
            target.personnel = new
        try:
            target.full_clean()
            target.validate_tps_set(tps)
            save_with_history(target, by=by, reason=reason, tps=tps if target.pk is None else None)
        except ValidationError as exc:
            errors.append(f"{assignment}: {' '.join(exc.messages)}")
            continue
        moved.append(target)
    raise_if_any(errors)
    coverage_inputs_changed()
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


# Forms of the intermediate pages


def _use_autocomplete(form_field, name: str, admin_site, *, multiple: bool = False) -> None:
    """The admin's select2 search for the field, as on the assignment form itself."""
    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    form_field.widget = widget(Assignment._meta.get_field(name), admin_site)
    form_field.widget.choices = form_field.choices


class BulkAssignForm(forms.Form):
    phase = forms.ModelChoiceField(queryset=Phase.objects.none(), label=gettext_lazy("Tahapan"))
    kind = forms.ChoiceField(
        choices=PostKind.choices, initial=PostKind.PAM_TPS, label=gettext_lazy("Jenis pos")
    )
    tps = forms.ModelMultipleChoiceField(
        queryset=TPS.objects.none(), required=False, label=gettext_lazy("TPS")
    )
    post = forms.ModelChoiceField(queryset=Post.objects.none(), required=False, label="Pos")
    starts_at = forms.SplitDateTimeField(label=gettext_lazy("Mulai"), widget=AdminSplitDateTime)
    ends_at = forms.SplitDateTimeField(label=gettext_lazy("Selesai"), widget=AdminSplitDateTime)
    sprin = forms.ModelChoiceField(queryset=Sprin.objects.none(), required=False, label="Sprin")
    linmas_other_desa = forms.BooleanField(
        required=False, label=gettext_lazy("Linmas menjaga TPS desa lain (pengecualian)")
    )
    linmas_other_desa_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Alasan")
    )

    def __init__(self, *args, admin_site, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        operation = current_operation()
        self.fields["phase"].queryset = Phase.objects.filter(operation=operation)
        self.fields["tps"].queryset = TPS.objects.visible_to(user).with_places()
        self.fields["post"].queryset = Post.objects.visible_to(user)
        self.fields["sprin"].queryset = Sprin.objects.all()
        _use_autocomplete(self.fields["tps"], "tps", admin_site, multiple=True)
        _use_autocomplete(self.fields["post"], "post", admin_site)
        _use_autocomplete(self.fields["sprin"], "sprin", admin_site)


class ReplacementForm(forms.Form):
    replacement = forms.ModelChoiceField(
        queryset=Personnel.objects.none(), label=gettext_lazy("Personel pengganti")
    )

    def __init__(self, *args, admin_site, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = Personnel.objects.visible_to(user).active()
        _use_autocomplete(self.fields["replacement"], "personnel", admin_site)


class DeactivationForm(ReplacementForm):
    future = forms.ChoiceField(
        choices=FutureAction.CHOICES,
        widget=forms.RadioSelect,
        label=gettext_lazy("Penugasan mendatangnya"),
    )

    field_order = ["future", "replacement"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement"].required = False

    def clean(self):
        data = super().clean()
        if data.get("future") == FutureAction.REPLACE and not data.get("replacement"):
            self.add_error("replacement", _("Pilih personel pengganti."))
        return data
