"""A BKO contingent for the demo (issue #18), synthetic and labelled as such: a platoon of Sat
Brimob Polda Jatim attached to the Polres for the voting days, H-1 to H+1.

Not wired into the seed yet: call brimob_platoon_attach(unit=<the Polres unit it joins, e.g.
Sat Samapta>) after the people are saved. It registers the platoon as Polri of that unit and
records each one's BKO masuk; running it again changes nothing.
"""

from datetime import date, datetime

from django.db import transaction

from demo.common import wib
from deployments.models import BkoIn, Force, Personnel, Unit

BRIMOB_ORIGIN = "Sat Brimob Polda Jatim (sintetis)"
BRIMOB_SPRIN = "Sprin/2411/XI/OPS.1.3./2024 (sintetis)"
# A platoon (peleton): its commander, three squad leaders, the rest of the ranks.
PLATOON_RANKS = ("Ipda", "Brigpol", "Brigpol", "Brigpol", *("Bripda",) * 14, *("Bharada",) * 12)
# Month 13 of the NRP's birth-month digits: no demo NRP (YYMM of birth + 4) can be one of these.
NRP_PREFIX = "9813"


@transaction.atomic
def brimob_platoon_attach(
    *,
    unit: Unit,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> list[BkoIn]:
    """The platoon's BKO masuk rows, people and periods made if missing; by default from the
    start of H-1 (26 Nov) to the end of H+1 (28 Nov)."""
    starts_at = starts_at or wib(11, 26)
    ends_at = ends_at or wib(11, 29)
    periods = []
    for number, rank in enumerate(PLATOON_RANKS, start=1):
        person, _made = Personnel.objects.get_or_create(
            force=Force.POLRI,
            identifier=f"{NRP_PREFIX}{number:04d}",
            defaults={"unit": unit, "rank": rank, "name": f"Brimob Sintetis {number:02d}"},
        )
        period, _made = BkoIn.objects.get_or_create(
            personnel=person,
            starts_at=starts_at,
            defaults={
                "ends_at": ends_at,
                "origin_unit": BRIMOB_ORIGIN,
                "sprin_number": BRIMOB_SPRIN,
                "sprin_date": date(2024, 11, 20),
                "note": "Data sintetis untuk demo.",
            },
        )
        periods.append(period)
    return periods
