"""The map's layer of open incidents (/api/incidents.geojson, docs/api-additions.md), the wall
screen's incident part and the TPS page's field timeline and popup state."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core import clock
from field.alerts import services as alerts
from field.incidents.models import Incident
from field.incidents.services import incident_reject, incident_verify
from field.services import checkin_record, tps_status_step_record
from tests.factories import DesaFactory, TPSFactory
from tests.field.incident_helpers import report

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[111.90, -7.80], [112.00, -7.80], [112.00, -7.90], [111.90, -7.90], [111.90, -7.80]]
    ],
}


def _incident(*, severity=2, minutes_ago=10, **place):
    kecamatan = place.pop("kecamatan", None)
    if kecamatan is None:
        source = place.get("tps") or place.get("desa")
        kecamatan = (source.desa if hasattr(source, "desa") else source).kecamatan
    return Incident.objects.create(
        title=place.pop("title", "Massa berkumpul"),
        incident_class="gangguan",
        severity=severity,
        reported_at=clock.now() - timedelta(minutes=minutes_ago),
        kecamatan=kecamatan,
        **place,
    )


def _features(client):
    response = client.get("/api/incidents.geojson")
    assert response.status_code == 200
    return response, {f["id"]: f for f in response.json()["features"]}


def test_places_an_incident_at_its_point_else_its_tps_else_inside_its_desa(
    login, command_staff, tps_a, mojoroto
):
    desa = DesaFactory(kecamatan=mojoroto, code="3571012001", boundary=SQUARE)
    at_point = _incident(
        tps=tps_a, latitude=Decimal("-7.820001"), longitude=Decimal("111.990002"), severity=4
    )
    at_tps = _incident(tps=tps_a, severity=3)
    in_desa = _incident(desa=desa)
    unplaced = _incident(
        desa=DesaFactory(kecamatan=mojoroto, code="3571012002")
    )  # a desa without a boundary

    response, features = _features(login(command_staff))

    assert response["Content-Type"] == "application/geo+json"
    assert features[at_point.pk]["geometry"]["coordinates"] == [111.990002, -7.820001]
    assert features[at_point.pk]["properties"]["placed_at"] == "point"
    assert features[at_tps.pk]["geometry"]["coordinates"] == [111.985, -7.815]
    lng, lat = features[in_desa.pk]["geometry"]["coordinates"]
    assert 111.90 < lng < 112.00 and -7.90 < lat < -7.80
    assert features[in_desa.pk]["properties"]["placed_at"] == "desa"
    assert unplaced.pk not in features
    assert response.json()["unplaced"] == 1


def test_gives_what_the_popup_shows_most_severe_first(login, command_staff, tps_a):
    old = _incident(tps=tps_a, severity=2, minutes_ago=40, title="Spanduk dirusak")
    urgent = _incident(tps=tps_a, severity=4, minutes_ago=5, title="Bentrok")

    response = login(command_staff).get("/api/incidents.geojson").json()

    assert [f["id"] for f in response["features"]] == [urgent.pk, old.pk]
    props = response["features"][1]["properties"]
    assert props["number"] == f"K-{old.pk:04d}"
    assert props["title"] == "Spanduk dirusak"
    assert props["severity"] == 2 and props["severity_label"] == "Sedang"
    assert props["state"] == "dilaporkan"
    assert props["place"] == "TPS 006 Bandar Lor"
    assert props["kecamatan"] == "357101"
    assert props["url"] == f"/lapangan/kejadian/{old.pk}/"
    assert props["waiting"] >= 40


def test_holds_only_open_incidents(login, command_staff, guard, tps_a):
    kept = _incident(tps=tps_a)
    rejected = _incident(tps=tps_a)
    incident_reject(incident=rejected, by=command_staff, reason="Bukan kejadian")

    _response, features = _features(login(command_staff))

    assert list(features) == [kept.pk]


def test_polsek_staff_get_their_kecamatan_only(login, polsek_staff, tps_a, tps_b):
    own = _incident(tps=tps_a)
    _incident(tps=tps_b)

    _response, features = _features(login(polsek_staff))

    assert list(features) == [own.pk]


def test_field_officers_get_403_and_anonymous_401(login, field_officer, tps_a):
    _incident(tps=tps_a)

    assert login(field_officer).get("/api/incidents.geojson").status_code == 403
    assert login(None).get("/api/incidents.geojson").status_code == 401


@pytest.mark.parametrize("count", [2, 12])
def test_incident_layer_takes_a_fixed_number_of_queries(
    login, command_staff, mojoroto, django_assert_num_queries, count
):
    desa = DesaFactory(kecamatan=mojoroto, code="3571012001", boundary=SQUARE)
    for n in range(count):
        station = TPSFactory(desa=desa, number=100 + n)
        if n % 2:
            _incident(tps=station)
        else:
            _incident(desa=desa)
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 the open incidents with their places.
    with django_assert_num_queries(3):
        response = client.get("/api/incidents.geojson")

    assert len(response.json()["features"]) == count


# The wall screen's part


def test_wall_board_lists_open_incidents_by_severity_then_age_and_the_levels(
    login, command_staff, election_day, tps_a, mojoroto, pesantren
):
    _incident(tps=tps_a, severity=2, minutes_ago=50, title="Spanduk dirusak")
    first = _incident(tps=tps_a, severity=3, minutes_ago=30, title="Massa berkumpul")
    _incident(tps=tps_a, severity=3, minutes_ago=5, title="Kotak suara hilang")
    incident_verify(incident=first, by=command_staff)
    alerts.area_alert_set(kecamatan=pesantren, level="merah", reason="Bentrok", by=command_staff)

    html = login(command_staff).get("/lapangan/layar/", HTTP_HX_REQUEST="true").content.decode()

    titles = ["Massa berkumpul", "Kotak suara hilang", "Spanduk dirusak"]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert "menunggu 30 menit" in html
    assert "Diverifikasi: " in html
    assert 'data-kecamatan="357103" data-level="merah"' in html
    assert 'data-kecamatan="357101" data-level="hijau"' in html


def test_wall_screen_loads_its_incident_part_without_asking_more_itself(login, command_staff):
    html = login(command_staff).get("/wall/").content.decode()

    assert 'id="wall-board"' in html and 'hx-get="/lapangan/layar/"' in html
    assert 'data-incidents-url="/api/incidents.geojson"' in html


@pytest.mark.parametrize("count", [1, 8])
def test_wall_board_takes_a_fixed_number_of_queries(
    login, command_staff, tps_a, django_assert_num_queries, count
):
    for _n in range(count):
        _incident(tps=tps_a)
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 the open incidents with their places,
    # 4 their responders, 5 the kecamatan with their levels.
    with django_assert_num_queries(5):
        response = client.get("/lapangan/layar/", HTTP_HX_REQUEST="true")

    assert response.content.decode().count("data-incident=") == count


# The TPS page and the popup


def test_tps_page_shows_the_field_timeline_newest_first(
    settings, login, command_staff, guard, tps_a
):
    tps_status_step_record(person=guard, tps=tps_a, step=1)
    settings.OPSBOARD_NOW += timedelta(minutes=5)
    checkin_record(person=guard, tps=tps_a, latitude=-7.815, longitude=111.985)
    settings.OPSBOARD_NOW += timedelta(minutes=5)
    report(guard, tps=tps_a, text="Massa berkumpul di depan TPS")  # urgent: opens an incident

    html = login(command_staff).get(f"/tps/{tps_a.pk}/").content.decode()

    timeline = html[html.index('id="tps-timeline"') :]
    kinds = [chunk.split('"')[0] for chunk in timeline.split('data-kind="')[1:]]
    assert kinds == ["incident", "report", "checkin", "step"]
    assert "Massa berkumpul di depan TPS" in timeline
    assert "MENDESAK" in timeline
    assert "0 m dari TPS" in timeline
    assert "Petugas pengamanan hadir (H-1)" in timeline


@pytest.mark.parametrize("count", [1, 5])
def test_tps_page_timeline_takes_a_fixed_number_of_queries(
    login, command_staff, guard, tps_a, django_assert_num_queries, count
):
    for n in range(count):
        tps_status_step_record(person=guard, tps=tps_a, step=n + 1)
        checkin_record(person=guard, tps=tps_a)
        report(guard, tps=tps_a, text=f"Laporan {n}")
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 TPS with places, 4 operation, 5 phases,
    # 6 snapshot (none computed here, so no row for the TPS), 7 guards, 8-10 live state (last
    # check-in, step, open incidents), 11 assignments with Sprin, 12 indicators,
    # 13 check-ins, 14 steps, 15 reports, 16 incidents.
    with django_assert_num_queries(16):
        response = client.get(f"/tps/{tps_a.pk}/")

    assert response.content.decode().count('data-kind="') == 4 * count


def test_tps_page_shows_no_phone(login, command_staff, guard, tps_a):
    guard.phone = "+6281234567890"
    guard.save(update_fields=["phone"])
    checkin_record(person=guard, tps=tps_a)

    html = login(command_staff).get(f"/tps/{tps_a.pk}/").content.decode()

    assert guard.name in html
    assert "+6281234567890" not in html and "tel:" not in html


def test_popup_shows_the_live_state(login, command_staff, guard, tps_a):
    tps_status_step_record(person=guard, tps=tps_a, step=2)
    checkin_record(person=guard, tps=tps_a)
    incident = report(guard, tps=tps_a).incident_link.incident

    html = login(command_staff).get(f"/tps/{tps_a.pk}/popup/").content.decode()

    assert 'data-live="incident"' in html
    assert "TPS dibuka" in html
    assert "Check-in terakhir" in html
    assert f'href="/lapangan/kejadian/{incident.pk}/"' in html


def test_popup_of_a_quiet_tps_says_so(login, command_staff, election_day, tps_a):
    html = login(command_staff).get(f"/tps/{tps_a.pk}/popup/").content.decode()

    assert 'data-live="none"' in html
    assert "Belum ada check-in." in html
