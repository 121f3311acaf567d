"""The dashboard's query budget: the same number of queries at 839 TPS and at 8,390.

Each test runs on both sizes of the module-scoped `synthetic` operation, with a cold cache (the
autouse `empty_cache` fixture), so the counts below are those of a new snapshot's first view.
Every count is listed. None includes a session save: a session is saved at most once a minute
(opsboard.sessions.IdleTimeoutMiddleware), so requests in these tests write nothing but what
the view itself writes (an export's line in the audit log).
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
    # 1 session, 2 the user with their role, 3 operation, 4 its phases, 5 snapshot, 6 engine
    # state (stale?), 7 kabupaten/kota choices, 8 kecamatan choices, 9 personnel per force,
    # 10 snapshot rows per class and status (the figures), 11 snapshot rows per kecamatan,
    # 12 their Polsek, 13 gap count, 14 the gap page with TPS and places, 15 the area's history
    # (trend).
    with django_assert_num_queries(15):
        response = kabagops.get("/")

    assert response.status_code == 200
    assert f'data-figure="tps-total">{synthetic["size"]:,}'.replace(",", ".") in (
        response.content.decode()
    )


def test_dashboard_page_filtered_by_kecamatan(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 the kecamatan named,
    # 6 snapshot, 7 engine state, 8 kabupaten/kota choices, 9 kecamatan choices, 10 its desa
    # (choices), 11 personnel of the area per force, 12 figures, 13 snapshot rows per desa,
    # 14 gap count, 15 gap page, 16 trend.
    with django_assert_num_queries(16):
        response = kabagops.get("/", {"kecamatan": "357101", "status": "uncovered"})

    assert response.status_code == 200


def test_dashboard_page_for_polsek_staff(polsek, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role (Polsek staff profile and unit, the kecamatan),
    # 3 operation, 4 phases, 5 snapshot, 6 kecamatan (the title), 7 engine state, 8 desa
    # choices, 9 personnel, 10 figures, 11 rows per desa, 12 gap count, 13 gap page, 14 trend.
    with django_assert_num_queries(14):
        response = polsek.get("/")

    assert response.status_code == 200


def test_live_refresh(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 personnel,
    # 7 figures, 8 engine state, 9 trend, 10 gap count, 11 gap page, 12 rows per kecamatan,
    # 13 Polsek.
    with django_assert_num_queries(13):
        response = kabagops.get("/", headers=POLL)

    assert '<section id="gaps" class="card" hx-swap-oob="true"' in response.content.decode()


def test_live_refresh_from_the_cache_costs_the_snapshot_lookup(
    kabagops, synthetic, django_assert_num_queries
):
    kabagops.get("/", headers=POLL)

    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot (same id: the
    # cache answers), 6 engine state (staleness is real time, never cached).
    with django_assert_num_queries(6):
        kabagops.get("/", headers=POLL)


def test_gap_table_page(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 gap count,
    # 7 gap page.
    with django_assert_num_queries(7):
        response = kabagops.get(
            "/",
            {"sort": "pemilih", "page": "1"},
            headers={"HX-Request": "true", "HX-Target": "gaps"},
        )

    assert response.status_code == 200


def test_area_table(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 rows per
    # kecamatan, 7 their Polsek.
    with django_assert_num_queries(7):
        kabagops.get("/", headers={"HX-Request": "true", "HX-Target": "areas"})


def test_wall_screen(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 kecamatan
    # (the cycle), 7 figures, 8 engine state, 9 personnel, 10 gap count, 11 gap page.
    with django_assert_num_queries(11):
        kabagops.get("/wall/")


def test_gap_table_export(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 engine state
    # (noted in the sheet), 7 gap count (for the audit log), 8 the audit log's line, 9 every
    # gap with TPS and places (streamed).
    with django_assert_num_queries(9):
        response = kabagops.get("/export/gaps/", {"format": "csv"})
        b"".join(response.streaming_content)


def test_area_table_export(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 rows per
    # kecamatan, 7 Polsek, 8 engine state, 9 the guarded objects' count (for the audit log),
    # 10 the audit log's line, 11 the objects' rows (the XLSX's second sheet).
    with django_assert_num_queries(11):
        kabagops.get("/export/areas/")


def test_tps_page(kabagops, synthetic, django_assert_num_queries):
    station = synthetic["first_tps"][5 % len(synthetic["first_tps"])]

    # 1 session, 2 the user with their role, 3 TPS with places, 4 operation, 5 phases,
    # 6 snapshot, 7 its row for the TPS, 8 guards in the phase, 9-11 its live state (last
    # check-in, step reached, open incidents), 12 every assignment with Sprin, 13 indicators,
    # 14-17 its field timeline (check-ins, steps, reports, incidents).
    with django_assert_num_queries(17):
        kabagops.get(f"/tps/{station}/")


def test_tps_popup(kabagops, synthetic, django_assert_num_queries):
    station = synthetic["first_tps"][0]

    # 1 session, 2 the user with their role, 3 TPS with places, 4 operation, 5 phases,
    # 6 snapshot, 7 its row for the TPS, 8 guards, 9-11 its live state (last check-in, step
    # reached, open incidents).
    with django_assert_num_queries(11):
        kabagops.get(f"/tps/{station}/popup/")


def test_boundaries(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 the boundaries (cold cache).
    with django_assert_num_queries(3):
        kabagops.get("/api/boundaries.geojson", {"level": "desa"})


def test_posts(kabagops, synthetic, django_assert_num_queries):
    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot (the form's),
    # 6 posts with their manning.
    with django_assert_num_queries(6):
        kabagops.get("/api/posts.geojson")


@pytest.mark.parametrize("level", ["kecamatan", "desa"])
def test_aggregated_markers(polsek, synthetic, django_assert_num_queries, level):
    # 1 session, 2 the user with their role (Polsek staff profile and unit), 3 operation,
    # 4 phases, 5 snapshot, 6 TPS grouped with their statuses.
    with django_assert_num_queries(6):
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
