"""What the database refuses by itself, whatever writes the row (a bug, a shell, a migration)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from field.models import LogisticsFlag, LogisticsLeg, LogisticsVehicle
from tests.factories import (
    ELECTION_DAY_9AM,
    LogisticsBatchFactory,
    LogisticsLegFactory,
    LogisticsPlaceFactory,
)
from tests.logistics.conftest import legs

pytestmark = pytest.mark.django_db
NINE = ELECTION_DAY_9AM


def _refused(**changes):
    leg = LogisticsLegFactory()
    for name, value in changes.items():
        setattr(leg, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        leg.save()


def test_refuses_arrival_before_departure():
    _refused(departed_at=NINE, sent_boxes=1, sent_ballots=1, arrived_at=NINE - timedelta(minutes=1))


def test_refuses_arrival_without_departure():
    _refused(arrived_at=NINE)


def test_refuses_handover_without_arrival():
    _refused(
        departed_at=NINE,
        sent_boxes=1,
        sent_ballots=1,
        handed_over_at=NINE,
        received_boxes=1,
        received_ballots=1,
        received_by_name="Ketua PPK",
    )


def test_refuses_handover_without_counts_or_receiver():
    common = {"departed_at": NINE, "sent_boxes": 1, "sent_ballots": 1, "arrived_at": NINE}
    _refused(**common, handed_over_at=NINE, received_by_name="Ketua PPK")
    _refused(**common, handed_over_at=NINE, received_boxes=1, received_ballots=1)


def test_refuses_negative_counts():
    _refused(departed_at=NINE, sent_boxes=-1, sent_ballots=1)
    batch = LogisticsBatchFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(batch).objects.filter(pk=batch.pk).update(ballots=-1)


def test_refuses_a_plan_ending_before_it_starts():
    _refused(planned_arrival=NINE - timedelta(hours=3))


def test_refuses_a_place_position_out_of_range():
    # An incident copies it (incident_place): field_incident_position_complete would refuse it
    # there, in the middle of recording an arrival.
    with (
        pytest.raises(IntegrityError, match="field_logisticsplace_position_complete"),
        transaction.atomic(),
    ):
        LogisticsPlaceFactory(latitude=Decimal("95.000000"))


def test_refuses_a_second_leg_with_the_same_order(batch):
    first = legs(batch)[0]

    with pytest.raises(IntegrityError), transaction.atomic():
        LogisticsLeg.objects.create(
            batch=batch,
            order=first.order,
            origin=first.destination,
            destination=first.origin,
            planned_departure=NINE,
            planned_arrival=NINE + timedelta(hours=1),
        )


def test_refuses_a_plate_of_another_shape(batch):
    LogisticsVehicle.objects.create(batch=batch, plate="AG 1234 XY")

    with pytest.raises(IntegrityError), transaction.atomic():
        LogisticsVehicle.objects.create(batch=batch, plate="AG-1234")


def test_refuses_a_second_flag_for_the_same_leg_and_reason(batch):
    from field.logistics.services import logistics_flag_raise

    first, second = legs(batch)[:2]
    logistics_flag_raise(leg=first, reason="terlambat", at=NINE)
    # An incident no flag holds, so that only the leg-and-reason rule can refuse the row.
    other, _ = logistics_flag_raise(leg=second, reason="terlambat", at=NINE)
    incident = other.incident
    other.delete()

    # PostgreSQL names the constraint, SQLite its columns.
    refusal = "field_logisticsflag_unique|field_logisticsflag.leg_id, field_logisticsflag.reason"
    with pytest.raises(IntegrityError, match=refusal), transaction.atomic():
        LogisticsFlag.objects.create(
            leg=first, reason="terlambat", raised_at=NINE, incident=incident
        )
