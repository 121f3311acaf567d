"""The navigation shell (opsboard/navigation.py): each role sees exactly the places it may use,
every one of them opens, the current place is marked, and the shell costs no query.

The keys are the contract with the browser tests (`<a data-nav="<key>">`):
tests/browser/test_reachable_by_clicks.py clicks through the same sets.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import resolve

from opsboard.auth import OpsboardBackend
from opsboard.navigation import links_for

OFFICE = {
    "dashboard",
    "wall",
    "incidents",
    "checkins",
    "instructions",
    "rapat",
    "laporan",
    "khusus",
    "search",
}
# Role → (landing page, the shell's keys there). Exactly these: a key more is a link to a
# page that refuses the role, a key less a page it cannot reach.
SHELLS = {
    "field_officer": ("/me/", {"me", "report"}),
    "polsek_staff": ("/", OFFICE),
    "command_staff": ("/", OFFICE | {"admin"}),
    "ops_admin": ("/", OFFICE | {"cards", "posko", "admin"}),
    "superuser": ("/", OFFICE | {"cards", "posko", "admin"}),
}

SHELL_NAV = re.compile(r'<nav class="shell" aria-label="[^"]+">(.*?)</nav>', re.S)
NAV_LINK = re.compile(r'<a data-nav="([a-z]+)" href="([^"]+)"( aria-current="page")?>')


def shell_links(body: str) -> list[tuple[str, str, bool]]:
    """(key, href, current) of every link of the page's shell; the shell is there once."""
    navs = SHELL_NAV.findall(body)
    assert len(navs) == 1, f"{len(navs)} shells on the page"
    return [(key, href, bool(current)) for key, href, current in NAV_LINK.findall(navs[0])]


@pytest.mark.parametrize("role", list(SHELLS))
def test_each_role_sees_its_places_and_each_of_them_opens(role, request, login, election_day):
    landing, keys = SHELLS[role]
    client = login(request.getfixturevalue(role))

    body = client.get(landing).content.decode()
    links = shell_links(body)

    assert {key for key, _href, _current in links} == keys
    assert len(links) == len(keys)
    refused = {href: client.get(href).status_code for _key, href, _c in links}
    assert {href: code for href, code in refused.items() if code != 200} == {}


def test_a_posko_operator_among_the_polsek_staff_gets_the_posko_too(login, polsek_staff):
    polsek_staff.user_permissions.add(Permission.objects.get(codename="record_via_posko"))

    body = login(polsek_staff).get("/rapat/").content.decode()

    assert {key for key, _h, _c in shell_links(body)} == OFFICE | {"posko"}


def test_the_posko_permission_through_a_group_counts_too(login, command_staff):
    group = command_staff.groups.get()
    group.permissions.add(Permission.objects.get(codename="record_via_posko"))

    body = login(command_staff).get("/rapat/").content.decode()

    assert "posko" in {key for key, _h, _c in shell_links(body)}


def test_anonymous_and_a_user_without_a_role_get_no_links_but_the_language_switch(
    login, django_user_model
):
    nobody = django_user_model.objects.create_user("tanpa-peran", password="x-Pass-2024")

    for user in (None, nobody):
        body = login(user).get("/accounts/login/" if user is None else "/rapat/").content.decode()

        assert 'data-nav="' not in body
        assert 'action="/i18n/setlang/"' in body


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/rapat/tindak-lanjut/", "rapat"),
        ("/lapangan/insiden/", "incidents"),
        ("/lapangan/kejadian/", "incidents"),
        ("/wall/", "wall"),
        ("/cari/?q=abc", "search"),
    ],
)
def test_the_current_place_is_marked(path, current, login, command_staff, election_day):
    body = login(command_staff).get(path).content.decode()

    marked = [key for key, _href, is_current in shell_links(body) if is_current]
    assert marked == [current]


def test_the_field_officer_shell_marks_me_and_offers_the_language_switch(login, field_officer):
    body = login(field_officer).get("/me/").content.decode()

    assert shell_links(body) == [("me", "/me/", True), ("report", "/me/lapor/", False)]
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="en"' in body
    assert "shell.css" not in body  # /me/ loads field.css alone (tests/field/test_me.py)


def test_the_shell_speaks_the_language_chosen(login, command_staff, settings):
    client = login(command_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get("/rapat/").content.decode()

    assert '<a data-nav="dashboard" href="/">Dashboard</a>' in body
    assert '<a data-nav="wall" href="/wall/">Wall screen</a>' in body


@pytest.mark.parametrize("role", ["polsek_staff", "command_staff", "ops_admin", "field_officer"])
def test_the_links_cost_no_query_for_a_user_read_by_the_backend(
    role, request, django_assert_num_queries
):
    # What AuthenticationMiddleware gives every page: the user read by opsboard.auth, with
    # the role and the Posko permission in that one query.
    user = OpsboardBackend().get_user(request.getfixturevalue(role).pk)
    page = RequestFactory().get("/rapat/")
    page.user, page.resolver_match = user, resolve("/rapat/")

    with django_assert_num_queries(0):
        links = links_for(page)

    assert [link.key for link in links if link.current] in (["rapat"], [])
