"""One-time sign-in links (the QR code on an assignment card): GET shows, POST signs in."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from field.models import SignInLink, token_digest
from field.services import (
    signin_link_issue,
    signin_link_redeem,
    signin_links_issue,
    signin_links_revoke,
    signin_url,
)
from tests.field.helpers import guard_at


def _path(token: str) -> str:
    return f"/masuk/{token}/"


def test_get_shows_whose_link_it_is_and_signs_nobody_in(client, guard):
    _link, token = signin_link_issue(person=guard)

    response = client.get(_path(token))

    assert response.status_code == 200
    assert f"Masuk sebagai {guard.name}" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SignInLink.objects.get().used_at is None


def test_post_signs_in_uses_the_link_up_and_goes_to_me(client, guard):
    _link, token = signin_link_issue(person=guard)
    client.get(_path(token))

    response = client.post(_path(token))

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert int(client.session["_auth_user_id"]) == guard.user_id
    assert SignInLink.objects.get().used_at is not None


def test_a_link_works_once(client, guard):
    _link, token = signin_link_issue(person=guard)
    client.post(_path(token))
    client.logout()

    again_get = client.get(_path(token))
    again_post = client.post(_path(token))

    assert again_get.status_code == 404
    assert again_post.status_code == 404
    assert "tidak berlaku" in again_post.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_token_is_a_404_that_signs_nobody_in(client, guard):
    response = client.post(_path("bukan-token-yang-benar"))

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_the_database_keeps_only_the_token_digest(guard):
    link, token = signin_link_issue(person=guard)

    assert link.token_hash == token_digest(token)
    assert token not in link.token_hash
    assert signin_url(token) == f"{settings.OPSBOARD_PUBLIC_URL}/masuk/{token}/"


def test_expires_a_grace_day_after_the_last_assignment(guard, settings):
    # The operation clock is 27 Nov 09.00; the guard's duty ends with the phase, 29 Nov 00.00.
    settings.SIGNIN_LINK_GRACE_DAYS = 1
    before = timezone.now()

    link, _token = signin_link_issue(person=guard)

    expected = before + timedelta(hours=15 + 24 + 24)  # to 29 Nov 00.00, plus one day
    assert abs(link.expires_at - expected) < timedelta(seconds=30)


def test_grace_days_are_configurable(guard, settings):
    settings.SIGNIN_LINK_GRACE_DAYS = 3
    before = timezone.now()

    link, _token = signin_link_issue(person=guard)

    assert abs(link.expires_at - (before + timedelta(hours=15 + 24 + 72))) < timedelta(seconds=30)


def test_an_expired_link_no_longer_signs_in(client, guard):
    link, token = signin_link_issue(person=guard)
    SignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(_path(token))

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_issuing_a_new_link_revokes_the_earlier_unused_one(client, guard):
    first, first_token = signin_link_issue(person=guard)

    _second, second_token = signin_link_issue(person=guard)

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert client.post(_path(first_token)).status_code == 404
    assert client.post(_path(second_token)).status_code == 302


def test_a_used_link_is_not_marked_revoked_by_a_new_one(guard):
    first, token = signin_link_issue(person=guard)
    signin_link_redeem(token=token)

    signin_link_issue(person=guard)

    first.refresh_from_db()
    assert first.used_at is not None
    assert first.revoked_at is None


def test_revoking_stops_every_unused_link_of_the_person(client, guard):
    _link, token = signin_link_issue(person=guard)

    links, _sessions = signin_links_revoke(person=guard)

    assert links == 1
    assert client.post(_path(token)).status_code == 404


def test_an_inactive_person_cannot_use_their_link(client, guard):
    _link, token = signin_link_issue(person=guard)
    guard.active = False
    guard.save(update_fields=["active"])

    response = client.post(_path(token))

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_issuing_creates_the_field_account_when_missing(election_day, tps_a):
    person = guard_at(tps_a)
    assert person.user is None

    issued = signin_links_issue(people=[person])

    person.refresh_from_db()
    assert person.user.username == person.identifier
    assert not person.user.has_usable_password()
    assert list(issued.tokens) == [person.pk]


def test_a_person_whose_username_is_taken_gets_no_link_and_a_reason(election_day, tps_a):
    from tests.factories import UserFactory

    person = guard_at(tps_a)
    UserFactory(username=person.identifier)

    issued = signin_links_issue(people=[person])

    assert issued.tokens == {}
    assert issued.refused[0][0] == person
    assert "sudah dipakai" in issued.refused[0][1]


@pytest.mark.django_db
def test_redeeming_twice_signs_in_once(guard):
    _link, token = signin_link_issue(person=guard)

    first = signin_link_redeem(token=token)
    second = signin_link_redeem(token=token)

    assert first == guard
    assert second is None


# What the page of a link that no longer works tells the officer


@pytest.fixture
def card_holder(tps_a, election_day):
    """A Linmas whose field account the card makes: it has no password."""
    return guard_at(tps_a, name="Pemegang Kartu")


def test_a_used_card_says_to_ask_the_posko_for_a_new_one_not_for_a_password(client, card_holder):
    _link, token = signin_link_issue(person=card_holder)
    client.post(_path(token))
    client.logout()

    body = client.get(_path(token)).content.decode()

    assert "Kartu ini sudah dipakai. Bila ponsel Anda keluar, minta kartu baru di Posko" in body
    assert "sebutkan nama dan NRP/nomor register" in body
    assert "kata sandi" not in body


def test_an_expired_card_says_so(client, card_holder):
    link, token = signin_link_issue(person=card_holder)
    SignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(_path(token))

    body = response.content.decode()
    assert response.status_code == 404
    assert "Kartu ini sudah kedaluwarsa" in body and "Posko Polres" in body
    assert "kata sandi" not in body


def test_a_revoked_card_says_so(client, card_holder):
    _link, token = signin_link_issue(person=card_holder)
    signin_links_revoke(person=card_holder)

    body = client.get(_path(token)).content.decode()

    assert "Kartu ini sudah dicabut" in body and "Posko Polres" in body
    assert "kata sandi" not in body


def test_an_account_with_a_password_is_offered_the_password_sign_in(client, guard):
    _link, token = signin_link_issue(person=guard)
    guard.user.set_password("sandi-yang-panjang-sekali")
    guard.user.save()
    signin_links_revoke(person=guard)

    body = client.get(_path(token)).content.decode()

    assert "Kartu ini sudah dicabut" in body
    assert "Masuk dengan kata sandi" in body
