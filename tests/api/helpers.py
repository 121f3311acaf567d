"""Builders for the read API tests, beside tests/factories.py (which sets only what is required)."""

import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from deployments.models import Assignment, Personnel
from tests.factories import ELECTION_DAY_9AM as _ELECTION_DAY_9AM
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    KecamatanFactory,
    LinmasFactory,
    PersonnelFactory,
    SatlinmasFactory,
)
from tps.models import TPS, Desa, Kerawanan

WIB = ZoneInfo("Asia/Jakarta")
ELECTION_DAY_9AM = _ELECTION_DAY_9AM  # re-exported: tests import it from here


def polri_pair_covering(stations: list[TPS], **assignment) -> list[Personnel]:
    """Two Polri officers sharing one Pam TPS duty over the stations (the 2-per-4 pattern)."""
    officers = PersonnelFactory.create_batch(2)
    for officer in officers:
        AssignmentFactory(personnel=officer, tps=stations, **assignment)
    return officers


def linmas_pair_at(station: TPS, **assignment) -> list[Personnel]:
    """The two Linmas of the station's own desa guarding it."""
    unit = SatlinmasFactory(desa=station.desa)
    guards = LinmasFactory.create_batch(2, unit=unit)
    for guard in guards:
        AssignmentFactory(personnel=guard, tps=[station], **assignment)
    return guards


def tps_batch(count: int, *, desa_count: int, kecamatan_code: str = "357101") -> list[TPS]:
    """`count` TPS spread over `desa_count` desa of one kecamatan, with realistic coordinates.

    Bulk inserts, so that a realistic 839 stays fast; coordinates have the six decimals the
    model stores, which is the size the map layer must carry.
    """
    kecamatan = KecamatanFactory(code=kecamatan_code)
    desa = Desa.objects.bulk_create(
        Desa(
            kecamatan=kecamatan,
            code=f"{kecamatan_code}{2001 + i:04d}",
            name=f"Desa {i:03d}",
            kind=Desa.Kind.DESA,
        )
        for i in range(desa_count)
    )
    randomness = random.Random(839)
    classes = [Kerawanan.KURANG_RAWAN] * 95 + [Kerawanan.RAWAN] * 4 + [Kerawanan.SANGAT_RAWAN]
    stations = [
        TPS(
            desa=desa[i % desa_count],
            number=i // desa_count + 1,
            latitude=Decimal(f"{randomness.uniform(-7.95, -7.70):.6f}"),
            longitude=Decimal(f"{randomness.uniform(111.85, 112.10):.6f}"),
            registered_voters=randomness.randint(300, 600),
            kerawanan=randomness.choice(classes),
        )
        for i in range(count)
    ]
    return TPS.objects.bulk_create(stations)


def one_desa(code: str = "3571011001", name: str = "Bandar Lor") -> Desa:
    return DesaFactory(kecamatan=KecamatanFactory(code=code[:6]), code=code, name=name)


def cancel(assignment: Assignment) -> None:
    assignment.status = Assignment.Status.CANCELLED
    assignment.save(update_fields=["status"])
