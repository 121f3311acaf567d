"""The dashboard's query budget: the same number of queries at 839 TPS and at 8,390.

Each test runs on both sizes of the module-scoped `synthetic` operation, with a cold cache (the
autouse `empty_cache` fixture), so the counts below are those of a new snapshot's first view.
Every count is listed; "session save" is the savepoint, the update and its release.
"""

import pytest

POLL = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}


@pytest.fixture
def kabagops(login, synthetic_command_staff, synthetic_clock):
    return login(synthetic_command_staff)


@pytest.fixture
def polsek(login, synthetic_polsek_staff, synthetic_clock):
    return login(synthetic_polsek_staff)


def test_dashboard_page(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 user's groups (the role), 4 operation, 5 its phases, 6 snapshot,
    # 7 engine state (stale?), 8 kabupaten/kota choices, 9 kecamatan choices, 10 personnel per
    # force, 11 snapshot rows per class and status (the figures), 12 the area's history (trend),
    # 13 gap count, 14 the gap page with TPS and places, 15 snapshot rows per kecamatan,
    # 16 their Polsek, 17-19 session save.
    with django_assert_num_queries(19):
        response = kabagops.get("/")

    assert response.status_code == 200
    assert f'data-figure="tps-total">{synthetic["size"]:,}'.replace(",", ".") in (
        response.content.decode()
    )


def test_dashboard_page_filtered_by_kecamatan(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 the kecamatan named, 7 snapshot,
    # 8 engine state, 9 kabupaten/kota choices, 10 kecamatan choices, 11 its desa (choices),
    # 12 personnel of the area per force, 13 figures, 14 trend, 15 gap count, 16 gap page,
    # 17 snapshot rows per desa, 18-20 session save.
    with django_assert_num_queries(20):
        response = kabagops.get("/", {"kecamatan": "357101", "status": "uncovered"})

    assert response.status_code == 200


def test_dashboard_page_for_polsek_staff(polsek, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 Polsek staff profile, 5 its unit (the kecamatan),
    # 6 operation, 7 phases, 8 snapshot, 9 kecamatan (the title), 10 engine state, 11 desa
    # choices, 12 personnel, 13 figures, 14 trend, 15 gap count, 16 gap page, 17 rows per desa,
    # 18-20 session save.
    with django_assert_num_queries(20):
        response = polsek.get("/")

    assert response.status_code == 200


def test_live_refresh(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 personnel, 8 figures,
    # 9 engine state, 10 trend, 11 gap count, 12 gap page, 13 rows per kecamatan, 14 Polsek,
    # 15-17 session save.
    with django_assert_num_queries(17):
        response = kabagops.get("/", headers=POLL)

    assert '<section id="gaps" class="card" hx-swap-oob="true"' in response.content.decode()


def test_live_refresh_from_the_cache_costs_the_snapshot_lookup(
    kabagops, synthetic, django_assert_num_queries
):
    kabagops.get("/", headers=POLL)

    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot (same id: the cache
    # answers), 7 engine state (staleness is real time, never cached), 8-10 session save.
    with django_assert_num_queries(10):
        kabagops.get("/", headers=POLL)


def test_gap_table_page(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 gap count, 8 gap page,
    # 9-11 session save.
    with django_assert_num_queries(11):
        response = kabagops.get(
            "/",
            {"sort": "pemilih", "page": "1"},
            headers={"HX-Request": "true", "HX-Target": "gaps"},
        )

    assert response.status_code == 200


def test_area_table(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 rows per kecamatan,
    # 8 their Polsek, 9-11 session save.
    with django_assert_num_queries(11):
        kabagops.get("/", headers={"HX-Request": "true", "HX-Target": "areas"})


def test_wall_screen(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 kecamatan (the cycle),
    # 8 figures, 9 engine state, 10 personnel, 11 gap count, 12 gap page, 13-15 session save.
    with django_assert_num_queries(15):
        kabagops.get("/wall/")


def test_gap_table_export(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 engine state (noted in
    # the sheet), 8 every gap with TPS and places, 9-11 session save.
    with django_assert_num_queries(11):
        response = kabagops.get("/export/gaps/", {"format": "csv"})
        b"".join(response.streaming_content)


def test_area_table_export(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot, 7 rows per kecamatan,
    # 8 Polsek, 9 engine state, 10-12 session save.
    with django_assert_num_queries(12):
        kabagops.get("/export/areas/")


def test_tps_page(kabagops, synthetic, django_assert_num_queries):
    station = synthetic["first_tps"][5 % len(synthetic["first_tps"])]

    # 1 session, 2 user, 3 groups, 4 TPS with places, 5 operation, 6 phases, 7 snapshot,
    # 8 its row for the TPS, 9 guards in the phase, 10 every assignment with Sprin,
    # 11 indicators, 12-14 session save.
    with django_assert_num_queries(14):
        kabagops.get(f"/tps/{station}/")


def test_tps_popup(kabagops, synthetic, django_assert_num_queries):
    station = synthetic["first_tps"][0]

    # 1 session, 2 user, 3 groups, 4 TPS with places, 5 operation, 6 phases, 7 snapshot,
    # 8 its row for the TPS, 9 guards, 10-12 session save.
    with django_assert_num_queries(12):
        kabagops.get(f"/tps/{station}/popup/")


def test_boundaries(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 the boundaries (cold cache), 5-7 session save.
    with django_assert_num_queries(7):
        kabagops.get("/api/boundaries.geojson", {"level": "desa"})


def test_posts(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 operation, 5 phases, 6 snapshot (the form's), 7 posts with
    # their manning, 8-10 session save.
    with django_assert_num_queries(10):
        kabagops.get("/api/posts.geojson")


@pytest.mark.parametrize("level", ["kecamatan", "desa"])
def test_aggregated_markers(polsek, synthetic, django_assert_num_queries, level):
    # 1 session, 2 user, 3 groups, 4 Polsek staff profile, 5 its unit, 6 operation, 7 phases,
    # 8 snapshot, 9 TPS grouped with their statuses, 10-12 session save.
    with django_assert_num_queries(12):
        response = polsek.get("/api/tps-aggregate.json", {"level": level})

    assert response.json()["tps_total"] > 0


def test_area_table_shows_the_60_areas_with_most_gaps(kabagops, synthetic):
    kecamatan = round(synthetic["size"] / 100)  # tests/dashboard/helpers.py: 100 TPS each

    html = kabagops.get("/").content.decode()

    table = html[html.index('id="areas"') : html.index('id="gaps"')]
    assert table.count("<tr data-area=") == min(kecamatan, 60)
    if kecamatan > 60:
        assert f"{kecamatan - 60} lainnya ada di ekspor" in table
    else:
        assert "lainnya ada di ekspor" not in table
