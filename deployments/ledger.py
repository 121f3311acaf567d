"""The strength ledger per unit (issue #18): who each unit has on paper, who of them is
unavailable, committed to a duty or held in reserve at a moment, and who is left.

The Kabag Ops's lever on the day is strength: a unit committed beyond a share of what it has
(``STRENGTH_COMMITTED_WARN_PERCENT``, default 67: two thirds) has little left for what comes
next. Polri and TNI are counted per unit (each Polsek, each function of the Polres, each
Koramil); Linmas, one Satlinmas per desa, per kecamatan.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from deployments.models import Assignment, Force, Personnel, PostKind, Unavailability

# The counted figures of a row, added up the same way per unit and for the total.
COUNTS = ("paper", "unavailable", "committed", "reserve")


@dataclass
class UnitStrength:
    """One row of the ledger at a moment."""

    label: str
    force: str
    paper: int = 0  # active people of the unit
    unavailable: int = 0  # sick, on leave or on other duty at the moment
    committed: int = 0  # on a duty at the moment (reserves included)
    reserve: int = 0  # of the committed, held in reserve (Cadangan)

    @property
    def at_hand(self) -> int:
        """What the unit can use: its people less those unavailable."""
        return self.paper - self.unavailable

    @property
    def available(self) -> int:
        """Neither unavailable nor on a duty: free to be sent."""
        return max(self.at_hand - self.committed, 0)

    @property
    def committed_share(self) -> float | None:
        return self.committed / self.at_hand if self.at_hand > 0 else None

    def add(self, counts) -> None:
        for figure in COUNTS:
            setattr(self, figure, getattr(self, figure) + counts[figure])

    @property
    def over_committed(self) -> bool:
        share = self.committed_share
        return share is not None and share * 100 > settings.STRENGTH_COMMITTED_WARN_PERCENT


def strength_by_unit(user, *, at: datetime) -> list[UnitStrength]:
    """The ledger of the units the user sees (Polsek staff: their kecamatan's people), at
    ``at``: Polri first, then TNI, then Linmas per kecamatan, each by name. One query, grouped
    in the database per unit."""
    duty = Assignment.objects.at(at).filter(personnel=OuterRef("pk"))
    away = Unavailability.objects.filter(
        personnel=OuterRef("pk"), starts_at__lte=at, ends_at__gt=at
    )
    rows = (
        Personnel.objects.active()
        .visible_to(user)
        .annotate(
            on_duty=Exists(duty),
            in_reserve=Exists(duty.filter(kind=PostKind.CADANGAN)),
            is_away=Exists(away),
        )
        .values(
            "force",
            "unit_id",
            "unit__name",
            "unit__desa__kecamatan_id",
            "unit__desa__kecamatan__name",
        )
        .annotate(
            paper=Count("pk"),
            unavailable=Count("pk", filter=Q(is_away=True)),
            committed=Count("pk", filter=Q(on_duty=True)),
            reserve=Count("pk", filter=Q(in_reserve=True)),
        )
        .order_by()
    )
    ledger: dict[tuple, UnitStrength] = {}
    for row in rows:
        if row["force"] == Force.LINMAS and row["unit__desa__kecamatan_id"] is not None:
            key = (Force.LINMAS, row["unit__desa__kecamatan_id"])
            label = _("Linmas Kec. %(name)s") % {"name": row["unit__desa__kecamatan__name"]}
        else:
            key = (row["force"], row["unit_id"])
            label = row["unit__name"]
        entry = ledger.setdefault(key, UnitStrength(label=label, force=row["force"]))
        entry.add(row)
    order = {Force.POLRI: 0, Force.TNI: 1, Force.LINMAS: 2}
    return sorted(ledger.values(), key=lambda e: (order.get(e.force, 3), e.label))


def ledger_total(rows: list[UnitStrength]) -> UnitStrength:
    total = UnitStrength(label=_("Jumlah"), force="")
    for row in rows:
        total.add({figure: getattr(row, figure) for figure in COUNTS})
    return total
