"""The one door for assignment writes: every path that creates or changes an assignment (the
admin's form, its bulk actions, fill gaps, replacing a person, the import) comes through here.

The import writes a whole file through assignments_bulk.assignments_save_many, after the same
rules checked against what it read once (assignment_validate with assignments_reads.bookings_of),
under the same locks.

The rules are written once: the person's row is locked (two admins assigning the same officer at
once must not both pass validation), the model's checks run (overlap, phase window, post) with
those of the TPS set (Linmas' own desa, Pam TPS needs TPS), the row is saved with its history
(who, and why), PostgreSQL's exclusion constraint backs the overlap check and its violation
becomes the same message, and coverage is recomputed after the commit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.formats import wib_stamp
from deployments.coverage import coverage_inputs_changed
from deployments.models import (
    Assignment,
    Force,
    Personnel,
    Phase,
    Post,
    PostKind,
    Shift,
    Sprin,
)
from deployments.models.assignment import Bookings
from deployments.models.rest import REST_TRIGGER
from tps.models import TPS

OVERLAP_CONSTRAINT = "deployments_assignment_no_overlap"
UNAVAILABLE_TRIGGER = "deployments_assignment_unavailable"  # migration 0011
OUTSIDE_BKO_TRIGGER = "deployments_assignment_outside_bko"  # migration 0017
# Foreign keys the callers hand over as rows they have just read: checking that each exists
# would cost a query apiece (5,000 of them in an import) and prove nothing.
RESOLVED_FIELDS = ("personnel", "phase", "post", "sprin", "shift")


@dataclass(frozen=True)
class AssignmentDraft:
    """One assignment to create: what assignments_create takes, one per person."""

    personnel: Personnel
    phase: Phase
    kind: str
    starts_at: datetime
    ends_at: datetime
    tps: Sequence[TPS] = ()
    post: Post | None = None
    sprin: Sprin | None = None
    shift: Shift | None = None
    status: str = Assignment.Status.ACTIVE
    # None: the exception holds when a reason is given.
    linmas_other_desa: bool | None = None
    linmas_other_desa_reason: str = ""


def personnel_lock(people: Iterable[Personnel]) -> dict[int, Personnel]:
    """Lock the people's rows until the transaction ends; the rows as locked, by primary key."""
    # In primary-key order, so that two admins locking overlapping sets cannot deadlock.
    ids = sorted({p.pk for p in people})
    locked = Personnel.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {p.pk: p for p in locked.select_related("unit")}


def assignment_validate(
    assignment: Assignment, *, tps: Sequence[TPS], bookings: Bookings | None = None
) -> None:
    """Every rule of an assignment and its TPS set; raises ValidationError by field.

    `bookings`: the person's duties and unavailability read once for many assignments (the
    import); the same rules (Assignment.clean) then answer without a query.
    """
    if bookings is None:
        assignment.full_clean(
            exclude=RESOLVED_FIELDS, validate_unique=False, validate_constraints=False
        )
    else:
        # full_clean's own steps, with clean() given what was read (its errors merged alike).
        errors: dict = {}
        checks = [lambda: assignment.clean(bookings)]
        if not _fields_plainly_valid(assignment):
            checks.insert(0, lambda: assignment.clean_fields(exclude=RESOLVED_FIELDS))
        for check in checks:
            try:
                check()
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
    assignment.validate_tps_set(tps)


# What clean_fields checks besides RESOLVED_FIELDS: the fast path below knows exactly these.
_PLAIN_FIELDS = {
    "id",
    "kind",
    "starts_at",
    "ends_at",
    "status",
    "linmas_other_desa",
    "linmas_other_desa_reason",
    "created_at",
    "updated_at",
}
_PLAIN_CHECKABLE = {f.name for f in Assignment._meta.fields} - set(RESOLVED_FIELDS) == _PLAIN_FIELDS
_KINDS = frozenset(PostKind.values)
_STATUSES = frozenset(Assignment.Status.values)


def _fields_plainly_valid(a: Assignment) -> bool:
    """Whether clean_fields would pass the assignment without a word and change nothing: a
    known kind and status, datetimes, a bool and a str (what an import's rows always give
    once their cells were read). Then it is not run: 13 fields cleaned per row were a third
    of an import's checks. A field the model gains and this does not know makes it run."""
    return (
        _PLAIN_CHECKABLE
        and (a.id is None or type(a.id) is int)
        and a.kind in _KINDS
        and a.status in _STATUSES
        and isinstance(a.starts_at, datetime)
        and isinstance(a.ends_at, datetime)
        and type(a.linmas_other_desa) is bool
        and type(a.linmas_other_desa_reason) is str
        and (a.created_at is None or isinstance(a.created_at, datetime))
        and (a.updated_at is None or isinstance(a.updated_at, datetime))
    )


def assignment_save(
    assignment: Assignment, *, tps: Sequence[TPS] | None, by=None, reason: str = ""
) -> Assignment:
    """Write a validated assignment (and its TPS set, unless None) with its history.

    Call it under the person's lock, after assignment_validate: the lock makes the check
    still true at the write, the exclusion constraint catches a writer that took no lock.
    """
    if by is not None:
        assignment._history_user = by
    if reason:
        assignment._change_reason = reason[:100]
    adding = assignment._state.adding
    try:
        with transaction.atomic():
            assignment.save()
            if tps is not None:
                _tps_set(assignment, list(tps), adding=adding)
    except IntegrityError as exc:
        raise overlap_error_from(exc, assignment.personnel) from exc
    coverage_inputs_changed()
    return assignment


def _tps_set(assignment: Assignment, tps: list[TPS], *, adding: bool) -> None:
    # Through the m2m manager: m2m_changed records the set in the history and feeds coverage.
    if adding:
        if tps:
            assignment.tps.add(*tps)  # nothing to compare with: one query fewer than set()
    elif {t.pk for t in tps} != {t.pk for t in assignment.tps.all()}:
        assignment.tps.set(tps)


def _build(draft: AssignmentDraft, person: Personnel) -> Assignment:
    override = draft.linmas_other_desa
    if override is None:
        override = bool(draft.linmas_other_desa_reason)
    return Assignment(
        personnel=person,
        phase=draft.phase,
        kind=draft.kind,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        post=draft.post,
        sprin=draft.sprin,
        shift=draft.shift,
        status=draft.status,
        linmas_other_desa=override,
        linmas_other_desa_reason=draft.linmas_other_desa_reason,
    )


def _create(draft: AssignmentDraft, person: Personnel, *, by, reason: str) -> Assignment:
    assignment = _build(draft, person)
    assignment_validate(assignment, tps=draft.tps)
    return assignment_save(assignment, tps=draft.tps, by=by, reason=reason)


@transaction.atomic
def assignment_create(
    *,
    personnel: Personnel,
    phase: Phase,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    tps: Sequence[TPS] = (),
    post: Post | None = None,
    sprin: Sprin | None = None,
    shift: Shift | None = None,
    status: str = Assignment.Status.ACTIVE,
    linmas_other_desa: bool | None = None,
    linmas_other_desa_reason: str = "",
    by=None,
    reason: str = "",
) -> Assignment:
    """A new assignment under every rule; ValidationError by field when one refuses it.

    A Linmas guard outside their own desa needs the exception and its reason; with
    `linmas_other_desa` left out, giving the reason is asking for the exception.
    """
    person = personnel_lock([personnel])[personnel.pk]
    draft = AssignmentDraft(
        personnel=person,
        phase=phase,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        tps=list(tps),
        post=post,
        sprin=sprin,
        shift=shift,
        status=status,
        linmas_other_desa=linmas_other_desa,
        linmas_other_desa_reason=linmas_other_desa_reason,
    )
    return _create(draft, person, by=by, reason=reason)


@transaction.atomic
def assignments_create(
    *, drafts: Sequence[AssignmentDraft], by, reason: str = ""
) -> list[Assignment]:
    """Many new assignments, all or nothing: one refused and none is written, with every
    reason listed (as "person: messages"). The people are locked together, in one query."""
    locked = personnel_lock(d.personnel for d in drafts)
    made: list[Assignment] = []
    errors: list[str] = []
    for draft in drafts:
        person = locked.get(draft.personnel.pk)
        if person is None:
            errors.append(_("Personel %s sudah tidak ada.") % draft.personnel.pk)
            continue
        try:
            made.append(_create(draft, person, by=by, reason=reason))
        except ValidationError as exc:
            errors.append(f"{person}: {' '.join(exc.messages)}")
    raise_if_any(errors)
    return made


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
    """The admin's bulk assign: one assignment per person, all to the same TPS set or post and
    window; the exception for Linmas applies to the Linmas among them only."""
    drafts = []
    for person in sorted(personnel, key=lambda p: p.pk):
        override = linmas_other_desa and person.force == Force.LINMAS
        drafts.append(
            AssignmentDraft(
                personnel=person,
                phase=phase,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                tps=list(tps),
                post=post,
                sprin=sprin,
                linmas_other_desa=override,
                linmas_other_desa_reason=linmas_other_desa_reason if override else "",
            )
        )
    return assignments_create(drafts=drafts, by=by, reason=_("Aksi massal: tugaskan personel"))


@transaction.atomic
def assignment_update(
    *, assignment: Assignment, tps: Sequence[TPS] | None = None, by=None, reason: str = ""
) -> Assignment:
    """Save changes made to an assignment (its person, times, post, TPS set…) under the rules.

    `tps`: the new TPS set, or None to keep the current one.
    """
    personnel_lock([assignment.personnel])
    wanted = list(assignment.tps.all()) if tps is None else list(tps)
    assignment_validate(assignment, tps=wanted)
    return assignment_save(assignment, tps=tps, by=by, reason=reason)


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
def assignment_move(
    *,
    assignment: Assignment,
    at: datetime,
    ends_at: datetime,
    kind: str = PostKind.PAM_TPS,
    tps: Sequence[TPS] = (),
    post: Post | None = None,
    phase: Phase | None = None,
    sprin: Sprin | None = None,
    linmas_other_desa: bool | None = None,
    linmas_other_desa_reason: str = "",
    by=None,
    reason: str = "",
) -> Assignment:
    """End the person's duty at `at` and start the new one at `at`, in one transaction.

    The old duty ends exactly where the new one begins (intervals are half-open), so the
    overlap rule holds without cancelling anything by hand first. A duty that has not begun by
    `at` is cancelled instead (its window would be empty). The old duty is written first and
    the new one validated after it, so a refusal of the new one (a third duty overlapping it,
    a Linmas outside their own desa, a window outside the phase) rolls both back: nothing
    changes. The new duty keeps the old one's phase and Sprin unless others are given.
    """
    person = personnel_lock([assignment.personnel])[assignment.personnel_id]
    old = (
        # The duty's row only: its post and Sprin may be null, outside FOR UPDATE's reach.
        Assignment.objects.select_for_update(of=("self",))
        .select_related("phase", "post", "sprin")
        .filter(pk=assignment.pk)
        .first()
    )
    if old is None or old.status == Assignment.Status.CANCELLED:
        raise ValidationError(
            _("Tugas lama sudah dibatalkan atau tidak ada; tidak ada yang dipindahkan.")
        )
    old.personnel = person
    if at >= old.ends_at:
        raise ValidationError(
            _("Tugas lama %(duty)s sudah selesai pada %(end)s; buat penugasan baru saja.")
            % {"duty": old, "end": wib_stamp(old.ends_at)},
            code="ended",
        )
    if ends_at <= at:
        raise ValidationError(
            _("Tugas baru harus selesai sesudah waktu pindah %(at)s.") % {"at": wib_stamp(at)},
            code="ends_at",
        )
    moved_to = ", ".join(str(t) for t in tps) if tps else (post.name if post else "")
    if at <= old.starts_at:
        old.status = Assignment.Status.CANCELLED  # never begun: nothing of it remains
    else:
        old.ends_at = at
    assignment_validate(old, tps=list(old.tps.all()))
    assignment_save(old, tps=None, by=by, reason=reason or _("Dipindahkan ke %s") % moved_to)
    draft = AssignmentDraft(
        personnel=person,
        phase=phase or old.phase,
        kind=kind,
        starts_at=at,
        ends_at=ends_at,
        tps=list(tps),
        post=post,
        sprin=sprin or old.sprin,
        linmas_other_desa=linmas_other_desa,
        linmas_other_desa_reason=linmas_other_desa_reason,
    )
    where = old.post.name if old.post_id else old.get_kind_display()
    return _create(draft, person, by=by, reason=reason or _("Pindahan dari %s") % where)


def overlap_error_from(exc: IntegrityError, personnel: Personnel) -> Exception:
    """Turn the PostgreSQL exclusion violation into the same message validation gives."""
    if OVERLAP_CONSTRAINT in str(exc):
        return ValidationError(
            _(
                "%(person)s sudah bertugas pada waktu yang tumpang tindih (disimpan bersamaan oleh "
                "pengguna lain). Muat ulang dan periksa penugasannya."
            )
            % {"person": personnel.name},
            code="overlap",
        )
    if UNAVAILABLE_TRIGGER in str(exc):
        return ValidationError(
            _("%(person)s tidak tersedia (sakit, cuti atau dinas lain) pada waktu itu.")
            % {"person": personnel.name},
            code="unavailable",
        )
    if REST_TRIGGER in str(exc):
        return ValidationError(
            _(
                "%(person)s harus beristirahat sekurang-kurangnya %(hours)s jam di antara dua "
                "regu jaga (disimpan bersamaan oleh pengguna lain). Muat ulang dan periksa."
            )
            % {"person": personnel.name, "hours": settings.SHIFT_MIN_REST_HOURS},
            code="rest",
        )
    if OUTSIDE_BKO_TRIGGER in str(exc):
        return ValidationError(
            _("%(person)s adalah personel BKO dan hanya dapat ditugaskan di dalam periode BKO-nya.")
            % {"person": personnel.name},
            code="outside_bko",
        )
    return exc


def raise_if_any(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


def bulk_refusal(exc: Exception) -> str:
    """What the database refused in a write of many assignments at once (an import), in
    Indonesian; nothing of the write stays. The guard's name is kept for the admin."""
    text = str(exc)
    if OVERLAP_CONSTRAINT in text:
        reason = _(
            "ada penugasan yang tumpang tindih dengan penugasan lain yang disimpan bersamaan "
            "oleh pengguna lain"
        )
    elif UNAVAILABLE_TRIGGER in text:
        reason = _(
            "ada personel yang tidak tersedia (sakit, cuti atau dinas lain) pada waktu "
            "penugasannya, dicatat bersamaan oleh pengguna lain"
        )
    elif REST_TRIGGER in text:
        reason = (
            _(
                "ada personel yang kurang beristirahat di antara dua regu jaga (sekurang-kurangnya "
                "%s jam)"
            )
            % settings.SHIFT_MIN_REST_HOURS
        )
    elif OUTSIDE_BKO_TRIGGER in text:
        reason = _(
            "ada personel BKO yang ditugaskan di luar periode BKO-nya, diubah bersamaan oleh "
            "pengguna lain"
        )
    else:
        return _("Kesalahan basis data: %s") % text
    guard = next(
        g
        for g in (OVERLAP_CONSTRAINT, UNAVAILABLE_TRIGGER, REST_TRIGGER, OUTSIDE_BKO_TRIGGER)
        if g in text
    )
    return _(
        "Kesalahan basis data: %(reason)s (%(guard)s). Tidak ada yang disimpan; periksa "
        "lagi lalu ulangi."
    ) % {"reason": reason, "guard": guard}
