"""Shifts of a guarded object (docs/shifts.md): cutting them from a template over a period, the
norm each shift must meet, and the phase segments its duties are held in.

A shift's duties sit inside their phase (Assignment.clean); a night shift that runs past a phase
boundary (23:00–07:00 on the last day of masa tenang) is held as one duty per phase, back to
back, which the rest rule counts as one watch (models/rest.py).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.formats import WIB, wib_stamp
from deployments.models import GuardNorm, Operation, Phase, Post, Shift, ShiftTemplate
from deployments.models.pattern import best_norms

MAX_DAYS = 62  # a form's period: two months of shifts at most in one go


def wib_start(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=WIB)


def shift_windows(
    post: Post, template: ShiftTemplate, starts_on: date, ends_on: date
) -> list[tuple[datetime, datetime]]:
    """The template's shifts whose day (WIB) is in [starts_on, ends_on], clipped to the post's
    active period; a shift wholly outside it is left out."""
    windows = []
    step = timedelta(hours=template.hours)
    day = starts_on
    while day <= ends_on:
        start = wib_start(day, template.first_starts_at)
        for _index in range(template.shifts_per_day):
            end = start + step
            clipped = (
                max(start, post.active_from) if post.active_from else start,
                min(end, post.active_until) if post.active_until else end,
            )
            if clipped[0] < clipped[1]:
                windows.append(clipped)
            start = end
        day += timedelta(days=1)
    return windows


@transaction.atomic
def shifts_cut(
    *, post: Post, template: ShiftTemplate, starts_on: date, ends_on: date, by=None
) -> list[Shift]:
    """Create the post's shifts of the period from the template; those already there are kept
    (running it twice makes no duplicates). A new shift that would overlap another of the post
    (cut from another template) is refused, with nothing written. The period's shifts, in order."""
    if ends_on < starts_on:
        raise ValidationError(_("Tanggal selesai harus sesudah tanggal mulai."))
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise ValidationError(_("Paling lama %s hari sekali potong.") % MAX_DAYS)
    windows = shift_windows(post, template, starts_on, ends_on)
    if not windows:
        return []
    # The post's row, locked: two admins cutting the same post at once would both find no shift.
    Post.objects.select_for_update().filter(pk=post.pk).first()
    existing = list(Shift.objects.filter(post=post).overlapping(windows[0][0], windows[-1][1]))
    same = {(s.starts_at, s.ends_at): s for s in existing}
    new = []
    for start, end in windows:
        if (start, end) in same:
            continue
        clash = next((s for s in existing if s.starts_at < end and s.ends_at > start), None)
        if clash is not None:
            raise ValidationError(
                _(
                    "Regu %(start)s – %(end)s bertumpang tindih dengan regu yang sudah ada "
                    "(%(other)s – %(other_end)s). Hapus regu lama atau pilih pola yang sama."
                )
                % {
                    "start": wib_stamp(start),
                    "end": wib_stamp(end),
                    "other": wib_stamp(clash.starts_at),
                    "other_end": wib_stamp(clash.ends_at),
                }
            )
        new.append(Shift(post=post, template=template, starts_at=start, ends_at=end))
    if new:
        bulk_create_with_history(new, Shift, default_user=by)
    return list(
        Shift.objects.filter(post=post)
        .overlapping(windows[0][0], windows[-1][1])
        .order_by("starts_at")
    )


def norms_for(posts: Iterable[Post], operation: Operation) -> dict[int, dict[str, int]]:
    """GuardNorm.objects.required_for for many posts in one query: per post, per force, the
    personnel each shift needs (pattern.best_norms, the same precedence)."""
    posts = list(posts)
    kinds = {p.kind for p in posts}
    rows = list(GuardNorm.objects.filter(operation=operation, post_kind__in=kinds))
    return {post.pk: best_norms(post, rows) for post in posts}


def phase_segments(
    start: datetime, end: datetime, phases: Sequence[Phase]
) -> list[tuple[Phase, datetime, datetime]]:
    """[start, end) cut at the phases' boundaries: (phase, from, to) for each phase it meets.
    A part outside every phase is left out (the caller compares the total)."""
    segments = []
    for phase in phases:
        lo, hi = max(start, phase.starts_at), min(end, phase.ends_at)
        if lo < hi:
            segments.append((phase, lo, hi))
    return segments


def covered_by_phases(start: datetime, end: datetime, segments) -> bool:
    return sum(((hi - lo) for _p, lo, hi in segments), timedelta()) == end - start
