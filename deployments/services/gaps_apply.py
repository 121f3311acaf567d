"""Fill gaps' confirmation: the proposal the preview page posted back, written in one step
under one Sprin, all or nothing (the proposal itself: deployments/services/gaps.py).

Every write goes through the assignment door: a free person's duty with assignments_create, a
movable person's with assignment_move (the old duty ends where the new one begins). Everything
is validated again here, under the people's locks, since another admin may have changed
something between preview and confirmation.
"""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deployments.coverage import EPSILON
from deployments.models import (
    Assignment,
    Personnel,
    PersonnelQuerySet,
    Phase,
    PostKind,
    Sprin,
)
from deployments.services.assignments import (
    AssignmentDraft,
    assignment_move,
    assignments_create,
    personnel_lock,
    raise_if_any,
)
from deployments.services.gaps import assigned_in, pattern_of, required_of
from tps.models import TPS

REASON = "Isi kekosongan"

Token = tuple[int, list[int], datetime, datetime, int | None]


def parse_tokens(tokens: list[str]) -> list[Token]:
    """person:tps-tps:start:end[:assignment it moves from], as Proposed.token writes them."""
    parsed = []
    for token in tokens:
        try:
            person, stations, start, end, *moves = token.split(":")
            if len(moves) > 1:
                raise ValueError(token)
            parsed.append(
                (
                    int(person),
                    [int(pk) for pk in stations.split("-") if pk],
                    datetime.fromtimestamp(int(start), tz=UTC),
                    datetime.fromtimestamp(int(end), tz=UTC),
                    int(moves[0]) if moves else None,
                )
            )
        except (ValueError, OverflowError, OSError) as exc:
            raise ValidationError(_("Usulan rusak; muat ulang pratinjau.")) from exc
    return parsed


@transaction.atomic
def gaps_apply(
    *,
    tokens: list[str],
    phase: Phase,
    sprin: Sprin | None,
    people: PersonnelQuerySet | None = None,
    stations: QuerySet | None = None,
    by,
) -> list[Assignment]:
    """Create the confirmed proposal under `sprin`, each assignment validated in full; all or
    nothing, with every reason listed.

    `people` / `stations`: whom and which TPS the user may assign (Polsek staff: their
    kecamatan's); everyone and every TPS by default. An id outside them is refused, as is a
    move from a duty that is not the person's, or that would leave its TPS short.
    """
    if sprin is None:
        raise ValidationError(_("Pilih Sprin yang menjadi dasar penugasan ini."))
    if sprin.operation_id != phase.operation_id:
        raise ValidationError(_("Sprin %s bukan Sprin operasi ini.") % sprin)
    items = parse_tokens(tokens)
    if not items:
        raise ValidationError(_("Tidak ada usulan untuk diterapkan."))
    person_ids = [item[0] for item in items]
    if len(set(person_ids)) != len(person_ids):
        raise ValidationError(_("Usulan memuat satu personel dua kali; muat ulang pratinjau."))
    if people is not None:
        allowed = set(people.filter(pk__in=person_ids).values_list("pk", flat=True))
        if any(pk not in allowed for pk in person_ids):
            raise ValidationError(_("Usulan memuat personel di luar wilayah Anda."))
    wanted = {pk for item in items for pk in item[1]}
    found = (TPS.objects.all() if stations is None else stations).filter(pk__in=wanted)
    tps_by_pk = TPS.objects.select_related("desa").in_bulk(list(found.values_list("pk", flat=True)))
    if set(tps_by_pk) != wanted:
        raise ValidationError(_("Usulan memuat TPS yang tidak ada atau di luar wilayah Anda."))
    locked = personnel_lock(Personnel(pk=pk) for pk in person_ids)
    moving = {item[4]: item[0] for item in items if item[4] is not None}
    old_duties = Assignment.objects.select_related("post", "personnel").in_bulk(list(moving))

    drafts: list[AssignmentDraft] = []
    moves = []
    errors: list[str] = []
    for person_id, group, start, end, moves_from in items:
        person = locked.get(person_id)
        if person is None:
            errors.append(_("Personel usulan sudah tidak ada; muat ulang pratinjau."))
            continue
        if not person.active:
            errors.append(_("%s sudah tidak aktif.") % person)
            continue
        tps = [tps_by_pk[pk] for pk in group]
        if moves_from is None:
            drafts.append(
                AssignmentDraft(
                    personnel=person,
                    phase=phase,
                    kind=PostKind.PAM_TPS,
                    starts_at=start,
                    ends_at=end,
                    tps=tps,
                    sprin=sprin,
                )
            )
            continue
        old = old_duties.get(moves_from)
        if old is None or old.personnel_id != person_id:
            errors.append(_("%s: tugas asal usulan bukan tugasnya; muat ulang pratinjau.") % person)
            continue
        moves.append((person, old, tps, start, end))

    made: list[Assignment] = []
    try:
        made = assignments_create(drafts=drafts, by=by, reason=REASON)
    except ValidationError as exc:
        errors.extend(exc.messages)
    left: dict[int, tuple[Assignment, list[int]]] = {}
    for person, old, tps, start, end in moves:
        if old.kind == PostKind.PAM_TPS:
            left[old.pk] = (old, list(old.tps.values_list("pk", flat=True)))
        try:
            # A savepoint each: a refused move undoes its own first half, and the others go on
            # being checked so that every reason is listed.
            made.append(
                assignment_move(
                    assignment=old,
                    at=start,
                    ends_at=end,
                    kind=PostKind.PAM_TPS,
                    tps=tps,
                    phase=phase,
                    sprin=sprin,
                    by=by,
                    reason=REASON,
                )
            )
        except ValidationError as exc:
            errors.append(f"{person}: {' '.join(exc.messages)}")
    errors += _left_short(phase, left)
    raise_if_any(errors)
    return made


def _left_short(phase: Phase, left: dict[int, tuple[Assignment, list[int]]]) -> list[str]:
    """A guard moved off a TPS was proposed because it stayed covered without them: still true,
    now that every move is written? (Another admin may have cancelled the partner meanwhile.)"""
    source = {pk for _old, stations in left.values() for pk in stations}
    if not source:
        return []
    pattern = pattern_of(phase)
    shares, _guards, _stations = assigned_in(phase)
    kerawanan = dict(TPS.objects.filter(pk__in=source).values_list("pk", "kerawanan"))
    names = TPS.objects.select_related("desa").in_bulk(list(source))
    errors = []
    for old, stations in left.values():
        force = old.personnel.force
        for pk in stations:
            needed = required_of(pattern, kerawanan.get(pk, "")).get(force, 0.0)
            if shares[pk][force] + EPSILON < needed:
                errors.append(
                    _(
                        "%(tps)s tidak lagi terpenuhi bila %(person)s dipindah; "
                        "muat ulang pratinjau."
                    )
                    % {"tps": names[pk], "person": old.personnel.name}
                )
    return errors
