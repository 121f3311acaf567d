"""What if (issue #18): move a group of people — a reserve, a BKO contingent, a unit's people —
to a post or to TPS for a window, and see each place's coverage before and after, before saving.

The preview makes the move for real inside a transaction and rolls it back: the figures after
are read from the rows the move wrote, through the same rules (validation, the database's
triggers and constraints, the overlap rule), so a refusal is found in the preview and what the
preview shows is what saving gives. Nothing of it survives: not the rows, not their history,
not the coverage recompute (on_commit hooks of a rolled-back transaction never run).

A move, per person (deployments.services.assignments.assignment_move): the duty the person
holds at the window's start ends there (or is cancelled if it has not begun), a duty that would
begin inside the window is cancelled, and the new duty runs for the window. Coverage of TPS is
the engine's, for the whole phase (coverage_change.tps_coverage): a duty cut short still
guarded its TPS until the move, only a cancelled one stops counting.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from deployments.coverage import FORCES
from deployments.models import (
    Assignment,
    BkoIn,
    CoverageStatus,
    Personnel,
    Phase,
    Post,
    PostKind,
)
from deployments.services.assignments import (
    assignment_create,
    assignment_move,
    assignments_cancel,
    personnel_lock,
    raise_if_any,
)
from deployments.services.coverage_change import tps_coverage
from deployments.services.gaps import status_of
from deployments.services.shifts import norms_for
from tps.models import TPS


@dataclass(frozen=True)
class Move:
    """Who goes where, and for which window."""

    people: Sequence[Personnel]
    phase: Phase
    starts_at: datetime
    ends_at: datetime
    post: Post | None = None
    tps: Sequence[TPS] = ()

    @property
    def kind(self) -> str:
        return self.post.kind if self.post is not None else PostKind.PAM_TPS

    @property
    def destination(self) -> str:
        if self.post is not None:
            return str(self.post)
        return ", ".join(str(t) for t in self.tps)


@dataclass
class PlaceCoverage:
    """One place's figures before and after the move, per force (required None: no norm)."""

    label: str
    kind: str  # "tps" or "post"
    required: dict[str, float | None]
    before: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FORCES, 0.0))
    after: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FORCES, 0.0))
    status_before: str = ""
    status_after: str = ""

    @property
    def rows(self) -> list[tuple[str, float | None, float, float]]:
        return [(f, self.required.get(f), self.before[f], self.after[f]) for f in FORCES]

    @property
    def worse(self) -> bool:
        return _RANK.get(self.status_after, 0) < _RANK.get(self.status_before, 0)

    @property
    def status_before_label(self) -> str:
        return _status_label(self.status_before)

    @property
    def status_after_label(self) -> str:
        return _status_label(self.status_after)


_RANK = {CoverageStatus.UNGUARDED: 0, CoverageStatus.SHORT: 1, CoverageStatus.COVERED: 2}


def _status_label(status: str) -> str:
    return CoverageStatus(status).label if status else "—"


@dataclass
class MovePreview:
    places: list[PlaceCoverage]
    changes: list[str]  # per person, what the move does to their duties
    refusals: list[str]

    @property
    def can_save(self) -> bool:
        return not self.refusals


def duties_in_the_way(move: Move) -> dict[int, list[Assignment]]:
    """Per person, their non-cancelled duties meeting the window, earliest first: the one
    under way at the start is cut there, those beginning inside it are cancelled."""
    rows = (
        Assignment.objects.overlapping(move.starts_at, move.ends_at)
        .filter(personnel__in=[p.pk for p in move.people])
        .select_related("post", "phase", "sprin")
        .prefetch_related("tps")
        .order_by("personnel_id", "starts_at")
    )
    out: dict[int, list[Assignment]] = defaultdict(list)
    for duty in rows:
        out[duty.personnel_id].append(duty)
    return out


@transaction.atomic
def move_people(move: Move, *, by, reason: str = "") -> list[Assignment]:
    """Make the move, all or nothing: one person refused and nobody moves, every reason
    listed ("person: why")."""
    if move.ends_at <= move.starts_at:
        raise ValidationError(_("Selesai harus sesudah mulai."))
    if not move.people:
        raise ValidationError(_("Tidak ada personel yang dipindahkan."))
    locked = personnel_lock(move.people)
    in_the_way = duties_in_the_way(move)
    made: list[Assignment] = []
    errors: list[str] = []
    why = reason or _("Simulasi kekuatan disimpan: ke %s") % move.destination
    for person in sorted(locked.values(), key=lambda p: p.pk):
        duties = in_the_way.get(person.pk, [])
        try:
            with transaction.atomic():
                made.append(_move_one(move, person, duties, by=by, reason=why))
        except ValidationError as exc:
            errors.append(f"{person}: {' '.join(exc.messages)}")
    raise_if_any(errors)
    return made


def _move_one(move: Move, person: Personnel, duties: list[Assignment], *, by, reason: str):
    if any(d.kind == PostKind.KEJADIAN for d in duties):
        # Sent to an incident by the command: only the incident's closing brings them back.
        raise ValidationError(_("sedang menangani kejadian; tidak dapat dipindahkan."))
    if any(_already_there(d, move) for d in duties):
        raise ValidationError(_("sudah bertugas di %(to)s pada waktu itu.") % _who(person, move))
    later = [d for d in duties if d.starts_at > move.starts_at]
    if later:
        assignments_cancel(assignments=later, by=by, reason=reason)
    under_way = next((d for d in duties if d.starts_at <= move.starts_at), None)
    new_duty = {
        "ends_at": move.ends_at,
        "kind": move.kind,
        "tps": move.tps,
        "post": move.post,
        "phase": move.phase,
        "by": by,
        "reason": reason,
    }
    if under_way is not None:
        under_way.personnel = person
        return assignment_move(assignment=under_way, at=move.starts_at, **new_duty)
    return assignment_create(personnel=person, starts_at=move.starts_at, **new_duty)


def _already_there(duty: Assignment, move: Move) -> bool:
    if move.post is not None:
        return duty.post_id == move.post.pk
    return duty.kind == PostKind.PAM_TPS and {t.pk for t in duty.tps.all()} == {
        t.pk for t in move.tps
    }


def preview_move(move: Move, *, by) -> MovePreview:
    """Each place the move touches (the TPS and posts the people leave, the destination) with
    its coverage before and after, and what happens to each person's duties."""
    in_the_way = duties_in_the_way(move)
    tps_ids = {t.pk for t in move.tps}
    post_ids = {move.post.pk} if move.post is not None else set()
    for duties in in_the_way.values():
        for duty in duties:
            if duty.kind == PostKind.PAM_TPS:
                tps_ids.update(t.pk for t in duty.tps.all())
            elif duty.post_id:
                post_ids.add(duty.post_id)
    places = _places(move, tps_ids, post_ids)
    _read(places, move, tps_ids, post_ids, when="before")
    refusals: list[str] = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                move_people(move, by=by)
                _read(places, move, tps_ids, post_ids, when="after")
                transaction.set_rollback(True)
        except ValidationError as exc:
            refusals = exc.messages
    ordered = sorted(places.values(), key=lambda p: (not p.worse, p.kind, p.label))
    return MovePreview(places=ordered, changes=_changes(move, in_the_way), refusals=refusals)


def _places(move: Move, tps_ids: set[int], post_ids: set[int]) -> dict[tuple, PlaceCoverage]:
    places: dict[tuple, PlaceCoverage] = {}
    posts = list(Post.objects.filter(pk__in=post_ids).order_by("pk"))
    norms = norms_for([p for p in posts if p.is_guarded_object], move.phase.operation)
    for post in posts:
        required = norms.get(post.pk, {})
        places[("post", post.pk)] = PlaceCoverage(
            label=str(post),
            kind="post",
            required={f: float(required[f]) if f in required else None for f in FORCES},
        )
    stations = TPS.objects.filter(pk__in=tps_ids).select_related("desa").defer("desa__boundary")
    for tps in stations:
        places[("tps", tps.pk)] = PlaceCoverage(label=str(tps), kind="tps", required={})
    return places


def _read(places, move: Move, tps_ids: set[int], post_ids: set[int], *, when: str) -> None:
    for tps_id, figures in tps_coverage(phase=move.phase, tps_ids=tps_ids).items():
        place = places[("tps", tps_id)]
        place.required = {f: figures.required.get(f, 0.0) for f in FORCES}
        setattr(place, when, dict(figures.assigned))
        setattr(place, f"status_{when}", figures.status)
    for post_id, counts in _post_strength(post_ids, at=move.starts_at).items():
        place = places[("post", post_id)]
        setattr(place, when, counts)
        if any(r is not None for r in place.required.values()):
            required = {f: r or 0.0 for f, r in place.required.items()}
            guards = int(sum(counts.values()))
            setattr(place, f"status_{when}", status_of(required, counts, guards))


def _post_strength(post_ids: set[int], *, at: datetime) -> dict[int, dict[str, float]]:
    """Per post, the people on an active duty there at ``at``, per force. One query."""
    out = {pk: dict.fromkeys(FORCES, 0.0) for pk in post_ids}
    rows = (
        Assignment.objects.at(at)
        .filter(post__in=post_ids, status=Assignment.Status.ACTIVE, personnel__active=True)
        .values("post_id", "personnel__force")
        .annotate(people=Count("personnel", distinct=True))
        .order_by()
    )
    for row in rows:
        out[row["post_id"]][row["personnel__force"]] = float(row["people"])
    return out


def _changes(move: Move, in_the_way: dict[int, list[Assignment]]) -> list[str]:
    lines = []
    for person in sorted(move.people, key=lambda p: p.name):
        duties = in_the_way.get(person.pk, [])
        if not duties:
            lines.append(_("%(person)s: tugas baru di %(to)s.") % _who(person, move))
            continue
        left = "; ".join(str(d.post or d.get_kind_display()) for d in duties)
        lines.append(
            _("%(person)s: ditarik dari %(left)s, bertugas di %(to)s.")
            % {**_who(person, move), "left": left}
        )
    return lines


def _who(person: Personnel, move: Move) -> dict[str, str]:
    return {"person": str(person), "to": move.destination}


# A move is a planning step for a platoon or a unit, not the whole Polres: a bounded group
# keeps the preview's transaction and its locks short.
MAX_PEOPLE = 300


def reserve_at(at: datetime) -> list[Personnel]:
    """The reserve pool at ``at``: active people on an active Cadangan duty then."""
    duties = Assignment.objects.at(at).filter(
        kind=PostKind.CADANGAN, status=Assignment.Status.ACTIVE
    )
    return list(
        Personnel.objects.active()
        .filter(pk__in=duties.values("personnel_id"))
        .order_by("name")[: MAX_PEOPLE + 1]
    )


def bko_contingents() -> list[tuple[str, str]]:
    """(Sprin number, "origin – Sprin") of every BKO-in contingent: the people one order
    attached here move together."""
    rows = (
        BkoIn.objects.values_list("sprin_number", "origin_unit")
        .distinct()
        .order_by("origin_unit", "sprin_number")
    )
    return [(number, f"{origin} – {number}") for number, origin in rows]


def bko_contingent_at(sprin_number: str, at: datetime) -> list[Personnel]:
    """The active people attached here by that order whose BKO period runs at ``at``."""
    attached = BkoIn.objects.filter(sprin_number=sprin_number, starts_at__lte=at, ends_at__gt=at)
    return list(
        Personnel.objects.active()
        .filter(pk__in=attached.values("personnel_id"))
        .order_by("name")[: MAX_PEOPLE + 1]
    )


def people_of_unit(unit_id: int) -> list[Personnel]:
    return list(
        Personnel.objects.active().filter(unit_id=unit_id).order_by("name")[: MAX_PEOPLE + 1]
    )


def people_by_identifier(identifiers: Sequence[str]) -> tuple[list[Personnel], list[str]]:
    """The active people with these NRP / register numbers, and the numbers not found."""
    wanted = list(dict.fromkeys(i.strip() for i in identifiers if i.strip()))
    found = list(Personnel.objects.active().filter(identifier__in=wanted).order_by("name"))
    known = {p.identifier for p in found}
    return found, [i for i in wanted if i not in known]
