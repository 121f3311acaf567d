"""The rotation's confirmation: the proposal the preview posted back (person:shift tokens),
written in one step, all or nothing, every reason listed (the proposal: rotation.py).

Each duty goes through the assignment door (assignments_create): the people are locked, every
rule is checked again (overlap, availability, the rest rule, the phase), since another admin may
have changed something between preview and confirmation, and the database's constraints and
triggers hold the same rules beneath.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deployments.models import Assignment, Operation, Personnel, PersonnelQuerySet, Phase, Shift
from deployments.services.assignments import AssignmentDraft, assignments_create
from deployments.services.shifts import covered_by_phases, phase_segments

REASON = "Rotasi regu jaga"


def parse_rotation_tokens(tokens: list[str]) -> list[tuple[int, int]]:
    parsed = []
    for token in tokens:
        try:
            person, shift = token.split(":")
            parsed.append((int(person), int(shift)))
        except ValueError as exc:
            raise ValidationError(_("Usulan rusak; muat ulang pratinjau.")) from exc
    if len(set(parsed)) != len(parsed):
        raise ValidationError(_("Usulan memuat satu personel dua kali pada satu regu."))
    return parsed


@transaction.atomic
def rotation_apply(
    *,
    tokens: list[str],
    operation: Operation,
    posts: QuerySet,
    people: PersonnelQuerySet | None = None,
    sprin=None,
    by=None,
) -> list[Assignment]:
    """Create the confirmed rotation. `posts`: the objects the user may staff (their scope);
    `people`: whom they may assign (everyone by default). All or nothing."""
    items = parse_rotation_tokens(tokens)
    if not items:
        raise ValidationError(_("Tidak ada usulan untuk diterapkan."))
    if sprin is not None and sprin.operation_id != operation.pk:
        raise ValidationError(_("Sprin %s bukan Sprin operasi ini.") % sprin)
    shift_ids = {shift for _person, shift in items}
    shifts = Shift.objects.select_related("post").filter(post__in=posts).in_bulk(list(shift_ids))
    if set(shifts) != shift_ids:
        raise ValidationError(_("Usulan memuat regu yang tidak ada atau di luar wilayah Anda."))
    person_ids = {person for person, _shift in items}
    if people is not None:
        allowed = set(people.filter(pk__in=person_ids).values_list("pk", flat=True))
        if allowed != person_ids:
            raise ValidationError(_("Usulan memuat personel di luar wilayah Anda."))
    found = Personnel.objects.in_bulk(list(person_ids))
    if set(found) != person_ids:
        raise ValidationError(_("Personel usulan sudah tidak ada; muat ulang pratinjau."))
    phases = list(Phase.objects.filter(operation=operation).order_by("starts_at"))
    drafts = []
    errors = []
    for person_id, shift_id in sorted(items, key=lambda i: (shifts[i[1]].starts_at, i[0])):
        shift = shifts[shift_id]
        segments = phase_segments(shift.starts_at, shift.ends_at, phases)
        if not covered_by_phases(shift.starts_at, shift.ends_at, segments):
            errors.append(_("Regu %s di luar tahapan operasi.") % shift)
            continue
        for phase, start, end in segments:
            drafts.append(
                AssignmentDraft(
                    personnel=found[person_id],
                    phase=phase,
                    kind=shift.post.kind,
                    starts_at=start,
                    ends_at=end,
                    post=shift.post,
                    shift=shift,
                    sprin=sprin,
                )
            )
    if errors:
        raise ValidationError(errors)
    return assignments_create(drafts=drafts, by=by, reason=REASON)
