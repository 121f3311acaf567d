"""The shell's global search (/cari/?q=, opsboard/search.py): what it finds, where each result
leads, whose it is, and what it refuses."""

import re

import pytest
from django.contrib.auth.models import Permission

from opsboard.search import MAX_LENGTH, PER_KIND
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    MeetingFactory,
    PersonnelFactory,
    PolsekFactory,
    SprinFactory,
    TPSFactory,
)

HIT = re.compile(
    r'<section class="search-group card" data-kind="(\w+)".*?</section>', re.S
)  # one group of results
LINK = re.compile(r'<li>(?:<a href="([^"]*)">([^<]*)</a>|<span>([^<]*)</span>)')


def groups(body: str) -> dict[str, list[tuple[str, str]]]:
    """kind → [(label, href or "")] of the result page."""
    found = {}
    for match in HIT.finditer(body):
        found[match[1]] = [
            (label or plain, href or "") for href, label, plain in LINK.findall(match[0])
        ]
    return found


@pytest.fixture
def world(election_day, tps_a, tps_b, mojoroto, pesantren):
    """A Polri officer of Mojoroto guarding TPS A, one of Pesantren, a Sprin and a rakor."""
    sprin = SprinFactory(number="Sprin/1234/XI/2024")
    mojoroto_officer = PersonnelFactory(
        unit=PolsekFactory(kecamatan=mojoroto),
        name="Budi Santoso",
        identifier="85061234",
        phone="+6281234567890",
    )
    AssignmentFactory(personnel=mojoroto_officer, tps=[tps_a], sprin=sprin)
    pesantren_officer = PersonnelFactory(
        unit=PolsekFactory(kecamatan=pesantren), name="Budi Hartono", identifier="85069999"
    )
    meeting = MeetingFactory(title="Rakor kesiapan pemungutan suara")
    return {
        "tps_a": tps_a,
        "tps_b": tps_b,
        "sprin": sprin,
        "mojoroto_officer": mojoroto_officer,
        "pesantren_officer": pesantren_officer,
        "meeting": meeting,
    }


def search(client, q: str):
    return client.get("/cari/", {"q": q})


@pytest.mark.parametrize(
    "query", ["TPS 6 Bandar Lor", "tps 006 bandar lor", "Bandar Lor 6", "3571011001006"]
)
def test_a_tps_is_found_by_its_number_and_desa_or_its_code(query, login, command_staff, world):
    body = search(login(command_staff), query).content.decode()

    assert groups(body)["tps"] == [("TPS 006 Bandar Lor", f"/tps/{world['tps_a'].pk}/")]


def test_a_desa_is_found_by_name_and_leads_to_the_dashboard_filtered_to_it(
    login, command_staff, world
):
    body = search(login(command_staff), "bandar").content.decode()

    assert groups(body)["desa"] == [("Bandar Lor", "/?desa=3571011001")]
    assert ("TPS 006 Bandar Lor", f"/tps/{world['tps_a'].pk}/") in groups(body)["tps"]


@pytest.mark.parametrize(
    "query",
    ["Budi Santoso", "santoso", "85061234", "8506 1234", "0812-3456-7890", "+62 812 3456 7890"],
)
def test_a_person_is_found_by_name_nrp_written_any_way_or_phone(query, login, ops_admin, world):
    body = search(login(ops_admin), query).content.decode()

    officer = world["mojoroto_officer"]
    assert groups(body)["person"] == [
        ("Bripka Budi Santoso", f"/admin/deployments/personnel/{officer.pk}/change/")
    ]
    # Found by it, never shown: the results carry no phone in any of its forms.
    results = body[body.index('<div class="search-groups">') :]
    assert not re.search(r"\+?(62|0)\s*812", results)


def test_the_guards_of_a_tps_are_found_with_it(login, ops_admin, world):
    body = search(login(ops_admin), "TPS 6 Bandar Lor").content.decode()

    assert [label for label, _href in groups(body)["person"]] == ["Bripka Budi Santoso"]


def test_a_sprin_and_a_meeting_lead_to_their_pages(login, command_staff, world):
    client = login(command_staff)

    sprin = groups(search(client, "1234/XI").content.decode())["sprin"]
    meeting = groups(search(client, "kesiapan pemungutan").content.decode())["meeting"]

    assert sprin == [
        ("Sprin/1234/XI/2024", f"/admin/deployments/sprin/{world['sprin'].pk}/change/")
    ]
    assert meeting == [("Rakor kesiapan pemungutan suara", f"/rapat/{world['meeting'].pk}/")]


def test_polsek_staff_find_only_their_kecamatan_and_no_admin_pages(login, polsek_staff, world):
    client = login(polsek_staff)

    people = groups(search(client, "Budi").content.decode())
    tps_b = groups(search(client, "TPS 1 Blabak").content.decode())

    # Their kecamatan's officer, without a link (they have no admin and no Posko), and no
    # Sprin group: there is no page of a Sprin that they may open.
    assert people["person"] == [("Bripka Budi Santoso", "")]
    assert "sprin" not in people
    assert tps_b["tps"] == [] and tps_b["person"] == []


def test_polsek_staff_cannot_find_whose_phone_a_number_is(login, polsek_staff, world):
    body = search(login(polsek_staff), "0812 3456 7890").content.decode()

    assert "person" not in groups(body)
    assert "Budi" not in body
    assert "hanya untuk operator Posko dan admin" in body


def test_a_posko_operator_finds_by_phone_and_opens_the_person_at_the_posko(
    login, polsek_staff, world
):
    polsek_staff.user_permissions.add(Permission.objects.get(codename="record_via_posko"))

    body = search(login(polsek_staff), "081234567890").content.decode()

    officer = world["mojoroto_officer"]
    assert groups(body)["person"] == [("Bripka Budi Santoso", f"/posko/?person={officer.pk}")]


def test_field_officers_have_no_search(login, field_officer):
    response = search(login(field_officer), "Bandar")

    assert response.status_code == 302 and response["Location"] == "/me/"


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("", "Ketik nomor TPS, nama desa/kelurahan"),
        ("   ", "Ketik nomor TPS, nama desa/kelurahan"),
        ("ab", "Ketik paling sedikit 3 huruf atau angka."),
    ],
)
def test_an_empty_or_short_query_gets_a_hint_and_searches_nothing(
    query, hint, login, command_staff, django_assert_num_queries
):
    client = login(command_staff)

    # 1 the session, 2 the user with their role; nothing is searched.
    with django_assert_num_queries(2):
        response = search(client, query)

    assert response.status_code == 200
    assert hint in response.content.decode()
    assert groups(response.content.decode()) == {}


def test_a_10_kb_query_is_refused_with_a_message(login, command_staff):
    response = search(login(command_staff), "x" * 10_240)

    assert response.status_code == 400
    body = response.content.decode()
    assert f"Kata pencarian terlalu panjang: paling banyak {MAX_LENGTH} karakter." in body
    assert 'name="q" value="x' not in body  # the boxes are not filled with it


def test_control_characters_are_searched_as_spaces(login, command_staff, world):
    response = search(login(command_staff), "Bandar\x00Lor")

    assert response.status_code == 200
    assert groups(response.content.decode())["desa"] == [("Bandar Lor", "/?desa=3571011001")]


def _many(mojoroto, n: int) -> None:
    desa = DesaFactory(kecamatan=mojoroto, code="3571011002", name="Banjarmlati")
    unit = PolsekFactory(kecamatan=mojoroto)
    for number in range(1, n + 1):
        TPSFactory(desa=desa, number=number)
        PersonnelFactory(unit=unit, name=f"Banjar Petugas {number}")
        MeetingFactory(title=f"Rakor Banjarmlati {number}")


@pytest.mark.parametrize("n", [1, PER_KIND + 4])
def test_one_query_per_kind_whatever_the_number_of_results(
    n, login, ops_admin, election_day, mojoroto, django_assert_num_queries
):
    _many(mojoroto, n)
    SprinFactory(number="Sprin/Banjar/2024")
    client = login(ops_admin)

    # 1 the session, 2 the user with their role; 3-4 the admin's permissions (user, groups),
    # read once for the person and Sprin links; 5 TPS, 6 desa, 7 people, 8 Sprin, 9 meetings.
    with django_assert_num_queries(9):
        response = search(client, "Banjar")

    found = groups(response.content.decode())
    shown = min(n, PER_KIND)
    assert [len(found[k]) for k in ("tps", "person", "meeting")] == [shown, shown, shown]
    assert found["desa"] == [("Banjarmlati", "/?desa=3571011002")]
    assert ("persempit pencarian" in response.content.decode()) is (n > PER_KIND)


def test_polsek_staff_search_in_six_queries(login, polsek_staff, world, django_assert_num_queries):
    client = login(polsek_staff)

    # 1 the session, 2 the user with their role and Posko permission; 3 TPS, 4 desa, 5 people,
    # 6 meetings. No permission query: they are not staff.
    with django_assert_num_queries(6):
        response = search(client, "Budi")

    assert response.status_code == 200
