"""record_roll_call: the database's rules, who may call the roll of whom and when, and the
check-ins that count as present (docs/rollcall.md)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from field.rollcall.models import RollCall
from field.rollcall.rules import commander_of
from field.rollcall.selectors import with_call_state
from field.rollcall.services import RollCallRefused, record_roll_call
from tests.factories import ELECTION_DAY_9AM
from tests.field.rollcall_helpers import check_in, posko_operator, rollcall_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(election_day, tps_a):
    return rollcall_scene(tps_a)


def _duty(scene, key):
    return scene["duty"][scene[key].pk]


# The database


def test_the_database_keeps_one_entry_per_duty(scene):
    duty = _duty(scene, "member")
    RollCall.objects.create(duty=duty, status="present", source="posko", at=ELECTION_DAY_9AM)

    with pytest.raises(IntegrityError), transaction.atomic():
        RollCall.objects.create(duty=duty, status="absent", source="posko", at=ELECTION_DAY_9AM)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "late"},  # late without its minutes
        {"status": "late", "late_minutes": 0},
        {"status": "present", "late_minutes": 5},  # minutes only for the late
        {"status": "sick"},
        {"status": "present", "source": "rumour"},
    ],
)
def test_the_database_refuses_an_entry_that_breaks_a_rule(scene, fields):
    values = {"source": "posko", "at": ELECTION_DAY_9AM, **fields}

    with pytest.raises(IntegrityError), transaction.atomic():
        RollCall.objects.create(duty=_duty(scene, "member"), **values)


# The commander


def test_the_commander_of_a_shift_is_its_highest_ranking_polri(scene):
    assert commander_of(_duty(scene, "linmas")) == scene["commander"].pk
    assert commander_of(_duty(scene, "member")) == scene["commander"].pk


def test_the_commander_of_a_tps_is_the_senior_of_its_polri_pair(scene):
    linmas_duty = scene["pam"][scene["tps_linmas"][0].pk]

    assert commander_of(linmas_duty) == scene["guard_one"].pk  # Bripka over Brigpol


def test_the_commander_records_present_absent_and_late(scene):
    commander = scene["commander"].user

    present = record_roll_call(recorder=commander, duty=_duty(scene, "member"), status="present")
    late = record_roll_call(recorder=commander, duty=_duty(scene, "linmas"), status="late")

    assert (present.status, present.source, present.recorded_by) == (
        "present",
        "commander",
        commander,
    )
    # The shift began at 08.00 and the clock is at 09.00: late by an hour.
    assert (late.status, late.late_minutes) == ("late", 60)


def test_a_correction_overwrites_the_entry_and_keeps_the_history(scene):
    commander, duty = scene["commander"].user, _duty(scene, "member")
    record_roll_call(recorder=commander, duty=duty, status="absent")

    record_roll_call(recorder=commander, duty=duty, status="late", late_minutes=25)

    entry = RollCall.objects.get(duty=duty)
    assert (entry.status, entry.late_minutes) == ("late", 25)
    assert [h.status for h in entry.history.order_by("history_date")] == ["absent", "late"]
    assert {h.history_user for h in entry.history.all()} == {commander}


def test_another_officer_of_the_shift_may_not_call_the_roll(scene):
    with pytest.raises(RollCallRefused) as refused:
        record_roll_call(
            recorder=scene["member"].user, duty=_duty(scene, "linmas"), status="absent"
        )

    assert refused.value.status == 403
    assert "komandan pos" in refused.value.message
    assert not RollCall.objects.exists()


def test_a_commander_may_not_call_another_posts_roll(scene):
    with pytest.raises(RollCallRefused):
        record_roll_call(
            recorder=scene["commander"].user,
            duty=scene["pam"][scene["tps_linmas"][0].pk],
            status="absent",
        )

    assert not RollCall.objects.exists()


def test_the_commander_calls_only_inside_the_window(scene, settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM + timedelta(hours=3, minutes=1)  # 4 h 1 min after

    with pytest.raises(RollCallRefused) as refused:
        record_roll_call(
            recorder=scene["commander"].user, duty=_duty(scene, "member"), status="present"
        )

    assert refused.value.status == 422
    assert "hanya dapat dicatat dari" in refused.value.message
    assert not RollCall.objects.exists()


def test_late_before_the_apel_began_needs_its_minutes(scene, settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM - timedelta(minutes=90)  # 30 min before 08.00

    with pytest.raises(RollCallRefused) as refused:
        record_roll_call(
            recorder=scene["commander"].user, duty=_duty(scene, "member"), status="late"
        )

    assert refused.value.status == 422
    assert not RollCall.objects.exists()


def test_an_unknown_status_is_refused(scene):
    with pytest.raises(RollCallRefused) as refused:
        record_roll_call(
            recorder=scene["commander"].user, duty=_duty(scene, "member"), status="sick"
        )

    assert refused.value.status == 422


# The Posko


def test_polsek_staff_of_the_kecamatan_record_from_the_posko(scene, polsek_staff, settings):
    posko_operator(polsek_staff)
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM + timedelta(hours=6)  # after the window, in the shift

    entry = record_roll_call(recorder=polsek_staff, duty=_duty(scene, "member"), status="absent")

    assert (entry.source, entry.recorded_by) == ("posko", polsek_staff)


def test_polsek_staff_of_another_kecamatan_may_not(scene, polsek_staff_other):
    posko_operator(polsek_staff_other)

    with pytest.raises(RollCallRefused) as refused:
        record_roll_call(recorder=polsek_staff_other, duty=_duty(scene, "member"), status="absent")

    assert refused.value.status == 403
    assert not RollCall.objects.exists()


def test_command_staff_need_the_posko_right(scene, command_staff):
    with pytest.raises(RollCallRefused):
        record_roll_call(recorder=command_staff, duty=_duty(scene, "member"), status="absent")

    posko_operator(command_staff)
    del command_staff._perm_cache, command_staff._user_perm_cache
    assert record_roll_call(recorder=command_staff, duty=_duty(scene, "member"), status="absent")


# Check-ins


def _state(duty):
    row = with_call_state(type(duty).objects.filter(pk=duty.pk)).get()
    return row.rc_status, row.checked_in


def test_a_checkin_near_the_start_counts_as_present_until_an_entry_says_otherwise(scene):
    linmas, duty = scene["tps_linmas"][0], scene["pam"][scene["tps_linmas"][0].pk]
    check_in(linmas, scene["tps"], ELECTION_DAY_9AM - timedelta(minutes=20))

    assert _state(duty) == (None, True)

    record_roll_call(recorder=scene["guard_one"].user, duty=duty, status="absent")
    assert _state(duty) == ("absent", True)  # the entry rules


def test_a_checkin_outside_the_window_does_not_count(scene):
    linmas, duty = scene["tps_linmas"][0], scene["pam"][scene["tps_linmas"][0].pk]
    # The Linmas's duty starts 08.30: the window opens 07.30.
    check_in(linmas, scene["tps"], ELECTION_DAY_9AM - timedelta(minutes=95))
    check_in(scene["tps_linmas"][1], scene["tps"], ELECTION_DAY_9AM - timedelta(minutes=20))

    assert _state(duty) == (None, False)
