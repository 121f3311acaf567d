"""Reads of the guarded objects' coverage (obyek pengamanan) that the dashboard, the API and the
exports share: each object's shift under way at a moment and the next, from one snapshot."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from core.formats import iso
from deployments.models import CoverageObject, CoverageSnapshot, CoverageStatus, Post

# Under-covered first: nobody there, then too few, then enough.
STATUS_ORDER = {CoverageStatus.UNGUARDED: 0, CoverageStatus.SHORT: 1, CoverageStatus.COVERED: 2}


@dataclass
class ObjectShifts:
    """One guarded object at a moment: its shift under way (None between shifts or before its
    first) and the next one within the snapshot's phase (None after its last)."""

    post: Post
    current: CoverageObject | None
    next: CoverageObject | None

    @property
    def status(self) -> str:
        """The verdict that ranks the object: the shift under way's, else the next one's."""
        return (self.current or self.next).status

    @property
    def lacks(self) -> int:
        row = self.current or self.next
        return sum(force["lacks"] for force in row.forces)


@dataclass
class ObjectCoverage:
    at: datetime
    objects: list[ObjectShifts] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CoverageStatus.values, 0)
        for item in self.objects:
            counts[item.status] += 1
        return {"total": len(self.objects), **counts}


def objects_at(user, snapshot: CoverageSnapshot | None, *, at: datetime) -> ObjectCoverage:
    """Each guarded object the user may see with its shift under way at `at` and the next,
    under-covered first. One query whatever the number of objects and shifts (none without a
    snapshot): the snapshot's rows not ended at `at`, the first two of each object by start
    (a window function), with their object, its desa and kecamatan."""
    result = ObjectCoverage(at=at)
    if snapshot is None:
        return result
    rows = (
        CoverageObject.objects.visible_to(user)
        .filter(snapshot_id=snapshot.pk, ends_at__gt=at)
        .annotate(
            place=Window(RowNumber(), partition_by=[F("post_id")], order_by=F("starts_at").asc())
        )
        .filter(place__lte=2)
        .select_related("post__desa__kecamatan")
        .order_by("post_id", "starts_at")
    )
    by_post: dict[int, list[CoverageObject]] = {}
    for row in rows:
        by_post.setdefault(row.post_id, []).append(row)
    for pair in by_post.values():
        first = pair[0]
        second = pair[1] if len(pair) > 1 else None
        if first.starts_at <= at:
            result.objects.append(ObjectShifts(post=first.post, current=first, next=second))
        else:
            result.objects.append(ObjectShifts(post=first.post, current=None, next=first))
    result.objects.sort(
        key=lambda o: (STATUS_ORDER.get(o.status, 3), -o.lacks, o.post.kind, o.post.name)
    )
    return result


def shift_block(row: CoverageObject | None) -> dict | None:
    """A shift's coverage as JSON (/api/obyek.json): its window, verdict and forces."""
    if row is None:
        return None
    return {
        "shift": row.shift_id,
        "starts_at": iso(row.starts_at),
        "ends_at": iso(row.ends_at),
        "status": row.status,
        "required": {f: getattr(row, f"{f.lower()}_required") for f in ("POLRI", "TNI", "LINMAS")},
        "assigned": {f: getattr(row, f"{f.lower()}_assigned") for f in ("POLRI", "TNI", "LINMAS")},
        "lacks": {force["force"]: force["lacks"] for force in row.forces if force["lacks"]},
    }
