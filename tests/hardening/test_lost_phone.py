"""A lost phone is signed out at once: revoking the person's card, printing them a new one, or
"keluarkan ponsel" ends the sessions their phones signed in with, instead of leaving the team's
phone numbers on /me/ for up to FIELD_SESSION_MAX."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from field.models import FieldSession, SignInLink, token_digest
from field.services import field_sessions_end, signin_link_issue
from tests.field.helpers import guard_at

TEAMMATE_PHONE = "+6281234500002"


@pytest.fixture
def guard(election_day, field_officer):
    return field_officer.personnel


@pytest.fixture
def teammate(guard, tps_a):
    return guard_at(tps_a, name="Siti Linmas", phone=TEAMMATE_PHONE)


def phone_signed_in(person) -> Client:
    """A phone that scanned the person's card and signed in."""
    phone = Client()
    _link, token = signin_link_issue(person=person)
    assert phone.post(f"/masuk/{token}/").status_code == 302
    return phone


def assert_signed_out(phone: Client) -> None:
    response = phone.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert TEAMMATE_PHONE not in response.content.decode()


def test_a_phone_signed_in_by_card_sees_the_team(guard, teammate):
    phone = phone_signed_in(guard)

    response = phone.get("/me/")

    assert response.status_code == 200
    assert TEAMMATE_PHONE in response.content.decode()


def test_revoking_the_card_signs_the_phone_out(login, ops_admin, guard, teammate):
    phone = phone_signed_in(guard)
    admin = login(ops_admin)

    response = admin.post(
        "/lapangan/kartu/cabut/", {"revoke-identifier": guard.identifier, "revoke-force": ""}
    )

    assert response.status_code == 302
    assert_signed_out(phone)
    assert "1 ponsel dikeluarkan" in admin.get("/lapangan/kartu/").content.decode()


def test_a_new_card_signs_the_phone_out(guard, teammate):
    phone = phone_signed_in(guard)

    signin_link_issue(person=guard)

    assert_signed_out(phone)


def test_a_print_run_signs_out_the_phones_of_its_people(login, ops_admin, guard, teammate, tps_a):
    phone = phone_signed_in(guard)

    login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa_id})

    assert_signed_out(phone)


def test_sign_out_this_phone_ends_the_session_and_leaves_unused_links(
    login, ops_admin, guard, teammate
):
    phone = phone_signed_in(guard)
    # A card printed for this person, not yet handed out: signing the phone out leaves it be.
    spare = SignInLink.objects.create(
        token_hash=token_digest("kartu-cadangan"),
        person=guard,
        expires_at=timezone.now() + timedelta(days=1),
    )

    response = login(ops_admin).post(
        "/lapangan/kartu/keluarkan/", {"signout-identifier": guard.identifier, "signout-force": ""}
    )

    assert response.status_code == 302
    assert_signed_out(phone)
    spare.refresh_from_db()
    assert spare.is_usable


def test_only_that_persons_phones_are_signed_out(guard, teammate):
    lost = phone_signed_in(guard)
    other = phone_signed_in(teammate)

    ended = field_sessions_end(person=guard)

    assert ended == 1
    assert_signed_out(lost)
    assert other.get("/me/").status_code == 200


def test_every_phone_of_the_person_is_signed_out(guard, teammate):
    first = phone_signed_in(guard)
    # A new card would sign out the first phone: the second one signs in with a password.
    second = Client()
    second.force_login(guard.user, backend="opsboard.auth.OpsboardBackend")
    phones = [first, second]

    ended = field_sessions_end(person=guard)

    assert ended == 2
    for phone in phones:
        assert_signed_out(phone)
    assert not FieldSession.objects.exists()


def test_a_password_sign_in_is_signed_out_too(guard, teammate):
    guard.user.set_password("rahasia-lapangan-2024")
    guard.user.save()
    phone = Client()
    phone.post(
        "/accounts/login/", {"username": guard.user.username, "password": "rahasia-lapangan-2024"}
    )
    assert phone.get("/me/").status_code == 200

    field_sessions_end(person=guard)

    assert_signed_out(phone)


def test_a_phone_passed_on_is_signed_out_as_its_new_person(guard, teammate):
    # The teammate's phone now signs in with the guard's card: login() flushes the teammate's
    # session, and the guard's new one gets its key only when saved.
    phone = phone_signed_in(teammate)
    _link, token = signin_link_issue(person=guard)
    phone.post(f"/masuk/{token}/")
    assert phone.get("/me/").status_code == 200

    field_sessions_end(person=guard)

    assert_signed_out(phone)


def test_cache_sessions_are_signed_out_too(settings, guard, teammate):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    phone = phone_signed_in(guard)
    assert phone.get("/me/").status_code == 200

    field_sessions_end(person=guard)

    assert_signed_out(phone)


def test_only_admins_sign_phones_out(login, command_staff, polsek_staff, field_officer, guard):
    phone = phone_signed_in(guard)

    for user in (command_staff, polsek_staff, field_officer):
        response = login(user).post(
            "/lapangan/kartu/keluarkan/",
            {"signout-identifier": guard.identifier, "signout-force": ""},
        )
        assert response.status_code == 403

    assert phone.get("/me/").status_code == 200
