"""Indonesian by default on every page, whatever language the browser or phone asks for;
English only once someone picks it in the language switch (the cookie /i18n/setlang/ sets).

A phone set to English sends Accept-Language: en-US; honoured, it would silently turn the
officer's pages English, so every request here sends it.
"""

import pytest
from django.conf import settings

ENGLISH_PHONE = "en-US,en;q=0.9"

# path, persona, an Indonesian string of the page, the same string in English.
PAGES = [
    ("/accounts/login/", None, "Masuk ke Opsboard", "Sign in to Opsboard"),
    ("/me/", "field_officer", "Tugas saya · Opsboard", "My duty · Opsboard"),
    ("/", "command_staff", "Dasbor komando", "Command dashboard"),
    ("/rapat/", "polsek_staff", "Rapat koordinasi", "Coordination meetings"),
]


def _page(request, login, path, persona, *, cookie=None):
    client = login(request.getfixturevalue(persona) if persona else None)
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=ENGLISH_PHONE)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("path", "persona", "indonesian", "english"), PAGES)
def test_an_english_browser_gets_the_indonesian_page(
    request, login, election_day, path, persona, indonesian, english
):
    page = _page(request, login, path, persona)

    assert '<html lang="id">' in page
    assert indonesian in page
    assert english not in page


@pytest.mark.parametrize(("path", "persona", "indonesian", "english"), PAGES)
def test_the_english_chosen_in_the_switch_is_kept_on_every_page(
    request, login, election_day, path, persona, indonesian, english
):
    page = _page(request, login, path, persona, cookie="en")

    assert '<html lang="en">' in page
    assert english in page
    assert indonesian not in page


def test_the_switch_turns_an_english_browser_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=ENGLISH_PHONE)
    client.post("/i18n/setlang/", {"language": "id", "next": "/accounts/login/"})
    indonesian = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=ENGLISH_PHONE)

    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="id">' in indonesian.content.decode()
