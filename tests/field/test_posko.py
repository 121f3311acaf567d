"""A Posko operator records a check-in, a status step or a report for a guard who phoned in."""

import pytest
from django.contrib.auth.models import Permission

from field.models import CheckIn, SituationReport, TPSStatusStep
from tests.field.helpers import guard_at, key


@pytest.fixture
def operator(command_staff):
    command_staff.user_permissions.add(Permission.objects.get(codename="record_via_posko"))
    return command_staff


def test_an_admin_records_a_check_in_marked_via_posko(login, ops_admin, guard, tps_a):
    response = login(ops_admin).post("/posko/checkin/", {"person": guard.pk, "tps": tps_a.pk})

    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert (checkin.person, checkin.via_posko, checkin.entered_by) == (guard, True, ops_admin)
    assert checkin.verified is False


def test_command_staff_with_the_permission_record_status_and_reports(login, operator, guard, tps_a):
    client = login(operator)

    client.post("/posko/status/", {"person": guard.pk, "tps": tps_a.pk, "step": 2})
    client.post(
        "/posko/laporan/",
        {
            "person": guard.pk,
            "kind": "gangguan",
            "text": "Lewat radio HT.",
            "tps": tps_a.pk,
            "idempotency_key": key(),
        },
    )

    step, report = TPSStatusStep.objects.get(), SituationReport.objects.get()
    assert (step.via_posko, step.entered_by, step.person) == (True, operator, guard)
    assert (report.via_posko, report.entered_by, report.person) == (True, operator, guard)


def test_the_feed_says_via_posko_and_who_entered_it(login, operator, guard, tps_a):
    client = login(operator)
    client.post(
        "/posko/laporan/",
        {"person": guard.pk, "kind": "aman", "idempotency_key": key(), "tps": tps_a.pk},
    )

    body = client.get("/lapangan/insiden/").content.decode()

    assert "lewat Posko</b> (dicatat kabagops)" in body


def test_the_posko_page_finds_a_guard_by_identifier(login, ops_admin, guard, tps_a):
    body = login(ops_admin).get(f"/posko/?identifier={guard.identifier}").content.decode()

    assert guard.name in body
    assert f'<option value="{tps_a.pk}">TPS 006 Bandar Lor</option>' in body


def test_an_unknown_identifier_gets_a_message(login, ops_admin, election_day):
    body = login(ops_admin).get("/posko/?identifier=LM-000").content.decode()

    assert "Tidak ada personel aktif dengan nomor LM-000" in body


def test_command_staff_without_the_permission_are_refused(login, command_staff, guard, tps_a):
    client = login(command_staff)

    assert client.get("/posko/").status_code == 403
    assert client.post("/posko/checkin/", {"person": guard.pk, "tps": tps_a.pk}).status_code == 403
    assert not CheckIn.objects.exists()


def test_polsek_staff_operators_reach_only_their_kecamatan(
    login, polsek_staff, election_day, tps_b
):
    polsek_staff.user_permissions.add(Permission.objects.get(codename="record_via_posko"))
    outsider = guard_at(tps_b)

    response = login(polsek_staff).post("/posko/checkin/", {"person": outsider.pk, "tps": tps_b.pk})

    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_a_tps_the_guard_does_not_guard_is_refused_with_422(login, ops_admin, guard, tps_b):
    response = login(ops_admin).post("/posko/checkin/", {"person": guard.pk, "tps": tps_b.pk})

    assert response.status_code == 422
    assert not CheckIn.objects.exists()
