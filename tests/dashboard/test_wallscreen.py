"""The wall screen: read-only, large type, cycling through the kecamatan; signed in for 24 h."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from opsboard.sessions import GROUP_WALLSCREEN


def test_wall_screen_cycles_through_every_kecamatan(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/wall/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-cycle=",357101,357103"' in html  # the whole operation, then each kecamatan
    assert 'class="wall-mode"' in html
    assert 'data-figure="tps-total">4<' in html
    assert "<form" not in html.split('id="wall"')[1]  # read-only: no filters, nothing to submit


def test_wall_screen_part_for_one_kecamatan(login, command_staff, picture):
    client = login(command_staff)

    response = client.get(
        "/wall/", {"kecamatan": "357103"}, headers={"HX-Request": "true", "HX-Target": "wall-live"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="wall-live"')
    assert "Kecamatan Pesantren" in html
    assert 'data-figure="tps-total">1<' in html
    assert "opsboard:refreshed" in response["HX-Trigger"]


def test_wall_screen_for_polsek_staff_stays_in_their_kecamatan(login, polsek_staff, picture):
    client = login(polsek_staff)

    html = client.get("/wall/").content.decode()

    assert 'data-cycle=""' in html
    assert "Pesantren" not in html


def _sign_in(client, user):
    user.set_password("test-Pass-2024")
    user.save()
    return client.post(
        "/accounts/login/", {"username": user.username, "password": "test-Pass-2024"}
    )


def test_a_wall_screen_account_stays_signed_in_24_hours(client, command_staff):
    command_staff.groups.add(Group.objects.get_or_create(name=GROUP_WALLSCREEN)[0])

    response = _sign_in(client, command_staff)

    assert response.status_code == 302
    expiry = client.session.get_expiry_date()
    assert timedelta(hours=23, minutes=59) < expiry - timezone.now() <= timedelta(hours=24)
    assert client.session.get("_session_expiry")  # fixed: polling does not slide it


def test_the_wall_screen_expiry_is_fixed_not_sliding(client, command_staff, picture):
    command_staff.groups.add(Group.objects.get_or_create(name=GROUP_WALLSCREEN)[0])
    _sign_in(client, command_staff)
    first = client.session.get_expiry_date()

    client.get("/wall/")

    assert client.session.get_expiry_date() == first


@pytest.mark.django_db
def test_other_dashboard_accounts_keep_the_usual_session(client, command_staff, settings):
    _sign_in(client, command_staff)

    expiry = client.session.get_expiry_age()

    assert expiry == settings.SESSION_COOKIE_AGE


def test_the_wall_screen_group_gives_no_access_by_itself(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="layar", groups=[GROUP_WALLSCREEN])
    _sign_in(client, user)

    response = client.get("/wall/")

    assert response.status_code == 403
    assert client.session.get_expiry_age() <= 12 * 60 * 60
