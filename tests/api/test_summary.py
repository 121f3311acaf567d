"""GET /api/summary.json (API.md)."""

import pytest

from deployments.coverage import coverage_recompute
from tests.api.helpers import linmas_pair_at, polri_pair_covering, tps_batch
from tests.factories import PersonnelFactory, PolsekFactory, TPSFactory, UnitFactory

URL = "/api/summary.json"


def test_has_the_shape_of_api_md(login, command_staff, election_day, tps_a, tps_b):
    PersonnelFactory.create_batch(3)
    PersonnelFactory(force="TNI", unit=UnitFactory(force="TNI", kind="kodim"), rank="Serka")
    linmas_pair_at(tps_a)
    TPSFactory(desa=tps_a.desa, kerawanan="rawan")
    client = login(command_staff)

    body = client.get(URL).json()

    assert body == {
        "operation": {
            "name": "Operasi Mantap Praja Semeru 2024",
            "starts_on": "2024-08-19",
            "ends_on": "2024-12-31",
            "clock": "2024-11-27T09:00:00+07:00",
        },
        "personnel": {"POLRI": 3, "TNI": 1, "LINMAS": 2, "total": 6},
        "tps": {
            "total": 3,
            "by_kerawanan": {"kurang_rawan": 2, "rawan": 1, "sangat_rawan": 0, "khusus": 0},
            "by_kecamatan": [
                {"code": "357101", "name": "Mojoroto", "tps_total": 2},
                {"code": "357103", "name": "Pesantren", "tps_total": 1},
            ],
        },
        "coverage": None,
    }


@pytest.mark.django_db
def test_keeps_every_key_on_an_empty_database(login, command_staff):
    client = login(command_staff)

    body = client.get(URL).json()

    assert body == {
        "operation": None,
        "personnel": {"POLRI": 0, "TNI": 0, "LINMAS": 0, "total": 0},
        "tps": {
            "total": 0,
            "by_kerawanan": {"kurang_rawan": 0, "rawan": 0, "sangat_rawan": 0, "khusus": 0},
            "by_kecamatan": [],
        },
        "coverage": None,
    }


def test_counts_only_active_personnel(login, command_staff, election_day):
    PersonnelFactory.create_batch(2)
    PersonnelFactory(active=False)
    client = login(command_staff)

    body = client.get(URL).json()

    assert body["personnel"] == {"POLRI": 2, "TNI": 0, "LINMAS": 0, "total": 2}


def test_polsek_staff_get_figures_over_their_kecamatan_only(
    login, polsek_staff, election_day, tps_a, tps_b, mojoroto, pesantren
):
    PersonnelFactory(unit=PolsekFactory(kecamatan=mojoroto))
    PersonnelFactory(unit=PolsekFactory(kecamatan=pesantren))
    linmas_pair_at(tps_a)
    linmas_pair_at(tps_b)
    polri_pair_covering([tps_b])  # Polres officers of no kecamatan: not Polsek staff's people
    client = login(polsek_staff)

    body = client.get(URL).json()

    assert body["personnel"] == {"POLRI": 1, "TNI": 0, "LINMAS": 2, "total": 3}
    assert body["tps"]["total"] == 1
    assert body["tps"]["by_kecamatan"] == [{"code": "357101", "name": "Mojoroto", "tps_total": 1}]


@pytest.mark.parametrize("tps_count", [5, 50])
def test_query_count_does_not_grow_with_the_data(
    login, command_staff, election_day, django_assert_num_queries, tps_count
):
    stations = tps_batch(tps_count, desa_count=5)
    polri_pair_covering(stations[:4])
    for station in stations:
        linmas_pair_at(station)
    coverage_recompute()
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 operation, 4 its phases, 5 active personnel
    # per force, 6 TPS per kerawanan, 7 TPS per kecamatan, 8 coverage snapshot, 9 kecamatan
    # names, 10 coverage area rows, 11 engine state (staleness).
    with django_assert_num_queries(11):
        response = client.get(URL)

    assert response.json()["tps"]["total"] == tps_count
    assert response.json()["coverage"]["tps_total"] == tps_count
