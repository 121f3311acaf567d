"""GET /api/personnel.json (API.md): the roster with each person's duty at the operation clock."""

from datetime import datetime

import pytest

from deployments.models import Assignment, Force, PostKind, Unit
from tests.api.helpers import WIB, linmas_pair_at, polri_pair_covering, tps_batch
from tests.factories import (
    AssignmentFactory,
    LinmasFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SatlinmasFactory,
    SprinFactory,
    UnitFactory,
)

URL = "/api/personnel.json"


def identifiers(response) -> list[str]:
    return [row["identifier"] for row in response.json()["results"]]


def test_has_the_shape_of_api_md(login, command_staff, election_day, tps_a):
    guard = LinmasFactory(
        unit=SatlinmasFactory(desa=tps_a.desa), identifier="LM-3571011001-07", name="Siti Aminah"
    )
    AssignmentFactory(personnel=guard, tps=[tps_a], sprin=SprinFactory(number="Sprin/1234/XI/2024"))
    client = login(command_staff)

    body = client.get(URL).json()

    assert body == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "identifier": "LM-3571011001-07",
                "name": "Siti Aminah",
                "rank": None,
                "force": "LINMAS",
                "unit": {"code": "satlinmas-3571011001", "name": "Satlinmas Bandar Lor"},
                "current_assignment": {
                    "kind": "pam_tps",
                    "phase": "pemungutan",
                    "tps": ["3571011001006"],
                    "post": None,
                    "starts_at": "2024-11-26T00:00:00+07:00",
                    "ends_at": "2024-11-29T00:00:00+07:00",
                    "sprin": "Sprin/1234/XI/2024",
                },
            }
        ],
    }


def test_rank_is_written_with_the_tni_corps(login, command_staff, election_day):
    PersonnelFactory(
        force=Force.TNI,
        unit=UnitFactory(force=Force.TNI, kind=Unit.Kind.KODIM),
        rank="Letkol",
        corps="Inf",
        identifier="11950012",
    )
    client = login(command_staff)

    (row,) = client.get(URL).json()["results"]

    assert row["rank"] == "Letkol Inf"
    assert row["current_assignment"] is None


def test_polri_pair_lists_all_four_tps(login, command_staff, election_day):
    stations = tps_batch(4, desa_count=1)
    polri_pair_covering(stations)
    client = login(command_staff)

    rows = client.get(URL).json()["results"]

    assert [row["current_assignment"]["tps"] for row in rows] == [[s.code for s in stations]] * 2


def test_a_post_duty_names_its_post(login, command_staff, election_day):
    post = PostFactory(kind=PostKind.POSKO, name="Posko KPU Kota Kediri")
    AssignmentFactory(kind=PostKind.POSKO, post=post)
    client = login(command_staff)

    (row,) = client.get(URL).json()["results"]

    assert row["current_assignment"]["kind"] == "posko"
    assert row["current_assignment"]["post"] == "Posko KPU Kota Kediri"
    assert row["current_assignment"]["tps"] == []


@pytest.mark.parametrize(
    "clock",
    [datetime(2024, 11, 20, 9, 0, tzinfo=WIB), datetime(2024, 11, 29, 0, 0, tzinfo=WIB)],
)
def test_no_current_assignment_outside_its_window(
    login, command_staff, election_day, settings, tps_a, clock
):
    linmas_pair_at(tps_a)
    settings.OPSBOARD_NOW = clock
    client = login(command_staff)

    rows = client.get(URL).json()["results"]

    assert [row["current_assignment"] for row in rows] == [None, None]


def test_a_cancelled_assignment_is_not_current(login, command_staff, election_day, tps_a):
    AssignmentFactory(tps=[tps_a], status=Assignment.Status.CANCELLED)
    client = login(command_staff)

    (row,) = client.get(URL).json()["results"]

    assert row["current_assignment"] is None


def test_leaves_out_inactive_personnel(login, command_staff, election_day):
    PersonnelFactory(identifier="85000001")
    PersonnelFactory(identifier="85000002", active=False)
    client = login(command_staff)

    response = client.get(URL)

    assert identifiers(response) == ["85000001"]


# Filters


def test_filters_by_force(login, command_staff, election_day, tps_a):
    linmas_pair_at(tps_a)
    PersonnelFactory(identifier="85000001")
    client = login(command_staff)

    response = client.get(URL, {"force": "POLRI"})

    assert identifiers(response) == ["85000001"]


def test_unit_filter_includes_its_sub_units(login, command_staff, election_day, mojoroto):
    polres = UnitFactory(code="polres-kediri-kota", kind=Unit.Kind.POLRES)
    polsek = PolsekFactory(kecamatan=mojoroto, parent=polres)
    PersonnelFactory(unit=polres, identifier="85000001")
    PersonnelFactory(unit=polsek, identifier="85000002")
    PersonnelFactory(identifier="85000003")  # another unit, outside the Polres tree
    client = login(command_staff)

    whole = client.get(URL, {"unit": "polres-kediri-kota"})
    polsek_only = client.get(URL, {"unit": polsek.code})

    assert sorted(identifiers(whole)) == ["85000001", "85000002"]
    assert identifiers(polsek_only) == ["85000002"]


def test_desa_filter_matches_home_desa_and_satlinmas(login, command_staff, election_day, tps_a):
    guards = linmas_pair_at(tps_a)
    PersonnelFactory(identifier="85000001", home_desa=tps_a.desa)
    PersonnelFactory(identifier="85000002")
    client = login(command_staff)

    response = client.get(URL, {"desa": tps_a.desa.code})

    assert sorted(identifiers(response)) == sorted(["85000001", *(g.identifier for g in guards)])


def test_polsek_staff_see_only_the_people_of_their_kecamatan(
    login, polsek_staff, election_day, tps_a, tps_b, mojoroto, pesantren
):
    PersonnelFactory(unit=PolsekFactory(kecamatan=mojoroto), identifier="85000001")
    PersonnelFactory(unit=PolsekFactory(kecamatan=pesantren), identifier="85000002")
    PersonnelFactory(identifier="85000003")  # Polres staff of no kecamatan
    mine = linmas_pair_at(tps_a)
    linmas_pair_at(tps_b)
    client = login(polsek_staff)

    response = client.get(URL)

    assert sorted(identifiers(response)) == sorted(["85000001", *(g.identifier for g in mine)])


def test_polsek_staff_naming_another_kecamatans_unit_or_desa_get_the_unknown_answer(
    login, polsek_staff, election_day, tps_b, pesantren
):
    PolsekFactory(kecamatan=pesantren)
    client = login(polsek_staff)

    unit = client.get(URL, {"unit": "polsek-357103"})
    desa = client.get(URL, {"desa": tps_b.desa.code})

    assert unit.status_code == desa.status_code == 400
    assert unit.json() == {"errors": {"unit": ["Kode satuan tidak dikenal: polsek-357103"]}}
    assert desa.json() == {"errors": {"desa": ["Kode desa/kelurahan tidak dikenal: 3571031001"]}}


# Pages


def test_pages_link_to_the_same_query(login, command_staff, election_day):
    for n in range(5):
        PersonnelFactory(name=f"Petugas {n}")
    client = login(command_staff)

    first = client.get(URL, {"force": "POLRI", "page_size": 2}).json()
    last = client.get(URL, {"force": "POLRI", "page_size": 2, "page": 3}).json()

    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert [row["name"] for row in first["results"]] == ["Petugas 0", "Petugas 1"]
    assert first["next"] == "/api/personnel.json?force=POLRI&page_size=2&page=2"
    assert first["previous"] is None
    assert [row["name"] for row in last["results"]] == ["Petugas 4"]
    assert last["next"] is None
    assert last["previous"] == "/api/personnel.json?force=POLRI&page_size=2&page=2"


def test_default_page_size_is_50(login, command_staff, election_day):
    PersonnelFactory.create_batch(51)
    client = login(command_staff)

    body = client.get(URL).json()

    assert (len(body["results"]), body["pages"]) == (50, 2)


def test_an_empty_roster_is_one_empty_page(login, command_staff, election_day):
    client = login(command_staff)

    body = client.get(URL).json()

    assert body == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_a_page_beyond_the_last_is_a_400(login, command_staff, election_day):
    PersonnelFactory.create_batch(3)
    client = login(command_staff)

    response = client.get(URL, {"page": 4, "page_size": 1})

    assert response.status_code == 400
    assert response.json() == {"errors": {"page": ["Halaman 4 tidak ada; jumlah halaman 3."]}}


PAGE_SIZE = "Ukuran halaman harus bilangan bulat 1 sampai 200."
PAGE = "Nomor halaman harus bilangan bulat positif."


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"page_size": "0"}, {"page_size": [PAGE_SIZE]}),
        ({"page_size": "201"}, {"page_size": [PAGE_SIZE]}),
        ({"page_size": "banyak"}, {"page_size": [PAGE_SIZE]}),
        ({"page": "0"}, {"page": [PAGE]}),
        ({"page": "-1"}, {"page": [PAGE]}),
        ({"page": "dua"}, {"page": [PAGE]}),
        ({"force": "BRIMOB"}, {"force": ["Matra tidak dikenal: BRIMOB"]}),
        ({"force": "polri"}, {"force": ["Matra tidak dikenal: polri"]}),
        ({"unit": "polres-x"}, {"unit": ["Kode satuan tidak dikenal: polres-x"]}),
        ({"desa": "9999"}, {"desa": ["Kode desa/kelurahan tidak dikenal: 9999"]}),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_value(
    login, command_staff, election_day, query, errors
):
    client = login(command_staff)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_accepts_the_largest_page_size(login, command_staff, election_day):
    client = login(command_staff)

    response = client.get(URL, {"page_size": 200})

    assert response.status_code == 200


# Queries


@pytest.mark.parametrize("people", [5, 50])
def test_query_count_does_not_grow_with_the_page(
    login, command_staff, election_day, django_assert_num_queries, people
):
    stations = tps_batch(people, desa_count=5)
    for station in stations:
        AssignmentFactory(tps=[station], sprin=SprinFactory())
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 count, 4 the page with units, 5 the page's
    # current assignments with phase, Sprin and post, 6 their TPS with desa.
    with django_assert_num_queries(6):
        response = client.get(URL, {"page_size": people})

    assert len(response.json()["results"]) == people
