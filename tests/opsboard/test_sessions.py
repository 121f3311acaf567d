"""How long a signed-in session lasts, by role (real time, never the operation clock)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deployments.models import Phase
from tests.factories import AssignmentFactory, LinmasFactory, OperationFactory, TPSFactory

PASSWORD = "test-Pass-2024"


def current_phase(now, *, days: int) -> Phase:
    """A phase under way in real time (the demo's phases are in 2024)."""
    phase = OperationFactory(name="Operasi uji sesi").phases.get(code="pemungutan")
    phase.starts_at, phase.ends_at = now - timedelta(days=1), now + timedelta(days=days)
    phase.save()
    return phase


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.session


@pytest.mark.django_db
def test_command_staff_session_expires_after_twelve_idle_hours(client, command_staff):
    session = sign_in(client, command_staff)

    assert session.get_expiry_age() == 12 * 60 * 60
    assert session.get_expire_at_browser_close() is False


@pytest.mark.django_db
def test_field_officer_stays_signed_in_to_the_end_of_the_current_assignment(client):
    now = timezone.now()
    phase = current_phase(now, days=5)
    person = LinmasFactory()
    AssignmentFactory(
        personnel=person,
        phase=phase,
        tps=[TPSFactory()],
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=30),
    )
    from deployments.services import personnel_account_create

    user = personnel_account_create(personnel=person, password=PASSWORD)

    session = sign_in(client, user)

    assert abs(session.get_expiry_date() - (now + timedelta(hours=30))) < timedelta(minutes=1)


@pytest.mark.django_db
def test_field_officer_session_never_exceeds_four_days(client):
    now = timezone.now()
    phase = current_phase(now, days=20)
    person = LinmasFactory()
    AssignmentFactory(
        personnel=person,
        phase=phase,
        tps=[TPSFactory()],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=15),
    )
    from deployments.services import personnel_account_create

    user = personnel_account_create(personnel=person, password=PASSWORD)

    session = sign_in(client, user)

    assert abs(session.get_expiry_date() - (now + timedelta(days=4))) < timedelta(minutes=1)


@pytest.mark.django_db
def test_field_officer_without_a_current_assignment_gets_the_ordinary_expiry(client, field_officer):
    # The fixture's assignment is on election day 2024: long past in real time.
    session = sign_in(client, field_officer)

    assert abs(session.get_expiry_date() - (timezone.now() + timedelta(hours=12))) < timedelta(
        minutes=1
    )
