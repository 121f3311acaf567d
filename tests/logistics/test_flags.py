"""Flags: a handover whose counts differ raises exactly one incident; a leg not arrived by its
plan plus the grace is flagged at that clock time and not before (time driven, never slept)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from field.incidents.models import Incident
from field.logistics.services import (
    leg_arrive,
    leg_depart,
    leg_handover,
    logistics_flag_late,
    logistics_flag_raise,
)
from field.models import LogisticsFlag
from tests.logistics.conftest import NINE, legs

pytestmark = pytest.mark.django_db


def _arrived_first_leg(batch, by, clock):
    clock.OPSBOARD_NOW = NINE - timedelta(hours=2)
    first = legs(batch)[0]
    leg_depart(leg=first, by=by, boxes=10, ballots=5000)
    clock.OPSBOARD_NOW = NINE - timedelta(hours=1)
    return leg_arrive(leg=first, by=by)


def test_a_handover_with_mismatched_counts_raises_exactly_one_incident(batch, command_staff, clock):
    first = _arrived_first_leg(batch, command_staff, clock)

    leg_handover(
        leg=first, by=command_staff, boxes=10, ballots=4990, name="Sutrisno", role="Ketua PPK"
    )

    flag = LogisticsFlag.objects.get()
    incident = Incident.objects.get()
    assert (flag.leg_id, flag.reason, flag.incident_id) == (first.pk, "selisih", incident.pk)
    assert incident.incident_class == "gangguan_logistik"
    assert incident.kecamatan_id == batch.kecamatan_id
    assert "MJR-D-01" in incident.title and "4990" in incident.title
    assert incident.reported_at == NINE - timedelta(hours=1)


def test_a_handover_with_matching_counts_raises_nothing(batch, command_staff, clock):
    first = _arrived_first_leg(batch, command_staff, clock)

    leg_handover(leg=first, by=command_staff, boxes=10, ballots=5000, name="Sutrisno")

    assert not LogisticsFlag.objects.exists()
    assert not Incident.objects.exists()


def test_the_mismatch_is_against_what_left_on_that_leg(batch, command_staff, clock):
    first = _arrived_first_leg(batch, command_staff, clock)
    leg_handover(leg=first, by=command_staff, boxes=10, ballots=4990, name="Sutrisno")
    second = legs(batch)[1]
    leg_depart(leg=second, by=command_staff, boxes=10, ballots=4990)
    leg_arrive(leg=second, by=command_staff)

    leg_handover(leg=second, by=command_staff, boxes=10, ballots=4990, name="Ketua PPS")

    assert list(LogisticsFlag.objects.values_list("leg_id", flat=True)) == [first.pk]


def test_raising_the_same_flag_again_opens_no_second_incident(batch):
    leg = legs(batch)[0]

    first, created = logistics_flag_raise(leg=leg, reason="selisih", at=NINE)
    again, created_again = logistics_flag_raise(leg=leg, reason="selisih", at=NINE)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Incident.objects.count() == 1


def test_a_leg_is_late_only_after_its_planned_arrival_plus_the_grace(batch, clock):
    second = legs(batch)[1]  # planned to arrive 09.30; grace 30 minutes
    deadline = second.planned_arrival + timedelta(minutes=30)

    assert logistics_flag_late(deadline - timedelta(minutes=45)) == 1  # the first leg (08.30)
    assert not LogisticsFlag.objects.filter(leg=second).exists()
    assert logistics_flag_late(deadline) == 0  # at 10.00 exactly: not yet
    assert logistics_flag_late(deadline + timedelta(minutes=1)) == 1

    flag = LogisticsFlag.objects.get(leg=second)
    assert flag.reason == "terlambat"
    assert flag.raised_at == deadline + timedelta(minutes=1)
    assert flag.incident.incident_class == "gangguan_logistik"
    assert flag.incident.desa_id == second.destination.desa_id


def test_the_late_check_reads_the_operation_clock_and_the_grace_setting(batch, clock):
    clock.LOGISTICS_LATE_GRACE_MINUTES = 0
    clock.OPSBOARD_NOW = NINE - timedelta(hours=1)  # the first leg's planned arrival

    assert logistics_flag_late() == 0

    clock.OPSBOARD_NOW += timedelta(seconds=1)
    assert logistics_flag_late() == 1


def test_the_late_check_is_idempotent(batch, clock):
    later = NINE + timedelta(hours=3)

    assert logistics_flag_late(later) == 2
    assert logistics_flag_late(later) == 0
    assert logistics_flag_late(later + timedelta(hours=1)) == 0

    assert Incident.objects.count() == 2


def test_an_arrived_leg_is_not_flagged_late(batch, command_staff, clock):
    _arrived_first_leg(batch, command_staff, clock)

    logistics_flag_late(NINE)

    assert not LogisticsFlag.objects.exists()


def test_arriving_after_the_grace_flags_the_leg_once_even_if_the_beat_did(
    batch, command_staff, clock
):
    clock.OPSBOARD_NOW = NINE - timedelta(hours=2)
    first = legs(batch)[0]
    leg_depart(leg=first, by=command_staff, boxes=10, ballots=5000)
    clock.OPSBOARD_NOW = NINE
    logistics_flag_late()

    leg_arrive(leg=first, by=command_staff)

    assert LogisticsFlag.objects.filter(leg=first, reason="terlambat").count() == 1
    assert Incident.objects.count() == 1


def test_a_refused_step_writes_nothing(batch, command_staff, clock):
    first, second = legs(batch)

    with pytest.raises(ValidationError, match="belum tiba"):
        leg_depart(leg=second, by=command_staff, boxes=10, ballots=5000)
    with pytest.raises(ValidationError, match="kedatangan"):
        leg_handover(leg=first, by=command_staff, boxes=10, ballots=4000, name="X")
    with pytest.raises(ValidationError, match="jam operasi"):
        leg_depart(
            leg=first, by=command_staff, boxes=10, ballots=5000, at=NINE + timedelta(hours=1)
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.departed_at is None and second.departed_at is None
    assert not LogisticsFlag.objects.exists() and not Incident.objects.exists()


def test_the_beat_task_is_scheduled_and_calls_the_check(batch, clock, settings):
    from field.tasks import flag_late_logistics_task

    clock.OPSBOARD_NOW = NINE + timedelta(hours=3)

    assert (
        settings.CELERY_BEAT_SCHEDULE["flag-late-logistics"]["task"]
        == flag_late_logistics_task.name
    )
    assert flag_late_logistics_task() == 2
