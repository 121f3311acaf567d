"""The map by viewport (docs/api-additions.md): bbox= gives only what lies inside, and a view at
Polda-like density costs a bounded number of bytes, whatever the size of the operation."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from deployments.coverage import coverage_recompute
from tests.api.helpers import ELECTION_DAY_9AM
from tests.factories import DesaFactory, KecamatanFactory, OperationFactory
from tps.models import TPS

# A grid of 60 × 60 TPS 0.002° (~220 m) apart: 3,600 TPS on ~17 km², ten times the average
# density of a Polda (60,312 TPS) and denser than Kota Kediri's centre.
SIDE, STEP = 60, Decimal("0.002")
WEST, SOUTH = Decimal("111.900000"), Decimal("-7.900000")
# A zoom-14 view on a 1366×768 screen is ~0.117° × 0.066° (map.js asks for it padded by a
# quarter on each side); its corner inside the grid, so the grid fills a part of it.
VIEW = (Decimal("111.95"), Decimal("-7.85"), Decimal("112.067"), Decimal("-7.784"))
# A lean feature is ~150 bytes: {"type":"Feature","id":…,"geometry":{…},"properties":{…}}.
BYTES_PER_FEATURE = 160


@pytest.fixture(scope="module")
def grid_data(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(OPSBOARD_NOW=ELECTION_DAY_9AM):
            OperationFactory()
            _build_grid()
            coverage_recompute(force=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def grid(grid_data, db, settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM


def _build_grid() -> None:
    kecamatan = KecamatanFactory(code="357101")
    desa = [DesaFactory(kecamatan=kecamatan, code=f"357101{2001 + i}") for i in range(SIDE)]
    TPS.objects.bulk_create(
        TPS(
            desa=desa[row],
            number=column + 1,
            latitude=SOUTH + STEP * row,
            longitude=WEST + STEP * column,
            registered_voters=400,
            kerawanan="kurang_rawan",
        )
        for row in range(SIDE)
        for column in range(SIDE)
    )


def _inside(feature, box) -> bool:
    lng, lat = feature["geometry"]["coordinates"]
    return box[0] <= lng <= box[2] and box[1] <= lat <= box[3]


def _expected_inside(box) -> int:
    return TPS.objects.filter(
        longitude__gte=box[0], longitude__lte=box[2], latitude__gte=box[1], latitude__lte=box[3]
    ).count()


def test_the_lean_layer_for_a_bbox_holds_only_the_tps_inside(login, command_staff, grid):
    bbox = ",".join(str(v) for v in VIEW)

    body = login(command_staff).get("/api/tps.geojson", {"fields": "map", "bbox": bbox}).json()

    box = [float(v) for v in VIEW]
    assert body["features"]
    assert all(_inside(feature, box) for feature in body["features"])
    assert len(body["features"]) == _expected_inside(VIEW)


def test_a_view_at_polda_density_is_a_bounded_number_of_bytes(login, command_staff, grid):
    bbox = ",".join(str(v) for v in VIEW)
    client = login(command_staff)

    whole = client.get("/api/tps.geojson", {"fields": "map"}).content
    view = client.get("/api/tps.geojson", {"fields": "map", "bbox": bbox}).content

    inside = _expected_inside(VIEW)
    assert inside < SIDE * SIDE / 2
    assert len(view) <= 400 + BYTES_PER_FEATURE * inside
    assert len(view) <= 200 * 1024  # a dense city view; the whole Polda layer is ~9 MB
    assert len(view) < len(whole) / 2


def test_desa_markers_for_a_bbox_count_only_the_tps_inside(login, command_staff, grid):
    bbox = ",".join(str(v) for v in VIEW)

    response = login(command_staff).get("/api/tps-aggregate.json", {"bbox": bbox, "zoom": "14"})

    body = response.json()
    assert body["level"] == "desa"  # zoom 14: desa markers
    assert body["tps_total"] == _expected_inside(VIEW)
    assert len(body["features"]) < SIDE  # only the desa with TPS in view
    assert len(response.content) <= 240 * len(body["features"]) + 400


def test_at_a_low_zoom_the_markers_are_kecamatan(login, command_staff, grid):
    body = login(command_staff).get("/api/tps-aggregate.json", {"zoom": "9"}).json()

    assert body["level"] == "kecamatan"
    assert [f["properties"]["tps"] for f in body["features"]] == [SIDE * SIDE]


@pytest.mark.parametrize("zoom", ["-1", "23", "tinggi"])
def test_a_bad_zoom_is_a_400(login, command_staff, election_day, zoom):
    response = login(command_staff).get("/api/tps-aggregate.json", {"zoom": zoom})

    assert response.status_code == 400
    assert "zoom" in response.json()["errors"]
