"""GET /api/tps-status.json (API.md): marker colours without reloading the layer."""

import pytest

from deployments.coverage import coverage_recompute
from tests.api.helpers import linmas_pair_at, tps_batch
from tests.factories import SecurityPatternFactory


def test_is_empty_until_coverage_is_computed(login, command_staff, election_day, tps_a):
    linmas_pair_at(tps_a)
    client = login(command_staff)

    response = client.get("/api/tps-status.json")

    assert response.json() == {"computed_at": None, "status": {}}


def test_gives_each_visible_tps_its_status_from_the_snapshot(
    login, polsek_staff, election_day, tps_a, tps_b
):
    SecurityPatternFactory(operation=election_day, force="LINMAS", personnel_count=2, tps_count=1)
    linmas_pair_at(tps_a)
    coverage_recompute()
    client = login(polsek_staff)

    body = client.get("/api/tps-status.json").json()

    assert body["status"] == {str(tps_a.pk): "covered"}  # tps_b is in another kecamatan
    assert body["computed_at"] == "2024-11-27T09:00:00+07:00"


@pytest.mark.parametrize("tps_count", [5, 50])
def test_query_count_does_not_grow_with_the_data(
    login, polsek_staff, election_day, django_assert_num_queries, tps_count
):
    tps_batch(tps_count, desa_count=5)
    coverage_recompute()
    client = login(polsek_staff)

    # 1 session, 2 the user with their role (Polsek staff profile and unit), 3 operation,
    # 4 its phases, 5 snapshot, 6 its rows for the TPS in scope.
    with django_assert_num_queries(6):
        client.get("/api/tps-status.json")
