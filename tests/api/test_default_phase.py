"""deployments.selectors.default_phase: the phase the dashboard shows unless asked."""

from datetime import datetime

import pytest

from deployments.selectors import current_operation, default_phase
from tests.api.helpers import WIB
from tests.factories import OperationFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 8, 13, 10, 0, tzinfo=WIB), "pra_operasi"),
        (datetime(2024, 11, 25, 23, 59, tzinfo=WIB), "masa_tenang"),
        (datetime(2024, 11, 26, 0, 0, tzinfo=WIB), "pemungutan"),
        (datetime(2024, 12, 31, 23, 59, tzinfo=WIB), "pasca"),
        (datetime(2024, 6, 1, 0, 0, tzinfo=WIB), "pemungutan"),
        (datetime(2025, 1, 1, 0, 0, tzinfo=WIB), "pemungutan"),
    ],
)
def test_is_the_phase_under_way_else_pemungutan(moment, expected):
    OperationFactory()

    phase = default_phase(current_operation(with_phases=True), moment)

    assert phase.code == expected


@pytest.mark.django_db
def test_is_none_without_an_operation():
    assert default_phase(current_operation(), datetime(2024, 11, 27, tzinfo=WIB)) is None


@pytest.mark.django_db
def test_reads_the_phases_once_from_the_prefetch(django_assert_num_queries):
    OperationFactory()

    # 1 operation, 2 its phases; default_phase itself adds none.
    with django_assert_num_queries(2):
        default_phase(current_operation(with_phases=True), datetime(2024, 11, 27, tzinfo=WIB))
