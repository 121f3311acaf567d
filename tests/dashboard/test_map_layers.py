"""The map's layers under /api/ (docs/api-additions.md) and the lean TPS layer's transport."""

import gzip
import json

import pytest

from deployments.models import Assignment, PostKind
from tests.api.helpers import tps_batch
from tests.factories import SQUARE, AssignmentFactory, DesaFactory, PostFactory

BIG_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[111.9, -7.9], [112.1, -7.9], [112.1, -7.7], [111.9, -7.7], [111.9, -7.9]]],
}


@pytest.fixture
def boundaries(mojoroto, pesantren, tps_a, tps_b):
    mojoroto.boundary = BIG_SQUARE
    mojoroto.save(update_fields=["boundary"])
    pesantren.boundary = BIG_SQUARE
    pesantren.save(update_fields=["boundary"])
    for desa in (tps_a.desa, tps_b.desa):
        desa.boundary = SQUARE
        desa.save(update_fields=["boundary"])


def test_kecamatan_boundaries_are_a_feature_collection(login, command_staff, boundaries):
    client = login(command_staff)

    response = client.get("/api/boundaries.geojson")

    body = response.json()
    assert response["Content-Type"] == "application/geo+json"
    assert body["level"] == "kecamatan"
    assert [f["properties"] for f in body["features"]] == [
        {"code": "357101", "name": "Mojoroto"},
        {"code": "357103", "name": "Pesantren"},
    ]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert "private" in response["Cache-Control"]


def test_desa_boundaries_name_their_kecamatan(login, command_staff, boundaries):
    client = login(command_staff)

    body = client.get("/api/boundaries.geojson", {"level": "desa"}).json()

    assert body["features"][0]["properties"] == {
        "code": "3571011001",
        "name": "Bandar Lor",
        "kecamatan_code": "357101",
    }


def test_boundaries_are_simplified_and_rounded(login, command_staff, mojoroto):
    ring = [[111.9 + i * 0.0000001, -7.8] for i in range(50)]
    mojoroto.boundary = {
        "type": "Polygon",
        "coordinates": [[*ring, [111.95, -7.75123456789], [111.9, -7.75], [111.9, -7.8]]],
    }
    mojoroto.save(update_fields=["boundary"])
    client = login(command_staff)

    body = client.get("/api/boundaries.geojson").json()

    coordinates = body["features"][0]["geometry"]["coordinates"][0]
    assert len(coordinates) < 10  # the 50 points on one straight line are one segment
    assert [111.95, -7.75123] in coordinates


def test_polsek_staff_get_the_boundaries_of_their_kecamatan_only(login, polsek_staff, boundaries):
    client = login(polsek_staff)

    kecamatan = client.get("/api/boundaries.geojson").json()
    desa = client.get("/api/boundaries.geojson", {"level": "desa"}).json()

    assert [f["id"] for f in kecamatan["features"]] == ["357101"]
    assert [f["id"] for f in desa["features"]] == ["3571011001"]


def test_boundaries_are_cached_per_scope(
    login, command_staff, polsek_staff_other, boundaries, django_assert_num_queries
):
    client = login(command_staff)
    client.get("/api/boundaries.geojson")
    other = login(polsek_staff_other)

    body = other.get("/api/boundaries.geojson").json()
    # 1 session, 2 the user with their role (Polsek profile and unit); no boundary query: cached.
    with django_assert_num_queries(2):
        again = other.get("/api/boundaries.geojson").json()

    assert [f["id"] for f in body["features"]] == ["357103"]
    assert again == body


def test_unknown_boundary_level_is_a_400(login, command_staff, boundaries):
    client = login(command_staff)

    response = client.get("/api/boundaries.geojson", {"level": "provinsi"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"level": ["Tingkat batas tidak dikenal: provinsi (kecamatan atau desa)"]}
    }


def test_posts_with_a_position_and_their_people(login, command_staff, election_day, tps_a):
    posko = PostFactory(
        name="Posko Polres", desa=tps_a.desa, latitude="-7.815000", longitude="111.985000"
    )
    PostFactory(name="Cadangan Brimob", kind=PostKind.CADANGAN)  # no position: not drawn
    AssignmentFactory(kind=PostKind.POSKO, post=posko)
    client = login(command_staff)

    body = client.get("/api/posts.geojson").json()

    assert body["phase"] == "pemungutan"
    assert body["features"] == [
        {
            "type": "Feature",
            "id": posko.pk,
            "geometry": {"type": "Point", "coordinates": [111.985, -7.815]},
            "properties": {
                "kind": "posko",
                "kind_label": "Posko",
                "name": "Posko Polres",
                "desa": "Bandar Lor",
                "address": "",
                "personnel": 1,
            },
        }
    ]


def test_a_post_counts_its_active_duties_only(login, command_staff, election_day, tps_a):
    # A guard relieved to an incident no longer mans the post (coverage counts active duties
    # only since dispatch); a cancelled duty never did. Before: 2, the relieved one too.
    pos = PostFactory(name="Pos Pam Bandar", desa=tps_a.desa, latitude="-7.8", longitude="112.0")
    AssignmentFactory(kind=PostKind.POS_PAM, post=pos)
    AssignmentFactory(kind=PostKind.POS_PAM, post=pos, status=Assignment.Status.RELIEVED)
    AssignmentFactory(kind=PostKind.POS_PAM, post=pos, status=Assignment.Status.CANCELLED)
    client = login(command_staff)

    body = client.get("/api/posts.geojson").json()

    assert [f["properties"]["personnel"] for f in body["features"]] == [1]


def test_polsek_staff_do_not_see_posts_of_another_kecamatan(
    login, polsek_staff_other, election_day, tps_a
):
    PostFactory(name="Pos Pam Bandar", desa=tps_a.desa, latitude="-7.8", longitude="112.0")
    client = login(polsek_staff_other)

    body = client.get("/api/posts.geojson").json()

    assert body["features"] == []


def test_aggregates_count_tps_and_statuses_per_kecamatan(login, command_staff, picture):
    client = login(command_staff)

    body = client.get("/api/tps-aggregate.json").json()

    by_code = {f["id"]: f["properties"] for f in body["features"]}
    assert body["level"] == "kecamatan"
    assert body["tps_total"] == 4
    assert by_code["357101"]["status"] == {"covered": 1, "short": 1, "unguarded": 1}
    assert by_code["357103"]["status"] == {"covered": 1, "short": 0, "unguarded": 0}
    assert by_code["357101"]["tps"] == 3


def test_aggregates_per_desa_follow_the_filters(login, command_staff, picture):
    client = login(command_staff)

    body = client.get("/api/tps-aggregate.json", {"level": "desa", "status": "uncovered"}).json()

    assert [(f["id"], f["properties"]["tps"]) for f in body["features"]] == [("3571011001", 2)]


def test_aggregates_refuse_an_unknown_level_or_filter(login, command_staff, picture):
    client = login(command_staff)

    level = client.get("/api/tps-aggregate.json", {"level": "tps"})
    kecamatan = client.get("/api/tps-aggregate.json", {"kecamatan": "9999"})

    assert level.status_code == 400
    assert kecamatan.status_code == 400
    assert kecamatan.json() == {"errors": {"kecamatan": ["Kode kecamatan tidak dikenal: 9999"]}}


@pytest.mark.parametrize(
    "path", ["/api/boundaries.geojson", "/api/posts.geojson", "/api/tps-aggregate.json"]
)
def test_map_layers_answer_401_and_403_as_json(login, field_officer, path):
    anonymous = login(None).get(path)
    officer = login(field_officer).get(path)

    assert anonymous.status_code == 401
    assert officer.status_code == 403
    assert "detail" in officer.json()


def test_lean_layer_of_839_tps_is_small_and_served_gzipped(login, command_staff, election_day):
    from deployments.coverage import coverage_recompute

    tps_batch(839, desa_count=106)
    coverage_recompute()
    client = login(command_staff)

    plain = client.get("/api/tps.geojson", {"fields": "map"})
    packed = client.get("/api/tps.geojson", {"fields": "map"}, headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain
    assert len(plain.content) < 150 * 1024
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(plain.json()["features"]) == 839


def test_dashboard_page_is_served_gzipped(login, command_staff, picture):
    client = login(command_staff)

    response = client.get("/", headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"Dasbor komando" in gzip.decompress(response.content)


def test_desa_without_boundary_is_left_out(login, command_staff, mojoroto):
    DesaFactory(kecamatan=mojoroto, code="3571011002", name="Tanpa Batas")
    client = login(command_staff)

    body = client.get("/api/boundaries.geojson", {"level": "desa"}).json()

    assert body["features"] == []
