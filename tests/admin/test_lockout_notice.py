"""The admin index tells those who may unlock sign-ins which usernames are under attack: a
username-wide lockout that the account's own trusted device gets past unnoticed
(core/throttling.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ATTACKER = "198.51.100.23"
ANOTHER_ATTACKER = "203.0.113.80"

pytestmark = pytest.mark.django_db


def _fail(username: str, ip: str, times: int) -> None:
    for _ in range(times):
        Client().post(
            "/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip
        )


def _index(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_sees_the_username_under_attack_with_a_link_to_unlock(
    login, ops_admin, command_staff
):
    _fail("kabagops", ATTACKER, 6)

    page = _index(login(ops_admin))

    assert 'id="lockout-notice"' in page
    assert "<td>kabagops</td>" in page
    assert "/admin/axes/accessattempt/" in page
    assert "WIB" in page


def test_a_superuser_sees_the_notice_too(login, superuser, command_staff):
    _fail("kabagops", ATTACKER, 6)

    assert "<td>kabagops</td>" in _index(login(superuser))


def test_command_staff_may_open_the_admin_but_not_see_the_notice(login, command_staff):
    _fail("kabagops", ATTACKER, 6)

    page = _index(login(command_staff))

    assert 'id="lockout-notice"' not in page


def test_no_notice_without_attempts_or_below_the_limit(login, ops_admin, command_staff):
    client = login(ops_admin)
    assert 'id="lockout-notice"' not in _index(client)

    _fail("kabagops", ATTACKER, 2)

    assert 'id="lockout-notice"' not in _index(client)


def test_failures_from_several_addresses_add_up_and_are_read_in_one_query(
    login, ops_admin, command_staff
):
    from core.throttling import lockouts_under_attack

    _fail("kabagops", ATTACKER, 3)
    _fail("kabagops", ANOTHER_ATTACKER, 3)
    _fail("sekretaris", ATTACKER, 5)
    client = login(ops_admin)

    with CaptureQueriesContext(connection) as queries:
        page = _index(client)
    attempts = [q for q in queries.captured_queries if "axes_accessattempt" in q["sql"]]

    assert {(a.username, a.failures, a.addresses) for a in lockouts_under_attack()} == {
        ("kabagops", 6, 2),
        ("sekretaris", 5, 1),
    }
    assert "<td>kabagops</td>" in page and "<td>sekretaris</td>" in page
    assert len(attempts) == 1
