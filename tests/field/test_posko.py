"""A Posko operator records a check-in, a status step or a report for a guard who phoned in."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from field.models import CheckIn, SituationReport, TPSStatusStep
from tests.factories import PersonnelFactory
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

    assert "Tidak ada personel aktif dengan nama, nomor, telepon atau TPS “LM-000”" in body


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


# Finding whoever phoned in: by name, number, phone or TPS (field.selectors.posko)


def _find(client, q: str) -> str:
    response = client.get("/posko/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _opened(body: str, person) -> bool:
    """The page opened the person: their forms carry the person's id."""
    return f'name="person" value="{person.pk}"' in body


@pytest.mark.parametrize("q", ["siti raha", "RAHAYU", "  Siti   Rahayu "])
def test_finds_by_part_of_the_name_in_any_case(login, ops_admin, tps_a, election_day, q):
    siti = guard_at(tps_a, name="Siti Rahayu")

    assert _opened(_find(login(ops_admin), q), siti)


@pytest.mark.parametrize("q", ["8506 1234", "8506.1234", "8506-12-34", "85061234"])
def test_finds_by_nrp_with_or_without_separators(login, ops_admin, election_day, q):
    officer = PersonnelFactory(identifier="85061234", name="Budi Santoso")

    assert _opened(_find(login(ops_admin), q), officer)


@pytest.mark.parametrize("q", ["LM 3571011001 01", "lm3571011001.01", "LM-3571011001-01"])
def test_finds_by_register_number_written_any_way(login, ops_admin, guard, q):
    assert _opened(_find(login(ops_admin), q), guard)


@pytest.mark.parametrize(
    "q", ["0812-3456-7890", "081234567890", "+62 812 3456 7890", "6281234567890"]
)
def test_finds_by_phone_in_any_of_its_forms(login, ops_admin, tps_a, election_day, q):
    siti = guard_at(tps_a, name="Siti Rahayu", phone="+6281234567890")

    assert _opened(_find(login(ops_admin), q), siti)


@pytest.mark.parametrize("q", ["TPS 006 Bandar Lor", "tps 6 bandar", "Bandar Lor 006", "TPS 6"])
def test_finds_by_the_tps_they_guard(login, ops_admin, guard, tps_b, q):
    guard_at(tps_b, name="Penjaga Blabak")  # TPS 001 Blabak: another TPS number

    assert _opened(_find(login(ops_admin), q), guard)


def test_several_matches_are_listed_to_choose_from(login, ops_admin, tps_a, election_day):
    sari = [guard_at(tps_a, name=f"Sari {n}") for n in ("Dewi", "Lestari", "Wulan")]

    body = _find(login(ops_admin), "sari")

    assert "3 petugas cocok: pilih satu" in body
    for person in sari:
        assert f'href="/posko/?person={person.pk}"' in body
    assert 'name="person"' not in body  # nobody opened yet


def test_choosing_from_the_list_opens_the_person(login, ops_admin, tps_a, election_day):
    sari = guard_at(tps_a, name="Sari Dewi")

    body = login(ops_admin).get("/posko/", {"person": sari.pk}).content.decode()

    assert _opened(body, sari)
    assert f'<option value="{tps_a.pk}">TPS 006 Bandar Lor</option>' in body


def test_the_list_costs_the_same_queries_for_two_or_six_matches(
    login, ops_admin, tps_a, election_day
):
    client = login(ops_admin)
    for n in range(2):
        guard_at(tps_a, name=f"Sari {n}")
    client.get("/posko/", {"q": "sari"})  # session and permission caches warm
    with CaptureQueriesContext(connection) as two:
        client.get("/posko/", {"q": "sari"})
    for n in range(2, 6):
        guard_at(tps_a, name=f"Sari {n}")

    with CaptureQueriesContext(connection) as six:
        body = client.get("/posko/", {"q": "sari"}).content.decode()

    assert "6 petugas cocok" in body
    assert len(six) == len(two)


def test_nobody_found_says_so(login, ops_admin, guard):
    body = _find(login(ops_admin), "Tidak Ada Orangnya")

    assert "Tidak ada personel aktif dengan nama, nomor, telepon atau TPS" in body
    assert not _opened(body, guard)


def test_polsek_staff_never_find_another_kecamatans_person(
    login, polsek_staff, tps_a, tps_b, election_day
):
    polsek_staff.user_permissions.add(Permission.objects.get(codename="record_via_posko"))
    ours = guard_at(tps_a, name="Sari Mojoroto", phone="+6281200000001")
    theirs = guard_at(tps_b, name="Sari Pesantren", phone="+6281200000002")
    client = login(polsek_staff)

    by_name = _find(client, "sari")
    by_number = _find(client, theirs.identifier)
    by_phone = _find(client, "081200000002")
    by_tps = _find(client, "TPS 001 Blabak")
    by_pick = client.get("/posko/", {"person": theirs.pk})

    assert _opened(by_name, ours) and "Sari Pesantren" not in by_name
    for body in (by_number, by_phone, by_tps):
        assert "Tidak ada personel aktif" in body and "Sari Pesantren" not in body
    assert by_pick.status_code == 404
