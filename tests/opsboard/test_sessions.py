"""How long a signed-in session lasts, by role (real time, never the operation clock)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from deployments.models import Phase
from opsboard.sessions import SLID_AT
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


def _stored(client):
    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_a_used_session_is_kept_alive_but_written_at_most_once_a_minute(
    client, command_staff, monkeypatch
):
    sign_in(client, command_staff)
    signed_in = _stored(client)
    later = time.time() + 30
    monkeypatch.setattr("opsboard.sessions.time.time", lambda: later)

    client.get("/")
    assert _stored(client).expire_date == signed_in.expire_date  # not written again

    later = time.time() + 61
    monkeypatch.setattr("opsboard.sessions.time.time", lambda: later)
    client.get("/")
    slid = _stored(client)
    assert slid.get_decoded()[SLID_AT] == int(later)
    assert slid.expire_date > signed_in.expire_date  # 12 h from this request


@pytest.mark.django_db
def test_a_field_officer_opening_me_writes_no_session(client, field_officer, monkeypatch):
    now = timezone.now()
    phase = current_phase(now, days=5)
    AssignmentFactory(
        personnel=field_officer.personnel,
        phase=phase,
        tps=[TPSFactory()],
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=30),
    )
    sign_in(client, field_officer)
    signed_in = _stored(client)
    later = time.time() + 2 * 60 * 60
    monkeypatch.setattr("opsboard.sessions.time.time", lambda: later)

    assert client.get("/me/").status_code == 200
    assert client.get("/me/").status_code == 200

    stored = _stored(client)
    assert (stored.expire_date, stored.session_data) == (
        signed_in.expire_date,
        signed_in.session_data,
    )


@pytest.mark.django_db
def test_an_anonymous_visit_with_a_stale_cookie_creates_no_session(client):
    client.cookies["sessionid"] = "gone-session-key-0123456789abcdef"

    client.get("/accounts/login/")

    assert not Session.objects.exists()
