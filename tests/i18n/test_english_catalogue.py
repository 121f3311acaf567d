"""The English catalogue: complete, compiled, and used by the pages."""

import gettext

import pytest

from tests.i18n.pofile import MO_PATH, PO_PATH, read_po

HOW_TO_FIX = (
    "Run `python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests "
    "--ignore=bench --no-obsolete`, translate the entries in locale/en/LC_MESSAGES/django.po, "
    "then `python manage.py compilemessages -l en --ignore=.venv`."
)


def _messages():
    return [entry for entry in read_po() if not entry.is_header]


def _listing(entries) -> str:
    return "\n".join(f"  {entry.where}: {entry.msgid!r}" for entry in entries[:30])


def test_every_message_of_the_english_catalogue_is_translated():
    entries = _messages()
    assert len(entries) > 500, f"{PO_PATH} looks truncated: {len(entries)} messages"

    untranslated = [entry for entry in entries if entry.untranslated]

    assert not untranslated, (
        f"{len(untranslated)} untranslated message(s) in {PO_PATH}:\n"
        f"{_listing(untranslated)}\n{HOW_TO_FIX}"
    )


def test_no_message_of_the_english_catalogue_is_left_fuzzy():
    fuzzy = [entry for entry in read_po() if entry.is_fuzzy]

    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entr(y/ies) in {PO_PATH}: gettext ignores them at run time. "
        f"Check each translation and remove its `#, fuzzy` flag:\n{_listing(fuzzy)}\n{HOW_TO_FIX}"
    )


def test_plural_messages_have_both_english_forms():
    plurals = [entry for entry in _messages() if entry.msgid_plural is not None]

    incomplete = [entry for entry in plurals if sorted(entry.msgstr_plural) != [0, 1]]

    assert plurals
    assert not incomplete, (
        f"plural entries without msgstr[0] and msgstr[1]:\n{_listing(incomplete)}"
    )


def test_compiled_catalogue_holds_every_translation_of_the_po_file():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in _messages():
        if entry.untranslated or entry.is_fuzzy:
            continue  # msgfmt leaves these out; the tests above report them
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            wanted = {(key, n): text for n, text in entry.msgstr_plural.items()}
        else:
            wanted = {key: entry.msgstr}
        if any(compiled.get(k) != text for k, text in wanted.items()):
            stale.append(entry)

    assert not stale, (
        f"{MO_PATH.name} is older than {PO_PATH.name}: {len(stale)} message(s) missing or "
        f"different:\n{_listing(stale)}\n"
        "Run `python manage.py compilemessages -l en --ignore=.venv` and commit django.mo."
    )


@pytest.mark.django_db
def test_login_page_is_english_after_choosing_english_in_the_language_switch(client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/"

    response = client.get(switched["Location"])

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<title>Sign in · Opsboard</title>" in page
    assert "Sign in to Opsboard" in page
    assert ">Sign in</button>" in page
    assert "Masuk" not in page


@pytest.mark.django_db
def test_switching_back_to_indonesian_restores_the_indonesian_login_page(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    client.post("/i18n/setlang/", {"language": "id", "next": "/accounts/login/"})

    page = client.get("/accounts/login/").content.decode()

    assert '<html lang="id">' in page
    assert "Masuk ke Opsboard" in page
