"""The minimum rest between two shift duties: Assignment.clean in Indonesian, the database on
every write path (migration 0016's trigger), on SQLite as on PostgreSQL."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from deployments.models import Assignment, PostKind
from deployments.services import assignment_create
from tests.concurrency import in_parallel
from tests.factories import PersonnelFactory
from tests.shift_factories import GuardedPostFactory, phase_at, shift_at, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return GuardedPostFactory()


def _duty(person, shift, **kwargs):
    return Assignment(
        personnel=person,
        phase=phase_at(shift.starts_at),
        kind=shift.post.kind,
        post=shift.post,
        shift=shift,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        **kwargs,
    )


def test_clean_refuses_a_shift_too_soon_after_another_in_indonesian(post):
    person = PersonnelFactory(name="Bripka Andi")
    _duty(person, shift_at(post, wib(27, 7))).save()  # 07–15
    evening = shift_at(post, wib(27, 15))  # 15–23, no rest at all

    with pytest.raises(ValidationError, match="harus beristirahat sekurang-kurangnya 8 jam") as err:
        _duty(person, evening).full_clean()

    assert "Bripka Andi" in str(err.value)


def test_eight_hours_of_rest_is_enough(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()  # 07–15

    _duty(person, shift_at(post, wib(27, 23))).full_clean()  # 23–07: 8 h after


def test_the_database_refuses_a_duty_too_soon_on_a_direct_write(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()
    evening = shift_at(post, wib(27, 15))

    with transaction.atomic(), pytest.raises(IntegrityError, match="deployments_assignment_rest"):
        _duty(person, evening).save()

    assert Assignment.objects.filter(personnel=person).count() == 1


def test_the_database_refuses_moving_a_duty_too_close_by_update(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()
    later = _duty(person, shift_at(post, wib(28, 7)))
    later.save()
    evening = shift_at(post, wib(27, 15))

    with transaction.atomic(), pytest.raises(IntegrityError, match="deployments_assignment_rest"):
        Assignment.objects.filter(pk=later.pk).update(
            shift=evening, starts_at=evening.starts_at, ends_at=evening.ends_at
        )

    later.refresh_from_db()
    assert later.starts_at == wib(28, 7)


def test_the_service_gives_the_indonesian_message(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()
    evening = shift_at(post, wib(27, 15))

    with pytest.raises(ValidationError, match="harus beristirahat"):
        assignment_create(
            personnel=person,
            phase=phase_at(evening.starts_at),
            kind=post.kind,
            post=post,
            starts_at=evening.starts_at,
            ends_at=evening.ends_at,
            shift=evening,
        )

    assert Assignment.objects.filter(personnel=person).count() == 1


def test_duties_without_a_shift_are_not_held_to_it(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()

    Assignment.objects.create(
        personnel=person,
        phase=phase_at(wib(27, 15)),
        kind=PostKind.PATROLI,
        post=GuardedPostFactory(kind=PostKind.PATROLI),
        starts_at=wib(27, 15),
        ends_at=wib(27, 20),
    )


def test_a_cancelled_duty_needs_no_rest(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()

    _duty(person, shift_at(post, wib(27, 15)), status=Assignment.Status.CANCELLED).save()


@override_settings(SHIFT_MIN_REST_HOURS=12)
def test_the_database_reads_the_setting(post):
    person = PersonnelFactory()
    _duty(person, shift_at(post, wib(27, 7))).save()
    if connection.vendor == "postgresql":
        # The session parameter is set at connect (settings.py); a test changes it in place.
        with connection.cursor() as cursor:
            cursor.execute("SET opsboard.shift_min_rest_hours = 12")

    try:
        with transaction.atomic(), pytest.raises(IntegrityError):
            _duty(person, shift_at(post, wib(27, 23))).save()  # 8 h after: not 12
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET opsboard.shift_min_rest_hours")


@pytest.mark.services  # two sessions at once: the trigger's lock on the person (migration 0016)
@pytest.mark.django_db(transaction=True)
def test_two_sessions_cannot_each_write_a_shift_too_close_to_the_others():
    post = GuardedPostFactory()
    person = PersonnelFactory()
    morning, evening = shift_at(post, wib(27, 7)), shift_at(post, wib(27, 15))

    def write(duty):
        def call():
            with transaction.atomic():
                duty.save()
                time.sleep(0.3)  # still uncommitted while the other writes
            return duty

        return call

    outcomes = in_parallel(write(_duty(person, morning)), write(_duty(person, evening)))

    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == 1, outcomes
    assert "deployments_assignment_rest" in str(refused[0])
    assert Assignment.objects.filter(personnel=person).count() == 1
