"""The database refuses a turnout figure outside 0..(DPT + additions), whatever writes it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from field.models import TurnoutReport
from tests.factories import TPSFactory

pytestmark = pytest.mark.django_db


def _report(tps, voters_used, max_voters):
    return TurnoutReport.objects.create(
        tps=tps,
        source=TurnoutReport.Source.POSKO,
        voters_used=voters_used,
        dpt=tps.registered_voters,
        max_voters=max_voters,
        reported_at=timezone.now(),
    )


def test_figure_within_bound_is_stored():
    tps = TPSFactory(registered_voters=300)
    _report(tps, 306, 306)
    assert TurnoutReport.objects.get().voters_used == 306


@pytest.mark.parametrize("voters_used", [-1, 307])
def test_figure_outside_bound_is_refused_by_the_db(voters_used):
    tps = TPSFactory(registered_voters=300)
    with pytest.raises(IntegrityError), transaction.atomic():
        _report(tps, voters_used, 306)
    assert not TurnoutReport.objects.exists()


def test_bound_below_dpt_is_refused_by_the_db():
    tps = TPSFactory(registered_voters=300)
    with pytest.raises(IntegrityError), transaction.atomic():
        _report(tps, 10, 299)
