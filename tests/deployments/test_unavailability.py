"""An unavailable person cannot be assigned over their unavailable period (issue #18)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.models import Assignment, Unavailability
from deployments.services.assignments import assignment_save
from tests.factories import AssignmentFactory, PersonnelFactory, phase

pytestmark = pytest.mark.django_db


def _sick(person, ph):
    return Unavailability.objects.create(
        personnel=person,
        kind=Unavailability.Kind.SICK,
        starts_at=ph.starts_at,
        ends_at=ph.starts_at + timedelta(hours=6),
        reason="demam",
    )


def test_model_validation_refuses_overlapping_duty_in_indonesian():
    ph = phase()
    person = PersonnelFactory()
    _sick(person, ph)
    draft = AssignmentFactory.build(personnel=person, phase=ph)
    with pytest.raises(ValidationError, match="tidak tersedia"):
        draft.full_clean()


def test_duty_after_the_period_is_allowed():
    ph = phase()
    person = PersonnelFactory()
    sick = _sick(person, ph)
    draft = AssignmentFactory.build(
        personnel=person, phase=ph, starts_at=sick.ends_at, ends_at=ph.ends_at
    )
    draft.full_clean(exclude=["personnel"])


def test_database_refuses_a_write_that_skips_validation():
    # The trigger of migration 0011 on PostgreSQL, of 0013 on SQLite.
    ph = phase()
    person = PersonnelFactory()
    _sick(person, ph)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(personnel=person, phase=ph)
    assert not Assignment.objects.filter(personnel=person).exists()


def test_service_save_turns_the_trigger_into_an_indonesian_message():
    ph = phase()
    person = PersonnelFactory()
    _sick(person, ph)
    draft = AssignmentFactory.build(personnel=person, phase=ph, kind="pam_tps")
    with pytest.raises(ValidationError, match="tidak tersedia"):
        assignment_save(draft, tps=None)
    assert not Assignment.objects.filter(personnel=person).exists()


def test_a_period_over_a_duty_the_person_holds_is_refused_naming_the_duty():
    ph = phase()
    duty = AssignmentFactory(phase=ph)
    period = Unavailability(
        personnel=duty.personnel,
        kind=Unavailability.Kind.LEAVE,
        starts_at=duty.starts_at - timedelta(hours=1),
        ends_at=duty.starts_at + timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="masih bertugas") as refused:
        period.full_clean()
    assert refused.value.error_dict["__all__"][0].code == "on_duty"


def test_a_cancelled_duty_does_not_stand_in_the_way():
    ph = phase()
    duty = AssignmentFactory(phase=ph, status=Assignment.Status.CANCELLED)
    Unavailability(
        personnel=duty.personnel,
        kind=Unavailability.Kind.SICK,
        starts_at=duty.starts_at,
        ends_at=duty.ends_at,
    ).full_clean()
