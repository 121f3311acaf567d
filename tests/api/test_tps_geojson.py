"""GET /api/tps.geojson (API.md): the TPS layer, its filters and the lean map layer."""

from datetime import datetime
from decimal import Decimal

import pytest

from deployments.coverage import coverage_recompute
from deployments.models import Assignment
from tests.api.helpers import WIB, linmas_pair_at, one_desa, polri_pair_covering, tps_batch
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    KabKotaFactory,
    KecamatanFactory,
    PersonnelFactory,
    TPSFactory,
    phase,
)

URL = "/api/tps.geojson"
PROPERTIES = {
    "id",
    "code",
    "kabkota",
    "kecamatan",
    "kecamatan_name",
    "desa",
    "desa_name",
    "number",
    "name",
    "kerawanan",
    "registered_voters",
    "guards",
}


def features_of(response) -> dict[str, dict]:
    """The features by TPS code (full layer)."""
    return {f["properties"]["code"]: f for f in response.json()["features"]}


def test_is_a_feature_collection_with_the_properties_of_api_md(
    login, command_staff, election_day, tps_a
):
    client = login(command_staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    # API.md's members, and the snapshot the answer reads (docs/api-additions.md).
    assert set(body) == {"type", "computed_at", "snapshot", "stale", "phase", "features"}
    assert (body["computed_at"], body["stale"], body["phase"]) == (None, False, "pemungutan")
    assert body["features"] == [
        {
            "type": "Feature",
            "id": tps_a.pk,
            "geometry": {"type": "Point", "coordinates": [111.985, -7.815]},
            "properties": {
                "id": tps_a.pk,
                "code": "3571011001006",
                "kabkota": "3571",
                "kecamatan": "357101",
                "kecamatan_name": "Mojoroto",
                "desa": "3571011001",
                "desa_name": "Bandar Lor",
                "number": 6,
                "name": "TPS 006 Bandar Lor",
                "kerawanan": "kurang_rawan",
                "registered_voters": 550,
                "guards": {"POLRI": 0, "TNI": 0, "LINMAS": 0},
            },
        }
    ]


def test_coordinates_are_floats_in_lng_lat_order(login, command_staff, election_day):
    TPSFactory(desa=one_desa(), latitude=Decimal("-7.812345"), longitude=Decimal("112.012345"))
    client = login(command_staff)

    (feature,) = client.get(URL).json()["features"]

    assert feature["geometry"]["coordinates"] == [112.012345, -7.812345]
    assert all(isinstance(value, float) for value in feature["geometry"]["coordinates"])


def test_coverage_properties_are_absent_before_the_coverage_engine(
    login, command_staff, election_day, tps_a
):
    client = login(command_staff)

    (feature,) = client.get(URL).json()["features"]

    assert set(feature["properties"]) == PROPERTIES


def test_polri_pair_over_four_tps_gives_two_polri_guards_at_each(
    login, command_staff, election_day
):
    stations = tps_batch(5, desa_count=1)
    polri_pair_covering(stations[:4])
    linmas_pair_at(stations[0])
    client = login(command_staff)

    guards = [f["properties"]["guards"] for f in client.get(URL).json()["features"]]

    assert guards == [
        {"POLRI": 2, "TNI": 0, "LINMAS": 2},
        {"POLRI": 2, "TNI": 0, "LINMAS": 0},
        {"POLRI": 2, "TNI": 0, "LINMAS": 0},
        {"POLRI": 2, "TNI": 0, "LINMAS": 0},
        {"POLRI": 0, "TNI": 0, "LINMAS": 0},
    ]


def test_guards_count_people_not_assignments(login, command_staff, election_day, tps_a):
    # One officer on two back-to-back shifts at the same TPS is one guard.
    officer = PersonnelFactory()
    pemungutan = phase()
    middle = datetime(2024, 11, 27, 12, 0, tzinfo=WIB)
    AssignmentFactory(personnel=officer, tps=[tps_a], ends_at=middle)
    AssignmentFactory(personnel=officer, tps=[tps_a], starts_at=middle, ends_at=pemungutan.ends_at)
    client = login(command_staff)

    (feature,) = client.get(URL).json()["features"]

    assert feature["properties"]["guards"]["POLRI"] == 1


def test_cancelled_assignments_and_inactive_personnel_are_not_guards(
    login, command_staff, election_day, tps_a
):
    AssignmentFactory(tps=[tps_a], status=Assignment.Status.CANCELLED)
    AssignmentFactory(personnel=PersonnelFactory(active=False), tps=[tps_a])
    AssignmentFactory(tps=[tps_a])
    client = login(command_staff)

    (feature,) = client.get(URL).json()["features"]

    assert feature["properties"]["guards"] == {"POLRI": 1, "TNI": 0, "LINMAS": 0}


def test_guards_are_those_of_the_phase_asked_for(login, command_staff, election_day, tps_a):
    linmas_pair_at(tps_a)
    client = login(command_staff)

    body = client.get(URL, {"phase": "kampanye"}).json()

    assert body["phase"] == "kampanye"
    assert body["features"][0]["properties"]["guards"] == {"POLRI": 0, "TNI": 0, "LINMAS": 0}


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (datetime(2024, 10, 1, 9, 0, tzinfo=WIB), "kampanye"),
        (datetime(2024, 11, 28, 23, 59, tzinfo=WIB), "pemungutan"),
        (datetime(2024, 11, 29, 0, 0, tzinfo=WIB), "rekapitulasi"),
        (datetime(2025, 3, 1, 9, 0, tzinfo=WIB), "pemungutan"),  # after the operation
    ],
)
def test_default_phase_is_the_one_under_way_at_the_operation_clock(
    login, command_staff, election_day, settings, clock, expected
):
    settings.OPSBOARD_NOW = clock
    client = login(command_staff)

    body = client.get(URL).json()

    assert body["phase"] == expected


@pytest.mark.django_db
def test_phase_is_null_without_an_operation(login, command_staff, tps_a):
    client = login(command_staff)

    body = client.get(URL).json()

    assert body["phase"] is None
    assert body["features"][0]["properties"]["guards"] == {"POLRI": 0, "TNI": 0, "LINMAS": 0}


def test_map_layer_has_only_id_point_and_class(login, command_staff, election_day, tps_a):
    linmas_pair_at(tps_a)
    client = login(command_staff)

    body = client.get(URL, {"fields": "map"}).json()

    assert body["features"] == [
        {
            "type": "Feature",
            "id": tps_a.pk,
            "geometry": {"type": "Point", "coordinates": [111.985, -7.815]},
            "properties": {"kerawanan": "kurang_rawan"},
        }
    ]
    assert body["phase"] == "pemungutan"


def test_map_layer_of_839_tps_stays_under_150_kb(login, command_staff, election_day):
    tps_batch(839, desa_count=106)
    client = login(command_staff)

    response = client.get(URL, {"fields": "map"})

    assert len(response.json()["features"]) == 839
    assert len(response.content) < 150 * 1024, f"{len(response.content)} bytes"


def test_polsek_staff_see_only_the_tps_of_their_kecamatan(
    login, polsek_staff, election_day, tps_a, tps_b
):
    client = login(polsek_staff)

    full = client.get(URL).json()
    lean = client.get(URL, {"fields": "map"}).json()

    assert [f["id"] for f in full["features"]] == [tps_a.pk]
    assert [f["id"] for f in lean["features"]] == [tps_a.pk]


# Filters


def test_filters_by_kecamatan_desa_and_kabkota(login, command_staff, election_day, tps_a, tps_b):
    regency = KecamatanFactory(code="350601", name="Mojo", kabkota=KabKotaFactory(code="3506"))
    in_regency = TPSFactory(desa=DesaFactory(kecamatan=regency, code="3506012001"))
    client = login(command_staff)

    by_kecamatan = features_of(client.get(URL, {"kecamatan": "357103"}))
    by_desa = features_of(client.get(URL, {"desa": "3571011001"}))
    by_kabkota = features_of(client.get(URL, {"kabkota": "3506"}))

    assert list(by_kecamatan) == [tps_b.code]
    assert list(by_desa) == [tps_a.code]
    assert list(by_kabkota) == [in_regency.code]


def test_filters_by_kerawanan(login, command_staff, election_day, tps_a):
    rawan = TPSFactory(desa=tps_a.desa, kerawanan="rawan")
    client = login(command_staff)

    features = features_of(client.get(URL, {"kerawanan": "rawan"}))

    assert list(features) == [rawan.code]


def test_filters_by_bounding_box(login, command_staff, election_day, tps_a):
    TPSFactory(desa=tps_a.desa, latitude=Decimal("-7.700000"), longitude=Decimal("112.100000"))
    client = login(command_staff)

    features = features_of(client.get(URL, {"bbox": "111.98,-7.82,111.99,-7.81"}))

    assert list(features) == [tps_a.code]


def test_empty_filter_values_mean_no_filter(login, command_staff, election_day, tps_a, tps_b):
    client = login(command_staff)

    response = client.get(URL, {"kecamatan": "", "bbox": "", "phase": "", "fields": ""})

    assert len(response.json()["features"]) == 2


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"kecamatan": "9999"}, {"kecamatan": ["Kode kecamatan tidak dikenal: 9999"]}),
        ({"kabkota": "3599"}, {"kabkota": ["Kode kabupaten/kota tidak dikenal: 3599"]}),
        ({"desa": "35710110"}, {"desa": ["Kode desa/kelurahan tidak dikenal: 35710110"]}),
        ({"kerawanan": "aman"}, {"kerawanan": ["Kelas kerawanan tidak dikenal: aman"]}),
        ({"phase": "pilpres"}, {"phase": ["Tahapan tidak dikenal: pilpres"]}),
        ({"status": "merah"}, {"status": ["Status cakupan tidak dikenal: merah"]}),
        ({"status": "covered"}, {"status": ["Status cakupan belum dihitung."]}),
        ({"fields": "all"}, {"fields": ["Nilai fields tidak dikenal: all (gunakan map)"]}),
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_value(
    login, command_staff, election_day, tps_a, query, errors
):
    client = login(command_staff)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {"errors": errors}


BBOX_MALFORMED = "bbox harus berupa empat angka: min_lng,min_lat,max_lng,max_lat (diterima: {})."


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("111.9,-7.9,112.1", BBOX_MALFORMED.format("111.9,-7.9,112.1")),
        ("111.9,-7.9,112.1,-7.7,0", BBOX_MALFORMED.format("111.9,-7.9,112.1,-7.7,0")),
        ("a,b,c,d", BBOX_MALFORMED.format("a,b,c,d")),
        ("111.9,nan,112.1,-7.7", BBOX_MALFORMED.format("111.9,nan,112.1,-7.7")),
        ("111.9,-7.9,inf,-7.7", BBOX_MALFORMED.format("111.9,-7.9,inf,-7.7")),
        ("181,-7.9,182,-7.7", "Bujur bbox harus antara -180 dan 180."),
        ("111.9,-91,112.1,-7.7", "Lintang bbox harus antara -90 dan 90."),
        ("112.1,-7.9,111.9,-7.7", "Nilai minimum bbox harus lebih kecil daripada maksimumnya."),
        ("111.9,-7.7,112.1,-7.7", "Nilai minimum bbox harus lebih kecil daripada maksimumnya."),
    ],
)
def test_malformed_bbox_is_a_400(login, command_staff, election_day, bbox, message):
    client = login(command_staff)

    response = client.get(URL, {"bbox": bbox})

    assert response.status_code == 400
    assert response.json() == {"errors": {"bbox": [message]}}


def test_polsek_staff_naming_another_kecamatan_get_the_unknown_code_answer(
    login, polsek_staff, election_day, tps_a, tps_b
):
    client = login(polsek_staff)

    other = client.get(URL, {"kecamatan": "357103"})
    other_desa = client.get(URL, {"desa": tps_b.desa.code})
    missing = client.get(URL, {"kecamatan": "357199"})

    assert other.status_code == missing.status_code == other_desa.status_code == 400
    assert other.json() == {"errors": {"kecamatan": ["Kode kecamatan tidak dikenal: 357103"]}}
    assert missing.json() == {"errors": {"kecamatan": ["Kode kecamatan tidak dikenal: 357199"]}}
    desa_message = "Kode desa/kelurahan tidak dikenal: 3571031001"
    assert other_desa.json() == {"errors": {"desa": [desa_message]}}


# Queries


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

    # 1 session, 2 the user with their role, 3 operation, 4 its phases, 5 the kecamatan named
    # by the filter, 6 coverage snapshot, 7 its rows for these TPS (guards included), 8 TPS
    # with desa, kecamatan and kabkota, 9 engine state (staleness).
    with django_assert_num_queries(9):
        response = client.get(URL, {"kecamatan": "357101"})

    assert len(response.json()["features"]) == tps_count
    assert {f["properties"]["status"] for f in response.json()["features"]} <= {"covered", "short"}


@pytest.mark.parametrize("tps_count", [5, 50])
def test_map_layer_query_count_does_not_grow_with_the_data(
    login, polsek_staff, election_day, django_assert_num_queries, tps_count
):
    tps_batch(tps_count, desa_count=5)
    coverage_recompute()
    client = login(polsek_staff)

    # 1 session, 2 the user with their role (Polsek staff profile and unit, the kecamatan),
    # 3 operation, 4 its phases, 5 coverage snapshot, 6 its rows for these TPS, 7 TPS (id,
    # point, class), 8 engine state (staleness).
    with django_assert_num_queries(8):
        response = client.get(URL, {"fields": "map"})

    assert len(response.json()["features"]) == tps_count
