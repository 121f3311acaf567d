"""The asta siap grid: one row per unit, one cell per active item."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coordination.models import ReadinessItem, UnitReadiness


@dataclass
class ReadinessRow:
    unit: Any
    cells: list[UnitReadiness | None]
    ready: int = 0
    assessed: int = 0
    estimate: bool = False
    last_review: date | None = None

    @property
    def total(self) -> int:
        return len(self.cells)


@dataclass
class ReadinessGrid:
    items: list[ReadinessItem]
    rows: list[ReadinessRow] = field(default_factory=list)

    @property
    def items_are_estimates(self) -> bool:
        return any(item.is_estimate for item in self.items)


def readiness_grid(user) -> ReadinessGrid:
    """One row per unit with a checklist, one cell per active item. Two queries."""
    items = list(ReadinessItem.objects.visible_to(user).filter(active=True))
    grid = ReadinessGrid(items=items)
    cells = (
        UnitReadiness.objects.visible_to(user)
        .filter(item__active=True)
        .select_related("unit", "item")
        .order_by("unit__force", "unit__kind", "unit__code")
    )
    by_unit: dict[int, ReadinessRow] = {}
    position = {item.pk: index for index, item in enumerate(items)}
    for cell in cells:
        row = by_unit.get(cell.unit_id)
        if row is None:
            row = by_unit[cell.unit_id] = ReadinessRow(cell.unit, [None] * len(items))
            grid.rows.append(row)
        row.cells[position[cell.item_id]] = cell
        row.ready += cell.status == UnitReadiness.Status.READY
        row.assessed += cell.status != UnitReadiness.Status.UNKNOWN
        row.estimate = row.estimate or cell.is_estimate
        if cell.reviewed_on and (row.last_review is None or cell.reviewed_on > row.last_review):
            row.last_review = cell.reviewed_on
    grid.rows.sort(key=_unit_order)
    return grid


UNIT_KIND_ORDER = {"polres": 0, "bag": 1, "sat": 2, "si": 3, "polsek": 4, "kodim": 5}


def _unit_order(row: ReadinessRow) -> tuple:
    return (UNIT_KIND_ORDER.get(row.unit.kind, 9), row.unit.code)
