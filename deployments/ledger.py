"""The strength ledger per unit (issue #18): who each unit has on paper, who of them is
unavailable, committed to a duty or held in reserve at a moment, and who is left.

The Kabag Ops's lever on the day is strength: a unit committed beyond a share of what it has
(``STRENGTH_COMMITTED_WARN_PERCENT``, default 67: two thirds) has little left for what comes
next. Polri and TNI are counted per unit (each Polsek, each function of the Polres, each
Koramil); Linmas, one Satlinmas per desa, per kecamatan.

BKO: a person attached here from outside (BKO masuk) counts in the unit they are attached to
while their BKO period runs, and not at all outside it (they are not ours to send then); one
of ours lent out (BKO keluar) stays on the unit's paper but is not at hand.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from deployments.models import Assignment, BkoIn, Force, Personnel, PostKind, Unavailability

# The counted figures of a row, added up the same way per unit and for the total.
COUNTS = ("paper", "unavailable", "lent_out", "committed", "reserve", "bko_in")
# People listed in the reserve pool under the ledger; the count above covers them all.
RESERVE_SHOWN = 200


@dataclass
class UnitStrength:
    """One row of the ledger at a moment."""

    label: str
    force: str
    paper: int = 0  # active people of the unit, those attached in (BKO masuk) included
    unavailable: int = 0  # sick, on leave or on other duty at the moment
    lent_out: int = 0  # lent to another unit at the moment (BKO keluar)
    committed: int = 0  # on a duty at the moment (reserves included)
    reserve: int = 0  # of the committed, held in reserve (Cadangan)
    bko_in: int = 0  # of the paper, attached here from outside at the moment (BKO masuk)
    origins: Counter = field(default_factory=Counter)  # BKO masuk per origin unit

    @property
    def at_hand(self) -> int:
        """What the unit can use: its people less those unavailable or lent out."""
        return self.paper - self.unavailable - self.lent_out

    @property
    def origin_list(self) -> list[tuple[str, int]]:
        return sorted(self.origins.items())

    @property
    def available(self) -> int:
        """Neither unavailable nor on a duty: free to be sent."""
        return max(self.at_hand - self.committed, 0)

    @property
    def committed_share(self) -> float | None:
        return self.committed / self.at_hand if self.at_hand > 0 else None

    def add(self, counts, origins=None) -> None:
        for figure in COUNTS:
            setattr(self, figure, getattr(self, figure) + counts[figure])
        if origins:
            self.origins.update(origins)

    @property
    def over_committed(self) -> bool:
        share = self.committed_share
        return share is not None and share * 100 > settings.STRENGTH_COMMITTED_WARN_PERCENT


def strength_by_unit(user, *, at: datetime) -> list[UnitStrength]:
    """The ledger of the units the user sees (Polsek staff: their kecamatan's people), at
    ``at``: Polri first, then TNI, then Linmas per kecamatan, each by name. One query, grouped
    in the database per unit and origin of BKO masuk (none for the unit's own people)."""
    duty = Assignment.objects.at(at).filter(personnel=OuterRef("pk"))
    away = Unavailability.objects.filter(
        personnel=OuterRef("pk"), starts_at__lte=at, ends_at__gt=at
    )
    attached = BkoIn.objects.filter(personnel=OuterRef("pk"))
    rows = (
        Personnel.objects.active()
        .visible_to(user)
        .annotate(
            bko_origin=Subquery(attached.at(at).order_by("starts_at").values("origin_unit")[:1]),
            bko_person=Exists(attached),
        )
        # A BKO person outside their periods is not here.
        .filter(Q(bko_person=False) | Q(bko_origin__isnull=False))
        .annotate(
            on_duty=Exists(duty),
            in_reserve=Exists(duty.filter(kind=PostKind.CADANGAN)),
            is_away=Exists(away.exclude(kind=Unavailability.Kind.BKO_OUT)),
            is_lent=Exists(away.filter(kind=Unavailability.Kind.BKO_OUT)),
        )
        .values(
            "force",
            "unit_id",
            "unit__name",
            "unit__desa__kecamatan_id",
            "unit__desa__kecamatan__name",
            "bko_origin",
        )
        .annotate(
            paper=Count("pk"),
            # Lent out and sick at once is counted once, as lent out.
            unavailable=Count("pk", filter=Q(is_away=True, is_lent=False)),
            lent_out=Count("pk", filter=Q(is_lent=True)),
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
        origin = row["bko_origin"]
        entry.add(
            {**row, "bko_in": row["paper"] if origin else 0},
            {origin: row["paper"]} if origin else None,
        )
    order = {Force.POLRI: 0, Force.TNI: 1, Force.LINMAS: 2}
    return sorted(ledger.values(), key=lambda e: (order.get(e.force, 3), e.label))


def ledger_total(rows: list[UnitStrength]) -> UnitStrength:
    total = UnitStrength(label=_("Jumlah"), force="")
    for row in rows:
        total.add({figure: getattr(row, figure) for figure in COUNTS}, row.origins)
    return total


def reserve_pool(user, *, at: datetime) -> list[Assignment]:
    """The people the user sees who are on a Cadangan duty at ``at`` (the ledger's Cadangan,
    by name), with their unit and post: at most RESERVE_SHOWN, in one query."""
    people = Personnel.objects.active().visible_to(user)
    return list(
        Assignment.objects.at(at)
        .filter(kind=PostKind.CADANGAN, personnel__in=people.values("pk"))
        .select_related("personnel__unit", "post")
        .order_by("post__name", "personnel__name", "pk")[:RESERVE_SHOWN]
    )
