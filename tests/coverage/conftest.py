import pytest

from deployments.models import Force
from tests.factories import OperationFactory, SecurityPatternFactory


@pytest.fixture
def operation(db):
    return OperationFactory()


@pytest.fixture
def demo_pattern(operation):
    """The demo's pattern [est]: kurang rawan 2 Polri per 4 TPS, rawan 2 per 2, sangat rawan 2
    per 1; Linmas 2 per TPS in every class; nothing of the TNI."""
    rows = [
        ("kurang_rawan", Force.POLRI, 2, 4),
        ("rawan", Force.POLRI, 2, 2),
        ("sangat_rawan", Force.POLRI, 2, 1),
        ("khusus", Force.POLRI, 2, 1),
    ]
    rows += [(c, Force.LINMAS, 2, 1) for c in ("kurang_rawan", "rawan", "sangat_rawan", "khusus")]
    return [
        SecurityPatternFactory(
            operation=operation, kerawanan=k, force=f, personnel_count=p, tps_count=t
        )
        for k, f, p, t in rows
    ]
