"""The command's views of field reporting: incident feed, check-ins per kecamatan, TPS status
for the map (docs/api-additions.md)."""

import pytest

from field.incidents.services import incident_open_from_report, incident_reject
from field.models import SituationReport
from field.services import (
    checkin_record,
    situation_report_create,
    tps_status_step_record,
)
from tests.factories import DesaFactory, TPSFactory
from tests.field.helpers import guard_at, key
from tests.field.incident_helpers import report


def _report(person, kind="gangguan", **extra):
    return situation_report_create(
        person=person,
        kind=kind,
        text=f"Laporan {kind}",
        urgent=extra.pop("urgent", False),
        idempotency_key=key(),
        **extra,
    )[0]


@pytest.fixture
def reports(guard, tps_a, tps_b, settings):
    from datetime import timedelta

    other = guard_at(tps_b, name="Penjaga Blabak")
    first = _report(guard, "aman", tps=tps_a)
    settings.OPSBOARD_NOW += timedelta(minutes=10)
    second = _report(other, "hoaks", tps=tps_b)
    settings.OPSBOARD_NOW += timedelta(minutes=10)
    third = _report(guard, "gangguan", tps=tps_a, urgent=True)
    return first, second, third


def test_the_feed_shows_reports_newest_first(login, command_staff, reports):
    body = login(command_staff).get("/lapangan/insiden/").content.decode()

    first, second, third = reports
    assert body.index(f'id="incident-{third.pk}"') < body.index(f'id="incident-{second.pk}"')
    assert body.index(f'id="incident-{second.pk}"') < body.index(f'id="incident-{first.pk}"')
    assert "MENDESAK" in body


def test_the_feed_filters_by_kind(login, command_staff, reports):
    body = login(command_staff).get("/lapangan/insiden/?kind=hoaks").content.decode()

    assert body.count('class="incident ') == 1
    assert "Laporan hoaks" in body


def test_an_unknown_kind_is_a_400(login, command_staff, reports):
    response = login(command_staff).get("/lapangan/insiden/?kind=kerusuhan")

    assert response.status_code == 400


def test_polsek_staff_see_reports_of_their_kecamatan_only(login, polsek_staff, reports):
    body = login(polsek_staff).get("/lapangan/insiden/").content.decode()

    assert "Laporan gangguan" in body
    assert "Laporan hoaks" not in body


def test_htmx_gets_the_feed_part_alone(login, command_staff, reports):
    response = login(command_staff).get("/lapangan/insiden/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="incident-feed"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_marking_handled_records_who_and_keeps_the_first(login, command_staff, ops_admin, reports):
    report = reports[2]

    response = login(command_staff).post(
        f"/lapangan/insiden/{report.pk}/ditangani/", HTTP_HX_REQUEST="true"
    )
    login(ops_admin).post(f"/lapangan/insiden/{report.pk}/ditangani/")

    report.refresh_from_db()
    assert response.status_code == 200
    assert f'id="incident-{report.pk}"' in response.content.decode()
    assert "Ditangani 09.20 WIB oleh" in response.content.decode()
    assert report.handled_by == command_staff


def test_open_only_leaves_out_handled_reports(login, command_staff, reports):
    client = login(command_staff)
    client.post(f"/lapangan/insiden/{reports[2].pk}/ditangani/")

    body = client.get("/lapangan/insiden/?open=1").content.decode()

    assert f'id="incident-{reports[2].pk}"' not in body
    assert body.count('class="incident ') == 2


def test_polsek_staff_cannot_handle_another_kecamatans_report(login, polsek_staff, reports):
    response = login(polsek_staff).post(f"/lapangan/insiden/{reports[1].pk}/ditangani/")

    assert response.status_code == 404
    assert SituationReport.objects.get(pk=reports[1].pk).handled_at is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_feed_takes_a_fixed_number_of_queries(
    login, command_staff, guard, tps_a, django_assert_num_queries, count
):
    for _ in range(count):
        _report(guard, tps=tps_a)
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 the reports with reporter, TPS, desa, kecamatan,
    # Posko operator and handler.
    with django_assert_num_queries(3):
        response = client.get("/lapangan/insiden/", HTTP_HX_REQUEST="true")

    assert response.content.decode().count('class="incident ') == count


def test_check_ins_per_kecamatan_count_tps_guards_far_and_unverified(
    login, command_staff, guard, tps_a, tps_b
):
    teammate = guard_at(tps_a)
    TPSFactory(desa=tps_a.desa, number=30)
    checkin_record(person=guard, tps=tps_a, latitude=-7.830000, longitude=111.985000)
    checkin_record(person=teammate, tps=tps_a)

    body = login(command_staff).get("/lapangan/checkin/").content.decode()

    row = body[
        body.index("<td>Mojoroto</td>") : body.index("</tr>", body.index("<td>Mojoroto</td>"))
    ]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells == ["Mojoroto", "2", "1", "2", "1", "1"]
    assert "1.668 m" in body  # the far one, listed to be checked


@pytest.mark.parametrize("count", [1, 8])
def test_check_ins_take_a_fixed_number_of_queries(
    login, command_staff, election_day, tps_a, django_assert_num_queries, count
):
    for n in range(count):
        station = TPSFactory(desa=DesaFactory(kecamatan=tps_a.desa.kecamatan), number=n + 1)
        checkin_record(person=guard_at(station), tps=station, latitude=-7.8, longitude=111.9)
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 operation, 4 its phases, 5 check-ins per
    # kecamatan, 6 TPS per kecamatan, 7 latest flagged check-ins.
    with django_assert_num_queries(7):
        response = client.get("/lapangan/checkin/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200


def test_tps_field_status_gives_step_and_check_ins_by_tps(
    login, command_staff, guard, tps_a, tps_b
):
    tps_status_step_record(person=guard, tps=tps_a, step=1)
    tps_status_step_record(person=guard, tps=tps_a, step=2)
    checkin_record(person=guard, tps=tps_a, latitude=-7.815, longitude=111.985)

    body = login(command_staff).get("/api/tps-field-status.json").json()

    assert body["phase"] == "pemungutan"
    assert body["clock"] == "2024-11-27T09:00:00+07:00"
    assert body["steps"]["2"] == {"code": "tps_open", "label": "TPS dibuka"}
    assert body["status"] == {str(tps_a.pk): {"step": 2, "at": "2024-11-27T09:00:00+07:00"}}
    assert body["checkins"] == {
        str(tps_a.pk): {"guards": 1, "far": 0, "unverified": 0, "last": "2024-11-27T09:00:00+07:00"}
    }
    assert body["incidents"] == {}


def test_tps_field_status_gives_the_open_incidents_by_tps(login, command_staff, guard, tps_a):
    incident_open_from_report(report=report(guard, tps=tps_a))
    closed, _ = incident_open_from_report(report=report(guard, tps=tps_a, text="Lain"))
    incident_reject(incident=closed, by=command_staff, reason="Bukan kejadian")

    body = login(command_staff).get("/api/tps-field-status.json").json()

    # Severity 3: an urgent report opens a Tinggi incident; the rejected one is not counted.
    assert body["incidents"] == {str(tps_a.pk): {"open": 1, "severity": 3}}


def test_tps_field_status_is_scoped_for_polsek_staff(login, polsek_staff, guard, tps_a, tps_b):
    other = guard_at(tps_b)
    tps_status_step_record(person=guard, tps=tps_a, step=1)
    tps_status_step_record(person=other, tps=tps_b, step=1)

    body = login(polsek_staff).get("/api/tps-field-status.json").json()

    assert list(body["status"]) == [str(tps_a.pk)]


def test_tps_field_status_refuses_field_officers_and_anonymous(login, field_officer, guard):
    assert login(field_officer).get("/api/tps-field-status.json").status_code == 403
    assert login(None).get("/api/tps-field-status.json").status_code == 401


@pytest.mark.parametrize("count", [1, 6])
def test_tps_field_status_takes_a_fixed_number_of_queries(
    login, command_staff, election_day, tps_a, django_assert_num_queries, count
):
    for n in range(count):
        station = TPSFactory(desa=tps_a.desa, number=40 + n)
        person = guard_at(station)
        tps_status_step_record(person=person, tps=station, step=1)
        checkin_record(person=person, tps=station)
        incident_open_from_report(report=report(person, tps=station))
    client = login(command_staff)

    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 status steps,
    # 6 check-ins per TPS, 7 open incidents per TPS.
    with django_assert_num_queries(7):
        response = client.get("/api/tps-field-status.json")

    assert len(response.json()["status"]) == count
    assert len(response.json()["incidents"]) == count
