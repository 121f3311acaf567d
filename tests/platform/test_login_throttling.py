"""Login throttling (django-axes): by username and by username + IP, never by IP alone.

A mobile carrier puts thousands of phones behind one address (carrier-grade NAT), so on
election day hundreds of Linmas guards share an IP: one guard's typos must never lock the rest.
"""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "test-Pass-2024"  # tests.factories.UserFactory's
CARRIER_NAT = "198.51.100.23"  # one public address for a whole mobile network
OTHER_IP = "203.0.113.80"

pytestmark = pytest.mark.django_db


def _attempt(username: str, password: str, ip: str, client: Client | None = None):
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(username: str, ip: str, times: int) -> list[int]:
    return [_attempt(username, "wrong-password", ip).status_code for _ in range(times)]


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_throttling_is_configured_by_username_and_username_plus_ip_never_ip_alone(rf):
    from core.throttling import lockout_parameters

    parameters = lockout_parameters(rf.post(LOGIN, {"username": "kabagops"}))

    assert parameters == ["username", ["username", "ip_address"]]
    assert "ip_address" not in parameters
    assert settings.AXES_FAILURE_LIMIT == 5


def _trusted_device(username: str, ip: str) -> Client:
    """A browser that has signed in to the account before, and signed out again."""
    device = Client()
    assert _signed_in(_attempt(username, PASSWORD, ip, device))
    device.post("/accounts/logout/")
    return device


def test_a_stranger_cannot_lock_a_named_account_out_of_its_own_device(caplog):
    # Given kabagops's own computer, which signed in before
    UserFactory(username="kabagops")
    own_device = _trusted_device("kabagops", OTHER_IP)

    # When someone else sends wrong passwords for kabagops from their address
    attack = _fail("kabagops", CARRIER_NAT, 6)
    from_own_device = _attempt("kabagops", PASSWORD, OTHER_IP, own_device)

    # Then kabagops signs in from that device, and the attack is logged for the admins
    assert attack[-1] == 429
    assert _signed_in(from_own_device)
    assert any(
        r.name == "opsboard.security" and "'kabagops'" in r.getMessage() for r in caplog.records
    )


def test_the_username_lockout_holds_for_every_other_device_and_for_the_attacker():
    UserFactory(username="kabagops")
    own_device = _trusted_device("kabagops", OTHER_IP)
    _fail("kabagops", CARRIER_NAT, 5)

    from_a_new_device = _attempt("kabagops", PASSWORD, OTHER_IP)
    from_the_attacker = _attempt("kabagops", PASSWORD, CARRIER_NAT)
    from_own_device_at_the_attackers_address = _attempt(
        "kabagops", PASSWORD, CARRIER_NAT, own_device
    )

    assert from_a_new_device.status_code == 429
    assert from_the_attacker.status_code == 429
    # the username-and-address limit still holds for a trusted device
    assert from_own_device_at_the_attackers_address.status_code == 429


def test_a_trusted_device_is_still_held_to_the_username_and_address_limit():
    UserFactory(username="kabagops")
    own_device = _trusted_device("kabagops", OTHER_IP)

    failures = [
        _attempt("kabagops", "wrong-password", OTHER_IP, own_device).status_code for _ in range(5)
    ]
    response = _attempt("kabagops", PASSWORD, OTHER_IP, own_device)

    assert failures == [200, 200, 200, 200, 429]
    assert response.status_code == 429


def test_the_trusted_device_cookie_trusts_only_the_account_it_was_signed_for():
    UserFactory(username="kabagops")
    UserFactory(username="operator")
    device = _trusted_device("kabagops", OTHER_IP)
    _fail("operator", CARRIER_NAT, 5)
    forged = Client()
    forged.cookies["opsboard_device"] = "1:operator"  # unsigned

    response = _attempt("operator", PASSWORD, OTHER_IP, device)
    with_forged = _attempt("operator", PASSWORD, OTHER_IP, forged)

    assert response.status_code == 429
    assert with_forged.status_code == 429


def test_five_failures_lock_the_account_even_for_the_right_password():
    UserFactory(username="kabagops")
    failures = _fail("kabagops", CARRIER_NAT, 5)

    response = _attempt("kabagops", PASSWORD, CARRIER_NAT)

    assert failures == [200, 200, 200, 200, 429]  # the fifth failure already answers locked
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_four_failures_do_not_lock():
    UserFactory(username="kabagops")
    _fail("kabagops", CARRIER_NAT, 4)

    response = _attempt("kabagops", PASSWORD, CARRIER_NAT)

    assert _signed_in(response)


def test_locked_username_is_locked_from_another_ip_too():
    UserFactory(username="kabagops")
    _fail("kabagops", CARRIER_NAT, 5)

    response = _attempt("kabagops", PASSWORD, OTHER_IP)

    assert response.status_code == 429


def test_failures_spread_over_addresses_still_lock_the_username():
    # Guessing one account's password from many addresses is still guessing.
    UserFactory(username="kabagops")
    for index in range(5):
        _attempt("kabagops", "wrong-password", f"203.0.113.{index + 1}")

    response = _attempt("kabagops", PASSWORD, "203.0.113.99")

    assert response.status_code == 429


def test_another_username_behind_the_same_ip_is_not_locked():
    UserFactory(username="kabagops")
    UserFactory(username="LM-3571011001-01")
    _fail("kabagops", CARRIER_NAT, 5)

    response = _attempt("LM-3571011001-01", PASSWORD, CARRIER_NAT)

    assert _signed_in(response)


def test_many_users_failing_behind_one_carrier_address_never_lock_that_address():
    # 20 guards mistype their password 1 to 4 times each, all behind one carrier address:
    # 50 failures from one IP, none of them five for one username.
    guards = [UserFactory(username=f"LM-35710110{n:02d}-01") for n in range(21)]
    failures = [
        _fail(guard.username, CARRIER_NAT, 1 + n % 4) for n, guard in enumerate(guards[:20])
    ]

    fresh_guard = _attempt(guards[20].username, PASSWORD, CARRIER_NAT)
    guard_with_four_typos = _attempt(guards[3].username, PASSWORD, CARRIER_NAT)

    assert sum(len(f) for f in failures) == 50
    assert all(status == 200 for f in failures for status in f)
    assert _signed_in(fresh_guard)
    assert _signed_in(guard_with_four_typos)


def test_unlocking_with_axes_reset_lets_the_user_in_again():
    from axes.utils import reset

    UserFactory(username="kabagops")
    _fail("kabagops", CARRIER_NAT, 5)

    removed = reset(username="kabagops")
    response = _attempt("kabagops", PASSWORD, CARRIER_NAT)

    assert removed == 1
    assert _signed_in(response)


def test_an_admin_unlocks_the_account_in_the_django_admin(ops_admin):
    from axes.models import AccessAttempt

    UserFactory(username="kabagops")
    _fail("kabagops", CARRIER_NAT, 5)
    attempt = AccessAttempt.objects.get(username="kabagops")
    admin = Client()
    admin.force_login(ops_admin, backend="opsboard.auth.OpsboardBackend")

    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    deleted = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    response = _attempt("kabagops", PASSWORD, CARRIER_NAT)

    assert listing.status_code == 200
    assert "kabagops" in listing.content.decode()
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.filter(username="kabagops").exists()
    assert _signed_in(response)


def test_command_staff_cannot_unlock_accounts(command_staff):
    from axes.models import AccessAttempt

    UserFactory(username="polsek.mojoroto")
    _fail("polsek.mojoroto", CARRIER_NAT, 5)
    attempt = AccessAttempt.objects.get(username="polsek.mojoroto")
    staff = Client()
    staff.force_login(command_staff, backend="opsboard.auth.OpsboardBackend")

    response = staff.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="polsek.mojoroto").exists()


def test_login_page_is_in_indonesian(anonymous):
    response = anonymous.get(LOGIN)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in page
    assert "Masuk ke Opsboard" in page
    assert "Nama pengguna" in page
    assert "Kata sandi" in page


def test_failed_login_says_so_in_indonesian():
    UserFactory(username="kabagops")

    response = _attempt("kabagops", "wrong-password", CARRIER_NAT)

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_passwords_go_through_djangos_validators():
    user = UserFactory.build(username="kabagops")

    with pytest.raises(ValidationError) as excinfo:
        validate_password("12345678", user=user)

    codes = {error.code for error in excinfo.value.error_list}
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 4
    assert {"password_too_common", "password_entirely_numeric"} <= codes
