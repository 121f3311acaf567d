"""Is a TPS where it says it is? tps.geo.check_point and TPS.clean."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SQUARE, DesaFactory, KecamatanFactory, TPSFactory
from tps.geo import PointCheck, check_point, distance_metres

# SQUARE spans 111.98–111.99 E, 7.81–7.82 S; a kecamatan around it twice as wide.
KECAMATAN = {
    "type": "Polygon",
    "coordinates": [
        [[111.97, -7.83], [112.00, -7.83], [112.00, -7.80], [111.97, -7.80], [111.97, -7.83]]
    ],
}


@pytest.fixture
def desa(db):
    return DesaFactory(kecamatan=KecamatanFactory(boundary=KECAMATAN), boundary=SQUARE)


def test_distance_is_zero_inside_and_metres_outside():
    assert distance_metres(SQUARE, -7.815, 111.985) == 0
    # 0.001° of longitude at 7.8° S is about 110 m.
    assert distance_metres(SQUARE, -7.815, 111.991) == pytest.approx(110, rel=0.02)


@pytest.mark.parametrize(
    ("lat", "lng", "verdict"),
    [
        (-7.815, 111.985, PointCheck.INSIDE),
        (-7.815, 111.9903, PointCheck.INSIDE),  # ~33 m outside: the slivers between desa
        (-7.815, 111.995, PointCheck.KECAMATAN),  # outside the desa, inside its kecamatan
        (-7.700, 111.985, PointCheck.OUTSIDE),
    ],
)
def test_point_verdicts(desa, lat, lng, verdict):
    assert check_point(desa, lat, lng).verdict == verdict


def test_areas_without_boundaries_are_not_checked(db):
    assert check_point(DesaFactory(boundary=None), -7.0, 110.0).verdict == PointCheck.UNCHECKED


def test_tps_outside_its_kecamatan_is_refused_with_a_message(desa):
    tps = TPSFactory.build(
        desa=desa, number=1, latitude=Decimal("-7.700000"), longitude=Decimal("111.985000")
    )

    with pytest.raises(ValidationError) as excinfo:
        tps.full_clean()

    assert "di luar" in str(excinfo.value)


def test_tps_inside_its_kecamatan_but_outside_the_desa_is_kept_with_a_warning(desa):
    tps = TPSFactory.build(
        desa=desa, number=1, latitude=Decimal("-7.815000"), longitude=Decimal("111.995000")
    )

    tps.full_clean()

    assert tps.point_check().is_warning
