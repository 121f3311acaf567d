"""The demo's shift rotations (issue #18, docs/shifts.md): every guarded object of the operation
that has a guard norm is cut into shifts over its active period and staffed by the rotation
generator, as the Kabag Ops would from the roster page.

Call rotations_create(operation) after the guarded objects and their norms exist (the Kediri
seed's objects step). The templates: 3×8 h from 07:00 for the 24 h offices, the warehouse and
the escorts; 2×12 h from 07:00 for the PPK and PPS. An object without an active period is
guarded over ROTATION_DEFAULT (H-2 to H+1, the days the offices run around the clock).

The pool of an object: the Polri of the Polres's own units (Sat, Bag, Si) and of the Polsek of
its kecamatan, and every TNI of the Kodim for a TNI norm; the generator leaves out whoever is
on duty then (a TPS guard on election day), unavailable, or not yet rested. Its proposal is
checked in memory, against everything the database holds, so it is written set-based
(bulk_create), the database's constraint and triggers still guarding every row.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q

from core.formats import WIB
from deployments.models import (
    GUARDED_KINDS,
    Assignment,
    Force,
    Operation,
    Personnel,
    Phase,
    Post,
    PostKind,
    ShiftTemplate,
    Unit,
)
from deployments.services.rotation import rotation_propose
from deployments.services.shifts import MAX_DAYS, norms_for, phase_segments, shifts_cut

TWELVE = "2×12 jam"
EIGHT = "3×8 jam"
TEMPLATE_OF = {
    PostKind.PPK: TWELVE,
    PostKind.PPS: TWELVE,
    PostKind.KANTOR_KPU: EIGHT,
    PostKind.KANTOR_BAWASLU: EIGHT,
    PostKind.GUDANG_LOGISTIK: EIGHT,
    PostKind.WALPRI: EIGHT,
}
# Campaign venues are guarded for an event, not around the clock: no shifts.
ROTATION_DEFAULT = (datetime(2024, 11, 25, tzinfo=WIB), datetime(2024, 11, 29, tzinfo=WIB))
POLRES_UNIT_KINDS = (Unit.Kind.POLRES, Unit.Kind.BAG, Unit.Kind.SAT, Unit.Kind.SI)
REASON = "Demo: rotasi regu jaga"


@dataclass
class RotationFigures:
    posts: int = 0
    shifts: int = 0
    duties: int = 0
    short_shifts: int = 0


def templates_ensure() -> dict[str, ShiftTemplate]:
    made = {}
    for name, hours in ((TWELVE, 12), (EIGHT, 8)):
        made[name] = ShiftTemplate.objects.get_or_create(
            name=name, defaults={"hours": hours, "first_starts_at": time(7)}
        )[0]
    return made


def pool_for(post: Post) -> "Q":
    polri = Q(force=Force.POLRI, unit__kind__in=POLRES_UNIT_KINDS)
    if post.desa_id:
        polri |= Q(force=Force.POLRI, unit__kecamatan_id=post.desa.kecamatan_id)
    return polri | Q(force=Force.TNI)


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """The WIB days whose shifts meet [start, end): a shift of the day before may run into it."""
    first = start.astimezone(WIB).date() - timedelta(days=1)
    last = (end - timedelta(microseconds=1)).astimezone(WIB).date()
    return first, last


def _cut(post: Post, template: ShiftTemplate, start: datetime, end: datetime) -> list:
    """The post's shifts of [start, end), cut MAX_DAYS at a time (a warehouse may be guarded
    for months)."""
    first, last = _days(start, end)
    shifts = []
    while first <= last:
        chunk_end = min(last, first + timedelta(days=MAX_DAYS - 1))
        shifts += shifts_cut(post=post, template=template, starts_on=first, ends_on=chunk_end)
        first = chunk_end + timedelta(days=1)
    unique = {s.pk: s for s in shifts if s.starts_at < end and s.ends_at > start}
    return sorted(unique.values(), key=lambda s: s.starts_at)


@transaction.atomic
def rotations_create(operation: Operation) -> RotationFigures:
    templates = templates_ensure()
    posts = list(
        Post.objects.filter(kind__in=GUARDED_KINDS).select_related("desa").order_by("kind", "pk")
    )
    norms = norms_for(posts, operation)
    phases = list(Phase.objects.filter(operation=operation).order_by("starts_at"))
    figures = RotationFigures()
    for post in posts:
        if not norms.get(post.pk) or post.kind not in TEMPLATE_OF:
            continue
        start = post.active_from or ROTATION_DEFAULT[0]
        end = post.active_until or ROTATION_DEFAULT[1]
        if post.active_from is None or post.active_until is None:
            # Shifts are clipped to the post's period; without one, to the default window.
            post.active_from, post.active_until = start, end
        shifts = _cut(post, templates[TEMPLATE_OF[post.kind]], start, end)
        if not shifts:
            continue
        rotation = rotation_propose(
            posts=[post],
            operation=operation,
            starts_at=shifts[0].starts_at,
            ends_at=shifts[-1].ends_at,
            pool=Personnel.objects.filter(pool_for(post)),
        )
        duties = [
            Assignment(
                personnel=person,
                phase=phase,
                kind=post.kind,
                post=post,
                shift=need.shift,
                starts_at=lo,
                ends_at=hi,
            )
            for need in rotation.needs
            for person in need.proposed
            for phase, lo, hi in phase_segments(need.shift.starts_at, need.shift.ends_at, phases)
        ]
        Assignment.objects.bulk_create(duties, batch_size=500)
        figures.posts += 1
        figures.shifts += len(shifts)
        figures.duties += len(duties)
        figures.short_shifts += len(rotation.short_shifts)
    return figures
