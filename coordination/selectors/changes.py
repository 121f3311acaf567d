"""What changed between two meetings, or since the last one."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from coordination.models import ActionItem
from coordination.selectors.action_items import NOT_DONE
from core import clock
from core.access import access_of
from deployments.models import CoverageArea, CoverageSnapshot
from deployments.selectors import coverage_areas_at, current_operation, default_phase
from tps.models import TPS, Kecamatan, Kerawanan


@dataclass
class CoverageMoment:
    at: datetime
    snapshot: CoverageSnapshot | None
    total: CoverageArea | None
    by_class: dict[str, int]


@dataclass
class CoverageChange:
    label: str
    before: float | int | None
    after: float | int | None

    @property
    def delta(self) -> float | int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _fulfilment(row: CoverageArea | None, force: str) -> float | None:
    if row is None:
        return None
    required = getattr(row, f"{force}_required")
    if required <= 0:
        return None
    return round(100 * getattr(row, f"{force}_fulfilled") / required, 1)


def _scope_area(user) -> tuple[str, str]:
    """Operation level for those who see everything; Polsek staff their kecamatan's row."""
    access = access_of(user)
    if access.sees_everything:
        return CoverageArea.Level.OPERATION, "all"
    code = Kecamatan.objects.visible_to(user).values_list("code", flat=True).first()
    return CoverageArea.Level.KECAMATAN, code or ""


def changes_between(user, *, start: datetime, end: datetime) -> dict[str, Any]:
    """ "What changed since the last rakor": coverage, kerawanan classes and follow-ups between
    two moments (two meetings, or a meeting and the operation clock's now).

    Coverage and classes come from the coverage snapshots the engine keeps (deployments), of
    the phase the dashboard shows; there is no per-TPS history of kerawanan, so the counts per
    class are those the snapshots recorded, and a date before the first snapshot has none.
    """
    operation = current_operation(with_phases=True)
    phase = default_phase(operation, clock.now())
    level, code = _scope_area(user)
    moments = []
    for at in (start, end):
        snapshot, rows = (
            coverage_areas_at(at, phase=phase, level=level, code=code)
            if phase is not None
            else (None, {})
        )
        moments.append(
            CoverageMoment(
                at=at,
                snapshot=snapshot,
                # A snapshot without rows for the area: none of its TPS existed then.
                total=rows.get("") or (CoverageArea() if snapshot is not None else None),
                by_class={k: r.tps_total for k, r in rows.items() if k},
            )
        )
    before, after = moments
    coverage = [
        CoverageChange(
            "TPS terpenuhi",
            before.total.covered if before.total else None,
            after.total.covered if after.total else None,
        ),
        CoverageChange(
            "TPS kurang",
            before.total.short if before.total else None,
            after.total.short if after.total else None,
        ),
        CoverageChange(
            "TPS tanpa penjaga",
            before.total.unguarded if before.total else None,
            after.total.unguarded if after.total else None,
        ),
    ]
    for force, label in (("polri", "Polri"), ("tni", "TNI"), ("linmas", "Linmas")):
        coverage.append(
            CoverageChange(
                f"Pemenuhan {label} (%)",
                _fulfilment(before.total, force),
                _fulfilment(after.total, force),
            )
        )
    kerawanan = [
        CoverageChange(
            str(label),
            before.by_class.get(value, 0) if before.snapshot else None,
            after.by_class.get(value, 0) if after.snapshot else None,
        )
        for value, label in Kerawanan.choices
    ]
    current_classes = dict.fromkeys(Kerawanan.values, 0)
    for row in TPS.objects.visible_to(user).values("kerawanan").annotate(n=Count("pk")):
        current_classes[row["kerawanan"]] = row["n"]
    return {
        "start": start,
        "end": end,
        "end_day": timezone.localdate(end),
        "phase": phase,
        "before": before,
        "after": after,
        "coverage": coverage,
        "kerawanan": kerawanan,
        "current_classes": [(label, current_classes[v]) for v, label in Kerawanan.choices],
        **action_item_changes(user, start=start, end=end),
    }


def action_item_changes(user, *, start: datetime, end: datetime) -> dict[str, list[ActionItem]]:
    """Follow-ups agreed, closed, due and overdue in the window (start, end]. Four queries.

    An item closed after ``end`` was still open at ``end``: the status change time says so.
    """
    items = ActionItem.objects.visible_to(user).select_related("agency", "meeting")
    closed = Q(status__in=[ActionItem.Status.DONE, ActionItem.Status.DROPPED])
    open_at_end = NOT_DONE | (closed & Q(status_changed_at__gt=end))
    first_day, last_day = timezone.localdate(start), timezone.localdate(end)
    return {
        "agreed": list(
            items.filter(meeting__held_at__gt=start, meeting__held_at__lte=end).order_by(
                "meeting__held_at", "due_on", "pk"
            )
        ),
        "closed": list(
            items.filter(closed, status_changed_at__gt=start, status_changed_at__lte=end).order_by(
                "status_changed_at", "pk"
            )
        ),
        "due": list(
            items.filter(due_on__gt=first_day, due_on__lte=last_day).order_by("due_on", "pk")
        ),
        "overdue_at_end": list(
            items.filter(open_at_end, due_on__lt=last_day, meeting__held_at__lte=end).order_by(
                "due_on", "pk"
            )
        ),
    }
