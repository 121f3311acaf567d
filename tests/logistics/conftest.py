"""A distribution batch of Mojoroto: KPU warehouse → PPK Mojoroto (07.00–08.00 WIB) → PPS of a
desa (08.30–09.30 WIB), the operation clock at 09.00 WIB on election day."""

from datetime import timedelta

import pytest

from tests.factories import (
    ELECTION_DAY_9AM,
    DesaFactory,
    LogisticsBatchFactory,
    LogisticsLegFactory,
    LogisticsPlaceFactory,
)

NINE = ELECTION_DAY_9AM


@pytest.fixture
def clock(settings):
    settings.OPSBOARD_NOW = NINE
    settings.LOGISTICS_LATE_GRACE_MINUTES = 30
    return settings


@pytest.fixture
def batch(mojoroto, clock):
    warehouse = LogisticsPlaceFactory(name="Gudang KPU Kota Kediri")
    ppk = LogisticsPlaceFactory(kind="ppk", name="PPK Mojoroto", kecamatan=mojoroto)
    desa = DesaFactory(kecamatan=mojoroto, name="Bandar Lor")
    pps = LogisticsPlaceFactory(
        kind="pps", name="PPS Bandar Lor", desa=desa, latitude=None, longitude=None
    )
    batch = LogisticsBatchFactory(kecamatan=mojoroto, code="MJR-D-01", boxes=10, ballots=5000)
    LogisticsLegFactory(
        batch=batch,
        order=1,
        origin=warehouse,
        destination=ppk,
        planned_departure=NINE - timedelta(hours=2),
        planned_arrival=NINE - timedelta(hours=1),
    )
    LogisticsLegFactory(
        batch=batch,
        order=2,
        origin=ppk,
        destination=pps,
        planned_departure=NINE - timedelta(minutes=30),
        planned_arrival=NINE + timedelta(minutes=30),
    )
    return batch


def legs(batch):
    return list(batch.legs.order_by("order"))
