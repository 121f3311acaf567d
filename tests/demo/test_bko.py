"""The demo's BKO contingent (demo/bko.py): a synthetic Brimob platoon attached for the voting
days, counted in the unit it joins with its origin, assignable only inside its period."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from demo.bko import BRIMOB_ORIGIN, PLATOON_RANKS, brimob_platoon_attach
from deployments.ledger import strength_by_unit
from deployments.models import BkoIn, Personnel
from tests.factories import ELECTION_DAY_9AM, AssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_platoon_is_attached_once_and_counted_with_its_origin(election_day, command_staff):
    samapta = UnitFactory(code="sat-samapta", name="Sat Samapta")

    periods = brimob_platoon_attach(unit=samapta)
    again = brimob_platoon_attach(unit=samapta)

    assert len(periods) == len(PLATOON_RANKS) == 30
    assert [p.pk for p in again] == [p.pk for p in periods]
    assert BkoIn.objects.count() == Personnel.objects.filter(unit=samapta).count() == 30
    [row] = strength_by_unit(command_staff, at=ELECTION_DAY_9AM)
    assert (row.label, row.paper, row.bko_in) == ("Sat Samapta", 30, 30)
    assert row.origin_list == [(BRIMOB_ORIGIN, 30)]
    assert "sintetis" in periods[0].sprin_number and "Sintetis" in periods[0].personnel.name


def test_a_duty_of_the_platoon_after_its_period_is_refused(election_day):
    [first, *_] = brimob_platoon_attach(unit=UnitFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(
            personnel=first.personnel,
            starts_at=first.ends_at - timedelta(hours=1),
            ends_at=first.ends_at + timedelta(hours=1),
        )
