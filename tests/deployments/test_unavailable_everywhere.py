"""An unavailable person is on no duty, whichever is written first and by whatever path
(issue #18): the database refuses a duty over a period and a period over a duty, on PostgreSQL
and SQLite (migrations 0011 and 0013); the admin says so in Indonesian and writes nothing; a
duty and a period written at the same moment by two sessions do not both pass. The import
(tests/admin/test_import_assignments_bulk.py), fill gaps (tests/deployments/test_gaps.py) and
dispatch (tests/field/test_dispatch.py) have their own tests of the same refusal."""

import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from deployments.models import Assignment, Unavailability
from tests.concurrency import in_parallel
from tests.factories import AssignmentFactory, PersonnelFactory, phase

pytestmark = pytest.mark.django_db


def _period(person, starts_at, hours=6, **fields):
    return Unavailability(
        personnel=person,
        kind=Unavailability.Kind.LEAVE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **fields,
    )


def test_the_database_refuses_a_period_over_a_duty_the_person_holds():
    duty = AssignmentFactory(phase=phase())

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        _period(duty.personnel, duty.starts_at + timedelta(hours=1)).save()

    assert "deployments_unavailability_over_duty" in str(refused.value)
    assert not Unavailability.objects.exists()


def test_the_database_refuses_moving_a_period_onto_a_duty():
    duty = AssignmentFactory(phase=phase())
    period = _period(duty.personnel, duty.ends_at)
    period.save()  # after the duty: allowed

    with pytest.raises(IntegrityError), transaction.atomic():
        Unavailability.objects.filter(pk=period.pk).update(starts_at=duty.ends_at - timedelta(1))

    period.refresh_from_db()
    assert period.starts_at == duty.ends_at


def test_the_database_refuses_a_duty_over_a_period_and_reviving_a_cancelled_one():
    ph = phase()
    person = PersonnelFactory()
    cancelled = AssignmentFactory(personnel=person, phase=ph, status=Assignment.Status.CANCELLED)
    _period(person, ph.starts_at).save()  # a cancelled duty does not stand in the way

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        AssignmentFactory(personnel=person, phase=ph)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=cancelled.pk).update(status=Assignment.Status.ACTIVE)

    assert "deployments_assignment_unavailable" in str(refused.value)
    assert list(Assignment.objects.filter(personnel=person)) == [cancelled]


def test_the_admin_refuses_a_period_over_a_duty_in_indonesian(ops_admin, login):
    duty = AssignmentFactory(phase=phase())
    start = duty.starts_at + timedelta(hours=1)

    response = login(ops_admin).post(
        "/admin/deployments/unavailability/add/",
        {
            "personnel": duty.personnel.pk,
            "kind": "sick",
            "starts_at_0": start.strftime("%d/%m/%Y"),
            "starts_at_1": start.strftime("%H:%M"),
            "ends_at_0": (start + timedelta(days=1)).strftime("%d/%m/%Y"),
            "ends_at_1": start.strftime("%H:%M"),
            "reason": "Demam",
        },
    )

    assert response.status_code == 200  # the form again, with its error
    assert "masih bertugas" in response.content.decode()
    assert not Unavailability.objects.exists()


@pytest.mark.services  # two sessions at once: PostgreSQL's row locks (migration 0013)
@pytest.mark.django_db(transaction=True)
def test_a_duty_and_a_period_written_at_the_same_moment_do_not_both_pass():
    ph = phase()
    person = PersonnelFactory()

    def write(instance):
        def call():
            with transaction.atomic():
                instance.save()
                time.sleep(0.3)  # still uncommitted while the other writes
            return instance

        return call

    duty = AssignmentFactory.build(
        personnel=person, phase=ph, starts_at=ph.starts_at, ends_at=ph.ends_at
    )
    outcomes = in_parallel(write(duty), write(_period(person, ph.starts_at)))

    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == 1, outcomes
    assert (
        Assignment.objects.filter(personnel=person).count()
        + (Unavailability.objects.filter(personnel=person).count())
        == 1
    )
