"""GET /api/tps-status.json?since=<snapshot id> (docs/api-additions.md): only what changed."""

from deployments.coverage import coverage_recompute
from deployments.models import CoverageSnapshot
from tests.api.helpers import linmas_pair_at, tps_batch
from tests.factories import SecurityPatternFactory


def _snapshots(election_day):
    """Three TPS, the first covered; then the second covered too: two snapshots."""
    SecurityPatternFactory(operation=election_day, force="LINMAS", personnel_count=2, tps_count=1)
    stations = tps_batch(3, desa_count=1)
    linmas_pair_at(stations[0])
    coverage_recompute(force=True)
    before = CoverageSnapshot.objects.latest("created_at")
    linmas_pair_at(stations[1])
    coverage_recompute(force=True)
    return stations, before, CoverageSnapshot.objects.latest("created_at")


def test_since_an_earlier_snapshot_lists_only_the_tps_whose_status_changed(
    login, command_staff, election_day
):
    stations, before, after = _snapshots(election_day)
    client = login(command_staff)

    body = client.get("/api/tps-status.json", {"since": before.pk}).json()

    assert body["status"] == {str(stations[1].pk): "covered"}
    assert body["since"] == before.pk
    assert body["snapshot"] == after.pk
    assert body["removed"] == []


def test_the_full_answer_names_its_snapshot_and_keeps_api_md_shape(
    login, command_staff, election_day
):
    stations, _before, after = _snapshots(election_day)

    body = login(command_staff).get("/api/tps-status.json").json()

    assert body["snapshot"] == after.pk
    assert set(body["status"]) == {str(s.pk) for s in stations}
    assert body["computed_at"] == "2024-11-27T09:00:00+07:00"
    assert "since" not in body


def test_since_the_current_snapshot_is_empty(login, command_staff, election_day):
    _stations, _before, after = _snapshots(election_day)

    body = login(command_staff).get("/api/tps-status.json", {"since": after.pk}).json()

    assert body["status"] == {}


def test_since_an_unknown_or_later_snapshot_gives_everything(login, command_staff, election_day):
    stations, _before, after = _snapshots(election_day)

    body = login(command_staff).get("/api/tps-status.json", {"since": after.pk + 1000}).json()

    assert len(body["status"]) == len(stations)
    assert "since" not in body


def test_a_malformed_since_is_a_400_in_indonesian(login, command_staff, election_day):
    _snapshots(election_day)

    response = login(command_staff).get("/api/tps-status.json", {"since": "kemarin"})

    assert response.status_code == 400
    assert response.json()["errors"]["since"] == [
        "since harus berupa nomor snapshot (bilangan bulat positif): kemarin"
    ]


def test_the_delta_is_within_the_users_scope(login, polsek_staff_other, election_day):
    _stations, before, _after = _snapshots(election_day)  # all in Mojoroto

    body = login(polsek_staff_other).get("/api/tps-status.json", {"since": before.pk}).json()

    assert body["status"] == {}
    assert body["removed"] == []
