"""Places with boundaries, the demo pattern and people of the admin tests."""

import pytest

from deployments.models import Force
from tests.factories import (
    SQUARE,
    DesaFactory,
    LinmasFactory,
    OperationFactory,
    PersonnelFactory,
    PolsekFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    TPSFactory,
)

# Mojoroto in the tests: a square around both desa below.
KECAMATAN_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[111.95, -7.85], [112.05, -7.85], [112.05, -7.78], [111.95, -7.78], [111.95, -7.85]]
    ],
}
# Burengan: the square east of Bandar Lor's (tests.factories.SQUARE).
SQUARE_EAST = {
    "type": "Polygon",
    "coordinates": [
        [[111.99, -7.82], [112.00, -7.82], [112.00, -7.81], [111.99, -7.81], [111.99, -7.82]]
    ],
}


@pytest.fixture
def operation(db):
    return OperationFactory()


@pytest.fixture
def pattern(operation):
    """The demo's pattern [est]: Polri 2 per 4 kurang rawan TPS, 2 per 2 rawan; Linmas 2 per TPS."""
    rows = [
        ("kurang_rawan", Force.POLRI, 2, 4),
        ("rawan", Force.POLRI, 2, 2),
        ("kurang_rawan", Force.LINMAS, 2, 1),
        ("rawan", Force.LINMAS, 2, 1),
    ]
    return [
        SecurityPatternFactory(
            operation=operation, kerawanan=k, force=f, personnel_count=p, tps_count=t
        )
        for k, f, p, t in rows
    ]


@pytest.fixture
def bandar_lor(mojoroto):
    mojoroto.boundary = KECAMATAN_SQUARE
    mojoroto.save()
    return DesaFactory(kecamatan=mojoroto, code="3571011001", name="Bandar Lor", boundary=SQUARE)


@pytest.fixture
def burengan(mojoroto):
    return DesaFactory(kecamatan=mojoroto, code="3571011002", name="Burengan", boundary=SQUARE_EAST)


@pytest.fixture
def tps_006(bandar_lor):
    return TPSFactory(desa=bandar_lor, number=6, latitude="-7.815000", longitude="111.985000")


@pytest.fixture
def tps_burengan(burengan):
    return TPSFactory(desa=burengan, number=6, latitude="-7.815000", longitude="111.995000")


@pytest.fixture
def polsek_mojoroto(mojoroto):
    return PolsekFactory(kecamatan=mojoroto)


@pytest.fixture
def officer(polsek_mojoroto):
    return PersonnelFactory(
        unit=polsek_mojoroto, name="Andi Wijaya", rank="Bripka", identifier="85061234"
    )


@pytest.fixture
def linmas_bandar_lor(bandar_lor):
    return LinmasFactory(
        unit=SatlinmasFactory(desa=bandar_lor), name="Sutrisno", identifier="LM-3571011001-01"
    )


@pytest.fixture
def polsek_editor(polsek_mojoroto):
    """Polsek Mojoroto staff given admin edit rights on TPS, personnel and assignments."""
    from tests.factories import polsek_editor_user

    return polsek_editor_user("polsek.editor", polsek_mojoroto)
