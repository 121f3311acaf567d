"""Coverage as the read API shows it (API.md): summary.json, tps.geojson, the status filter."""

import pytest

from deployments.coverage import coverage_recompute
from tests.api.helpers import linmas_pair_at, polri_pair_covering
from tests.factories import AssignmentFactory, LinmasFactory, SecurityPatternFactory, TPSFactory


@pytest.fixture
def pattern(election_day):
    SecurityPatternFactory(operation=election_day, force="POLRI", personnel_count=2, tps_count=4)
    SecurityPatternFactory(operation=election_day, force="LINMAS", personnel_count=2, tps_count=1)


@pytest.fixture
def four_tps(tps_a):
    """TPS 006 Bandar Lor and three more in its desa: a Polri pair over all four, Linmas at
    three of them in pairs and at the fourth alone."""
    stations = [tps_a, *(TPSFactory(desa=tps_a.desa, number=n) for n in (7, 8, 9))]
    polri_pair_covering(stations)
    for station in stations[:3]:
        linmas_pair_at(station)
    AssignmentFactory(personnel=LinmasFactory(), tps=[stations[3]])
    return stations


def test_summary_coverage_has_the_shape_and_figures_of_api_md(
    login, command_staff, pattern, four_tps, tps_b
):
    coverage_recompute()

    coverage = login(command_staff).get("/api/summary.json").json()["coverage"]

    assert coverage["computed_at"] == "2024-11-27T09:00:00+07:00"
    assert coverage["stale"] is False
    assert coverage["phase"] == "pemungutan"
    assert (
        coverage["tps_total"],
        coverage["covered"],
        coverage["short"],
        coverage["unguarded"],
        coverage["uncovered"],
    ) == (5, 3, 1, 1, 2)
    assert coverage["forces"]["POLRI"] == {"required": 2.5, "assigned": 2.0, "fulfilment": 0.8}
    assert coverage["forces"]["TNI"] == {"required": 0.0, "assigned": 0.0, "fulfilment": None}
    assert coverage["forces"]["LINMAS"] == {"required": 10.0, "assigned": 7.0, "fulfilment": 0.7}
    mojoroto = next(k for k in coverage["kecamatan"] if k["code"] == "357101")
    assert (
        mojoroto["name"],
        mojoroto["tps_total"],
        mojoroto["covered"],
        mojoroto["uncovered"],
    ) == ("Mojoroto", 4, 3, 1)
    assert mojoroto["forces"]["POLRI"]["fulfilment"] == 1.0


def test_polsek_staff_see_coverage_of_their_kecamatan_only(
    login, polsek_staff, pattern, four_tps, tps_b
):
    coverage_recompute()

    coverage = login(polsek_staff).get("/api/summary.json").json()["coverage"]

    assert (coverage["tps_total"], coverage["unguarded"]) == (4, 0)
    assert [k["code"] for k in coverage["kecamatan"]] == ["357101"]


def test_tps_features_carry_required_assigned_status_and_lacks(
    login, command_staff, pattern, four_tps
):
    coverage_recompute()

    features = login(command_staff).get("/api/tps.geojson").json()["features"]

    by_number = {f["properties"]["number"]: f["properties"] for f in features}
    assert by_number[6]["required"] == {"POLRI": 0.5, "TNI": 0.0, "LINMAS": 2.0}
    assert by_number[6]["assigned"] == {"POLRI": 0.5, "TNI": 0.0, "LINMAS": 2.0}
    assert by_number[6]["guards"] == {"POLRI": 2, "TNI": 0, "LINMAS": 2}
    assert (by_number[6]["covered"], by_number[6]["status"], by_number[6]["lacks"]) == (
        True,
        "covered",
        {},
    )
    assert (by_number[9]["status"], by_number[9]["lacks"]) == ("short", {"LINMAS": 1.0})


def test_status_filter_selects_from_the_snapshot(login, command_staff, pattern, four_tps, tps_b):
    coverage_recompute()
    client = login(command_staff)

    short = client.get("/api/tps.geojson", {"status": "short"}).json()["features"]
    uncovered = client.get("/api/tps.geojson", {"status": "uncovered", "fields": "map"}).json()

    assert [f["properties"]["number"] for f in short] == [9]
    assert sorted(f["properties"]["status"] for f in uncovered["features"]) == [
        "short",
        "unguarded",
    ]
    assert set(uncovered["features"][0]["properties"]) == {"kerawanan", "status"}
