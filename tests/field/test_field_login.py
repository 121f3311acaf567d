"""`manage.py field_login IDENTIFIER [--force …]`: one absolute URL on stdout, for support."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from field.models import SignInLink
from tests.factories import LinmasFactory, PersonnelFactory, UnitFactory
from tests.field.helpers import guard_at

URL = re.compile(r"^http://testserver\.example/masuk/[A-Za-z0-9_-]{43}/$")


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.OPSBOARD_PUBLIC_URL = "http://testserver.example"


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("field_login", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_prints_exactly_one_absolute_sign_in_url(guard):
    code, out, err = run(guard.identifier)

    assert code == 0
    assert err == ""
    assert len(out.splitlines()) == 1
    assert URL.match(out.strip())


def test_the_printed_url_signs_the_person_in(client, guard):
    _code, out, _err = run(guard.identifier)
    path = out.strip().removeprefix("http://testserver.example")

    response = client.post(path)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == guard.user_id


def test_creates_the_field_account_when_missing(election_day, tps_a):
    person = guard_at(tps_a)

    code, out, _err = run(person.identifier)

    person.refresh_from_db()
    assert code == 0
    assert person.user is not None
    assert person.user.username == person.identifier
    assert URL.match(out.strip())


def test_an_unknown_identifier_exits_1_with_an_indonesian_message(election_day):
    code, out, err = run("LM-0000000000-99")

    assert code == 1
    assert out == ""
    assert "Tidak ada personel dengan nomor LM-0000000000-99" in err


def test_an_inactive_person_exits_1_and_gets_no_link(guard):
    guard.active = False
    guard.save(update_fields=["active"])

    code, out, err = run(guard.identifier)

    assert code == 1
    assert out == ""
    assert "tidak aktif" in err
    assert not SignInLink.objects.exists()


def test_an_identifier_of_two_forces_needs_force(election_day, tps_a):
    LinmasFactory(identifier="12345678")
    PersonnelFactory(
        identifier="12345678", force="TNI", rank="Serka", unit=UnitFactory(force="TNI")
    )

    ambiguous = run("12345678")
    chosen = run("12345678", "--force", "TNI")

    assert ambiguous[0] == 1
    assert "--force" in ambiguous[2]
    assert chosen[0] == 0
    assert SignInLink.objects.get().person.force == "TNI"


def test_a_second_run_revokes_the_first_unused_url(client, guard):
    first = run(guard.identifier)[1].strip().removeprefix("http://testserver.example")

    run(guard.identifier)

    assert client.post(first).status_code == 404
