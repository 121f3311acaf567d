"""The guarded objects of a synthetic operation (issue #18), so that the benchmark measures
their rows: per kecamatan a PPK in 3×8 h shifts over the recount days of the pemungutan phase,
per kabupaten/kota the KPU and Bawaslu offices in 3×8 h shifts and the KPU warehouse in 24 h
shifts over the whole phase and two Walpri without shifts; their guard norms; and duties for
them from the Polri and TNI the TPS left free, in three rotating groups per object (a group
serves every third shift, so nobody holds two overlapping duties).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection

from demo.objects import NORMS  # the demo's norms, at Polda size too
from deployments.models import (
    Assignment,
    GuardNorm,
    Operation,
    Phase,
    Post,
    PostKind,
    Shift,
)

GROUPS = 3  # rotating groups per object with shifts


@dataclass
class Pool:
    """People free of TPS duty, handed out in order, each to one group of one object."""

    ids: list[int]
    taken: int = 0

    def take(self, n: int) -> list[int]:
        chosen = self.ids[self.taken : self.taken + n]
        self.taken += len(chosen)
        return chosen


@dataclass
class ObjectPlan:
    post: Post
    shifts: list[tuple] = field(default_factory=list)  # (starts_at, ends_at)
    polri_per_group: int = 0
    tni_per_group: int = 0


def _shifts(start, hours: int, count: int) -> list[tuple]:
    return [
        (start + timedelta(hours=hours * i), start + timedelta(hours=hours * (i + 1)))
        for i in range(count)
    ]


def synthetic_objects_create(
    *,
    operation: Operation,
    pemungutan: Phase,
    kecamatan_ids: list[int],
    kabkota_ids: list[int],
    desa_of_kecamatan: dict[int, int],
    polri: Pool,
    tni: Pool,
    copy_rows: Callable,
    first_assignment: int,
) -> tuple[int, int]:
    """Objects, norms, shifts and duties; (objects, duties). Duties get ids from
    `first_assignment` on, written by `copy_rows` (COPY on PostgreSQL)."""
    GuardNorm.objects.bulk_create(
        GuardNorm(operation=operation, post_kind=kind, force=force, personnel_per_shift=n)
        for kind, force, n in NORMS
    )
    day = pemungutan.starts_at  # 26 Nov 00.00 WIB
    recount_from = day + timedelta(hours=7)
    plans: list[ObjectPlan] = []
    for k, kecamatan_id in enumerate(kecamatan_ids):
        plans.append(
            ObjectPlan(
                Post(
                    kind=PostKind.PPK,
                    name=f"PPK Sintetis {k + 1}",
                    desa_id=desa_of_kecamatan[kecamatan_id],
                    active_from=recount_from,
                    active_until=recount_from + timedelta(hours=64),
                ),
                # 07.00 on 26 Nov to 23.00 on 28 Nov: 8 shifts inside the phase.
                _shifts(recount_from, 8, 8),
            )
        )
    whole_phase = (pemungutan.ends_at - day) // timedelta(hours=8)
    for n, _kabkota_id in enumerate(kabkota_ids):
        for kind, label in ((PostKind.KANTOR_KPU, "KPU"), (PostKind.KANTOR_BAWASLU, "Bawaslu")):
            plans.append(
                ObjectPlan(
                    Post(kind=kind, name=f"Kantor {label} Sintetis {n + 1}"),
                    _shifts(day, 8, whole_phase),
                    polri_per_group=2,
                    tni_per_group=1,
                )
            )
        plans.append(
            ObjectPlan(
                Post(kind=PostKind.GUDANG_LOGISTIK, name=f"Gudang Logistik Sintetis {n + 1}"),
                # The third day's shift is left without guards: an unguarded row.
                _shifts(day, 24, whole_phase // 3),
                polri_per_group=4,
            )
        )
        for role in ("Calon Bupati", "Calon Wakil Bupati"):
            plans.append(
                ObjectPlan(
                    Post(
                        kind=PostKind.WALPRI,
                        name=f"Walpri {role} Sintetis {n + 1}",
                        protectee=f"{role} {n + 1} (nama sintetis)",
                    ),
                    polri_per_group=2,
                )
            )
    # The PPK share what the offices, warehouses and escorts leave: the recount's norm of 15 a
    # shift is more than the free Polri of a Polda, so most PPK shifts are short.
    others = sum(
        p.polri_per_group * (GROUPS if p.shifts else 1)
        for p in plans
        if p.post.kind != PostKind.PPK
    )
    ppk = [p for p in plans if p.post.kind == PostKind.PPK]
    per_group = max(0, (len(polri.ids) - polri.taken - others) // max(1, GROUPS * len(ppk)))
    for plan in ppk:
        plan.polri_per_group = min(15, per_group)

    posts = Post.objects.bulk_create([p.post for p in plans])
    shifts = Shift.objects.bulk_create(
        Shift(post=post, starts_at=start, ends_at=end)
        for post, plan in zip(posts, plans, strict=True)
        for start, end in plan.shifts
    )
    by_post: dict[int, list[Shift]] = {}
    for shift in shifts:
        by_post.setdefault(shift.post_id, []).append(shift)

    adapt = connection.ops.adapt_datetimefield_value
    rows: list[tuple] = []
    aid = first_assignment

    def duty(person: int, post: Post, shift_id, starts, ends) -> None:
        nonlocal aid
        start, end = adapt(starts), adapt(ends)
        row = (aid, person, pemungutan.pk, post.kind, post.pk, shift_id, start, end)
        rows.append((*row, None, "active", start, start, False, ""))
        aid += 1

    for post, plan in zip(posts, plans, strict=True):
        if not plan.shifts:  # an escort over the whole phase
            for person in polri.take(plan.polri_per_group):
                duty(person, post, None, pemungutan.starts_at, pemungutan.ends_at)
            continue
        post_shifts = by_post[post.pk]
        staffed = post_shifts[:-1] if post.kind == PostKind.GUDANG_LOGISTIK else post_shifts
        for group in range(GROUPS):
            if not staffed[group::GROUPS]:
                continue
            people = polri.take(plan.polri_per_group) + tni.take(plan.tni_per_group)
            for shift in staffed[group::GROUPS]:
                for person in people:
                    duty(person, post, shift.pk, shift.starts_at, shift.ends_at)
    columns = [
        "id",
        "personnel_id",
        "phase_id",
        "kind",
        "post_id",
        "shift_id",
        "starts_at",
        "ends_at",
        "sprin_id",
        "status",
        "created_at",
        "updated_at",
        "linmas_other_desa",
        "linmas_other_desa_reason",
    ]
    return len(posts), copy_rows(Assignment, columns, rows)
