"""The login form and the language switch, fuzzed: no 500, no sign-in, no redirect off the site.

Both are open to anonymous visitors, so they are the first thing an attacker tries.
"""

from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz import FRAGMENTS, row_counts, value

LOGIN = "/accounts/login/"
# The admin's own login form shares authenticate() and the throttle, so it is fuzzed too.
LOGIN_FORMS = {LOGIN: "Nama pengguna atau kata sandi salah", "/admin/login/": "errornote"}
SET_LANGUAGE = "/i18n/setlang/"
# django-axes and the audit log record failed sign-ins: that is the throttle and the log
# working, not bad input written.
RECORDS_FAILED_LOGINS = ("axes_", "opsboard_auditevent")
OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/%2F%2Fevil.example",
    "///evil.example",
    "https:evil.example",
]
next_url = st.one_of(value, st.sampled_from(OFF_SITE), st.sampled_from(["/", "/me/", "/api/"]))


def _is_on_site(location: str) -> bool:
    """Where a browser would go: it drops leading blanks and controls and tabs and newlines
    anywhere, and reads a backslash as a slash."""
    cleaned = location.lstrip("".join(map(chr, range(33))))
    cleaned = cleaned.translate({9: None, 10: None, 13: None}).replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.netloc in ("", "testserver") and parts.scheme in ("", "http", "https")


@pytest.mark.parametrize("form", LOGIN_FORMS)
@pytest.mark.django_db
def test_login_form_answers_any_input_without_a_500_and_signs_no_one_in(
    form, client, command_staff
):
    before = row_counts(ignore=RECORDS_FAILED_LOGINS)

    @FUZZ
    @given(
        username=st.one_of(value, st.just("kabagops")),
        password=value,
        next_=next_url,
    )
    def answers(username, password, next_):
        response = client.post(form, {"username": username, "password": password, "next": next_})

        assert response.status_code in (200, 403, 429), response.status_code
        if response.status_code == 200:
            assert LOGIN_FORMS[form] in response.content.decode()
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # nobody signed in

    answers()

    assert row_counts(ignore=RECORDS_FAILED_LOGINS) == before


@pytest.mark.django_db
def test_login_never_redirects_off_the_site_whatever_next_says(client, command_staff):
    @FUZZ
    @given(next_=next_url)
    def lands_on_site(next_):
        client.logout()

        response = client.post(
            LOGIN, {"username": "kabagops", "password": "test-Pass-2024", "next": next_}
        )

        assert response.status_code == 302
        assert _is_on_site(response["Location"]), response["Location"]

    lands_on_site()


@pytest.mark.django_db
def test_language_switch_answers_any_input_without_a_500_or_an_off_site_redirect(client):
    before = row_counts()

    @FUZZ
    @given(
        method=st.sampled_from(["get", "post"]),
        language=st.one_of(value, st.sampled_from(["id", "en", "en-us", "xx"])),
        next_=next_url,
        referer=st.one_of(st.none(), st.sampled_from(OFF_SITE + FRAGMENTS[:6])),
    )
    def answers(method, language, next_, referer):
        headers = {"referer": referer} if referer else {}

        response = getattr(client, method)(
            SET_LANGUAGE, {"language": language, "next": next_}, headers=headers
        )

        assert response.status_code in (204, 302, 405), response.status_code
        if response.status_code == 302:
            assert _is_on_site(response["Location"]), response["Location"]
        # Django stores any language it has a catalogue for; pages still speak only ours.
        assert client.get(LOGIN)["Content-Language"] in ("id", "en")

    answers()

    assert row_counts() == before


@pytest.mark.parametrize("form", LOGIN_FORMS)
@pytest.mark.django_db
def test_an_over_long_username_gets_the_form_error_and_still_counts_as_a_failure(form, client):
    # Found by the fuzzing above: on PostgreSQL axes' varchar(255) refused it with a 500.
    response = client.post(form, {"username": "a" * 1000, "password": "x"})

    assert response.status_code == 200
    assert LOGIN_FORMS[form] in response.content.decode()
    assert AccessAttempt.objects.get().username == "a" * 255
