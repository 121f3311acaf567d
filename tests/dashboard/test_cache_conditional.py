"""Conditional GETs of the dashboard's parts and of the map's JSON (docs/dashboard.md, "Cache").

A poll names the version it shows (If-None-Match); while the snapshot, the scope, the filters,
the language and the role are the same the answer is a 304 with no body, and its cost is the
same whatever the number of TPS. A new snapshot is a new ETag.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from deployments.coverage import coverage_recompute
from opsboard import views
from tests.api.helpers import ELECTION_DAY_9AM, linmas_pair_at, polri_pair_covering, tps_batch
from tests.dashboard.conftest import demo_pattern

POLL = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}
GAPS = {"HX-Request": "true", "HX-Target": "gaps"}
AREAS = {"HX-Request": "true", "HX-Target": "areas"}
WALL = {"HX-Request": "true", "HX-Target": "wall-live"}

# (path, headers, queries of a 304): 1 session, 2 the user with their role, 3 operation,
# 4 its phases, 5 snapshot, then what the answer's version depends on besides: the engine's
# state for the parts that show staleness (the live bundle, the wall, tps.geojson).
CONDITIONAL = {
    "live": ("/", POLL, 6),
    "gaps": ("/?sort=pemilih", GAPS, 5),
    "areas": ("/", AREAS, 5),
    "wall": ("/wall/", WALL, 6),
    "tps-status": ("/api/tps-status.json", {}, 5),
    "tps-layer": ("/api/tps.geojson?fields=map", {}, 6),
    "aggregates": ("/api/tps-aggregate.json?level=desa", {}, 5),
}


def _grid(operation, size: int):
    """`size` TPS in Mojoroto with a snapshot: the first four guarded by Polri and Linmas."""
    demo_pattern(operation)
    stations = tps_batch(size, desa_count=5)
    polri_pair_covering(stations[:4])
    for station in stations[:4]:
        linmas_pair_at(station)
    coverage_recompute()
    return stations


@pytest.fixture(params=[10, 200], ids=lambda n: f"{n}tps")
def sized_grid(request, election_day):
    return _grid(election_day, request.param)


@pytest.fixture
def covered_grid(election_day):
    return _grid(election_day, 10)


@pytest.mark.parametrize("name", list(CONDITIONAL))
def test_a_second_request_naming_its_etag_is_a_304_with_no_body_at_any_size(
    name, login, command_staff, sized_grid, django_assert_num_queries
):
    path, headers, queries = CONDITIONAL[name]
    client = login(command_staff)
    first = client.get(path, headers=headers)
    assert first.status_code == 200
    tag = first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]

    with django_assert_num_queries(queries):
        again = client.get(path, headers={**headers, "If-None-Match": tag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag


def test_a_304_of_the_live_bundle_says_when_it_was_refreshed(login, command_staff, covered_grid):
    client = login(command_staff)
    tag = client.get("/", headers=POLL)["ETag"]

    again = client.get("/", headers={**POLL, "If-None-Match": tag})

    assert again.status_code == 304
    assert again["X-Opsboard-Refreshed"].endswith(" WIB")


@pytest.mark.parametrize("name", ["live", "tps-status", "tps-layer", "aggregates"])
def test_a_new_snapshot_changes_the_etag(name, login, command_staff, covered_grid):
    path, headers, _queries = CONDITIONAL[name]
    client = login(command_staff)
    tag = client.get(path, headers=headers)["ETag"]
    linmas_pair_at(covered_grid[-1])
    assert coverage_recompute(force=True)  # a new snapshot

    again = client.get(path, headers={**headers, "If-None-Match": tag})

    assert again.status_code == 200
    assert again["ETag"] != tag
    assert again.content


def test_the_etag_differs_by_scope_filter_language_and_poll(
    login, command_staff, polsek_staff, covered_grid
):
    client = login(command_staff)
    tags = {
        "all": client.get("/", headers=POLL)["ETag"],
        "filtered": client.get("/?kerawanan=rawan", headers=POLL)["ETag"],
        "not polled": client.get("/", headers={**POLL, "X-Opsboard-Poll": "0"})["ETag"],
        "gaps": client.get("/", headers=GAPS)["ETag"],
    }
    client.cookies["django_language"] = "en"
    tags["english"] = client.get("/", headers=POLL)["ETag"]
    del client.cookies["django_language"]
    tags["polsek"] = login(polsek_staff).get("/", headers=POLL)["ETag"]

    assert len(set(tags.values())) == len(tags), tags


def test_another_role_with_the_same_etag_gets_its_own_answer(
    login, command_staff, polsek_staff, covered_grid
):
    tag = login(command_staff).get("/api/tps-status.json")["ETag"]

    answer = login(polsek_staff).get("/api/tps-status.json", headers={"If-None-Match": tag})

    assert answer.status_code == 200


def test_a_body_from_the_cache_carries_the_time_of_its_own_refresh(
    login, command_staff, covered_grid, monkeypatch
):
    client = login(command_staff)
    client.get("/", headers=POLL)  # renders and stores the body
    later = ELECTION_DAY_9AM.replace(hour=23, minute=47)
    monkeypatch.setattr(views, "timezone", SimpleNamespace(now=lambda: later))

    again = client.get("/", headers=POLL)

    assert 'data-figure="refreshed-at">23.47 WIB<' in again.content.decode()
    assert again["X-Opsboard-Refreshed"] == "23.47 WIB"
    assert timezone.now() != later  # only the view's clock was moved


def test_the_full_page_is_never_answered_304(login, command_staff, covered_grid):
    client = login(command_staff)
    page = client.get("/")

    assert "ETag" not in page
    assert client.get("/", headers={"If-None-Match": "*"}).status_code == 200


def test_a_json_body_is_stored_gzipped_once_and_served_as_is_or_inflated(
    login, command_staff, covered_grid, django_assert_num_queries
):
    """The stored body is the gzip of the JSON: a client taking gzip gets those bytes with no
    compression on the way out, one that does not gets the same JSON inflated."""
    import gzip
    import json

    client = login(command_staff)
    first = client.get("/api/tps-status.json", HTTP_ACCEPT_ENCODING="gzip, br")
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    assert int(first["Content-Length"]) == len(first.content)
    packed = json.loads(gzip.decompress(first.content))
    assert len(packed["status"]) == len(covered_grid)
    # The second answer comes from the store: no row of the snapshot is read again.
    with django_assert_num_queries(CONDITIONAL["tps-status"][2]):
        again = client.get("/api/tps-status.json", HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == first.content
    plain = client.get("/api/tps-status.json")
    assert not plain.has_header("Content-Encoding")
    assert json.loads(plain.content) == packed
