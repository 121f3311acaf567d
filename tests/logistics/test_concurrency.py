"""Two handovers of one leg, and two late checks, at the same moment on PostgreSQL: one
handover, one flag, one incident. Each runs in its own thread, connection and transaction,
released together by a barrier; the leg's row lock makes the second wait and then see the first."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from field.incidents.models import Incident
from field.logistics.services import leg_arrive, leg_depart, leg_handover, logistics_flag_late
from field.models import LogisticsFlag
from tests.concurrency import in_parallel
from tests.logistics.conftest import NINE, legs

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_operators_recording_one_short_handover_make_one_incident(batch, command_staff, clock):
    first = legs(batch)[0]
    clock.OPSBOARD_NOW = NINE - timedelta(hours=2)
    leg_depart(leg=first, by=command_staff, boxes=10, ballots=5000)
    clock.OPSBOARD_NOW = NINE - timedelta(hours=1)
    leg_arrive(leg=first, by=command_staff)

    def hand_over():
        return leg_handover(leg=first, by=command_staff, boxes=9, ballots=5000, name="Sutrisno")

    outcomes = in_parallel(hand_over, hand_over)

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert LogisticsFlag.objects.filter(leg=first, reason="selisih").count() == 1
    assert Incident.objects.count() == 1


def test_two_late_checks_at_once_make_one_incident_per_leg(batch, clock):
    later = NINE + timedelta(hours=3)

    outcomes = in_parallel(lambda: logistics_flag_late(later), lambda: logistics_flag_late(later))

    assert sum(outcomes) == 2, outcomes
    assert LogisticsFlag.objects.count() == 2
    assert Incident.objects.count() == 2
