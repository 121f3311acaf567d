"""/me/: the officer's own duty, team and people to report to, on a phone, in six queries."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from deployments.models import PostKind
from tests.factories import (
    AssignmentFactory,
    IndicatorFactory,
    InstructionFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    TPSFactory,
    phase,
)
from tests.field.helpers import cancel, guard_at, padal_of, polri_pair


@pytest.fixture
def team(guard, tps_a, mojoroto):
    """TPS A's team around the guard: a second Linmas, a Polri pair over TPS A and three more
    TPS, the Kapolsek of Mojoroto as Padal, and a guard of TPS B elsewhere."""
    second = guard_at(tps_a, name="Siti Linmas", phone="+6281234500002")
    stations = [tps_a, *(TPSFactory(desa=tps_a.desa, number=n) for n in (7, 8, 9))]
    pair = polri_pair(stations, phone="+6281234500003")
    chief = padal_of(mojoroto, tps_a.desa, name="Anang Kapolsek", phone="+6281234500001")
    return {"second": second, "pair": pair, "chief": chief, "stations": stations}


def test_shows_the_tps_with_its_place_voters_class_and_navigation(
    login, field_officer, team, tps_a
):
    tps_a.address = "Jl. Sawo 6"
    tps_a.kerawanan = "rawan"
    tps_a.save()

    body = login(field_officer).get("/me/").content.decode()

    assert "TPS 006 Bandar Lor" in body
    assert "Kec. Mojoroto" in body
    assert "Jl. Sawo 6" in body
    assert "550" in body  # registered voters
    assert "Rawan" in body
    assert 'href="geo:-7.815000,111.985000?q=-7.815000,111.985000' in body
    assert "google.com/maps/dir/?api=1&amp;destination=-7.815000,111.985000" in body


def test_shows_only_the_guard_relevant_indicators(login, field_officer, team, tps_a):
    tps_a.indicators.add(
        IndicatorFactory(name="Riwayat intimidasi", guard_relevant=True),
        IndicatorFactory(name="Pemilih disabilitas di DPT", guard_relevant=False),
    )

    body = login(field_officer).get("/me/").content.decode()

    assert "Riwayat intimidasi" in body
    assert "Pemilih disabilitas di DPT" not in body


def test_shows_the_team_with_rank_and_phone_links(login, field_officer, team):
    body = login(field_officer).get("/me/").content.decode()

    assert "Siti Linmas" in body
    for officer in team["pair"]:
        assert f"Bripka {officer.name}" in body
    assert 'href="tel:+6281234500002"' in body
    assert 'href="tel:+6281234500003"' in body


def test_team_leaves_out_cancelled_duties_and_other_tps(login, field_officer, team, tps_b):
    cancel(team["second"].assignments.get())
    stranger = guard_at(tps_b, name="Orang TPS Lain")

    body = login(field_officer).get("/me/").content.decode()

    assert "Siti Linmas" not in body
    assert stranger.name not in body


def test_shows_the_padal_and_kapolsek_to_report_to(login, field_officer, team, mojoroto):
    junior = PersonnelFactory(unit=team["chief"].unit, rank="Ipda", name="Wakapolsek Muda")

    body = login(field_officer).get("/me/").content.decode()

    assert "Padal</b> AKP Anang Pratama" not in body  # the demo's name is not invented here
    assert "<b>Padal</b> AKP Anang Kapolsek · Kapolsek" in body
    assert 'href="tel:+6281234500001"' in body
    assert junior.name not in body


def test_a_kapolsek_who_is_not_padal_is_shown_beside_the_padal(
    login, field_officer, team, mojoroto, tps_a
):
    team["chief"].assignments.update(status="cancelled")
    other = PersonnelFactory(rank="Iptu", name="Padal Pengganti")
    post = PostFactory(kind=PostKind.PADAL, name="Padal Mojoroto 2", desa=tps_a.desa)
    AssignmentFactory(personnel=other, kind=PostKind.PADAL, post=post)

    body = login(field_officer).get("/me/").content.decode()

    assert "<b>Padal</b> Iptu Padal Pengganti" in body
    assert "<b>Kapolsek Mojoroto</b> AKP Anang Kapolsek" in body


def test_shows_the_duties_of_a_guard(login, field_officer, team):
    body = login(field_officer).get("/me/").content.decode()

    assert "Berjaga di luar TPS; masuk hanya bila diminta KPPS." in body
    assert "memotret suara pemilih" in body


def test_reads_with_javascript_off(login, field_officer, team, tps_a):
    body = login(field_officer).get("/me/").content.decode()

    # Every action is a plain form that posts to a real URL; the script is only an extra.
    assert '<form method="post" action="/me/checkin/"' in body
    assert f'action="/me/tps/{tps_a.pk}/status/"' in body
    assert 'action="/me/lapor/" enctype="multipart/form-data"' in body
    assert body.count("<script") == 1
    assert "<script src=" in body


def test_marks_an_assignment_changed_since_the_last_visit(login, field_officer, team, tps_a):
    client = login(field_officer)
    first = client.get("/me/").content.decode()
    duty = field_officer.personnel.assignments.get()
    duty.tps.add(TPSFactory(desa=tps_a.desa, number=20))

    second = client.get("/me/").content.decode()
    third = client.get("/me/").content.decode()

    assert "sejak kunjungan terakhir" not in first
    assert "Berubah sejak kunjungan terakhir" in second
    assert "sejak kunjungan terakhir" not in third


def test_what_the_phone_saw_is_kept_in_a_signed_cookie_of_its_own_person(
    login, field_officer, field_officer_other_tps, team, tps_a
):
    # Without a usable cookie a changed assignment is not marked (as on a first visit).
    other_persons = login(field_officer_other_tps).get("/me/").cookies["opsboard_seen"].value
    client = login(field_officer)
    client.get("/me/")
    mine = client.cookies["opsboard_seen"]
    field_officer.personnel.assignments.get().tps.add(TPSFactory(desa=tps_a.desa, number=20))

    client.cookies["opsboard_seen"] = mine.value[:-3] + "xyz"
    tampered = client.get("/me/").content.decode()
    client.cookies["opsboard_seen"] = other_persons
    passed_on = client.get("/me/").content.decode()

    assert (mine["path"], mine["httponly"], mine["samesite"]) == ("/me/", True, "Lax")
    assert "sejak kunjungan terakhir" not in tampered
    assert "sejak kunjungan terakhir" not in passed_on


def test_lists_an_assignment_cancelled_since_the_last_visit(login, field_officer, team):
    client = login(field_officer)
    client.get("/me/")
    cancel(field_officer.personnel.assignments.get())

    body = client.get("/me/").content.decode()

    assert "Penugasan dibatalkan atau dipindah" in body
    assert "Pam TPS TPS 006 Bandar Lor" in body


def test_shows_upcoming_assignments_apart_from_current_ones(login, field_officer, team):
    AssignmentFactory(
        personnel=field_officer.personnel,
        kind=PostKind.POSKO,
        post=PostFactory(name="PPK X"),
        phase=phase("rekapitulasi"),
    )

    body = login(field_officer).get("/me/").content.decode()

    assert "Tugas berikutnya" in body
    assert body.index("TPS 006 Bandar Lor") < body.index("Tugas berikutnya") < body.index("PPK X")


def test_shows_an_instruction_until_acknowledged(login, field_officer, team, mojoroto, pesantren):
    mine = InstructionFactory(kecamatan=mojoroto, text="Waspadai hoaks surat suara tercoblos.")
    InstructionFactory(kecamatan=pesantren, text="Instruksi untuk Pesantren.")
    client = login(field_officer)

    before = client.get("/me/").content.decode()
    client.post(f"/me/instruksi/{mine.pk}/terima/")
    after = client.get("/me/").content.decode()

    assert "Waspadai hoaks surat suara tercoblos." in before
    assert "Instruksi untuk Pesantren." not in before
    assert "Waspadai hoaks surat suara tercoblos." not in after


def test_a_desa_instruction_reaches_the_guards_of_that_desa(login, field_officer, team, tps_a):
    InstructionFactory(kecamatan=None, desa=tps_a.desa, text="Khusus Bandar Lor.")

    body = login(field_officer).get("/me/").content.decode()

    assert "Khusus Bandar Lor." in body


def test_a_padal_sees_the_tps_of_the_sector_with_check_in_and_status(login, team, tps_a, mojoroto):
    from deployments.services import personnel_account_create
    from field.services import checkin_record, tps_status_step_record

    checkin_record(person=team["second"], tps=tps_a)
    tps_status_step_record(person=team["second"], tps=tps_a, step=2)
    user = personnel_account_create(personnel=team["chief"])

    body = login(user).get("/me/").content.decode()

    assert "Sektor saya" in body
    assert "006 Bandar Lor</td><td>1</td><td>TPS dibuka</td>" in body
    assert f"{len(team['stations'])} TPS" in body


def test_someone_without_assignment_is_told_so(login, field_officer, election_day):
    field_officer.personnel.assignments.all().delete()

    body = login(field_officer).get("/me/").content.decode()

    assert "Anda belum mendapat penugasan" in body


@pytest.mark.parametrize("size", [1, 4])
def test_me_takes_seven_queries_whatever_the_team_size(
    login, field_officer, team, tps_a, mojoroto, django_assert_num_queries, size
):
    for n in range(size):
        guard_at(tps_a, phone=f"+628123450{10 + n}")
        tps_a.indicators.add(IndicatorFactory(guard_relevant=True))
        InstructionFactory(kecamatan=mojoroto)
        PersonnelFactory(unit=PolsekFactory(kecamatan=mojoroto), rank="Aiptu")
    client = login(field_officer)

    # Every page: 1 the session, 2 the user with their role (opsboard.auth).
    # /me/ itself: 3 assignments not ended, 4 their TPS with check-in, status, indicators and
    # team, 5 Padal and Kapolsek, 6 open instructions, 7 open panics they were told of.
    # Nothing is written: the session has a fixed expiry, and what the phone saw lives in its
    # cookie.
    with django_assert_num_queries(7):
        response = client.get("/me/")

    assert response.status_code == 200
    assert response.content.decode().count('class="tel"') >= 3 + size


def _own_assets(body: str) -> list[str]:
    return re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', body)


def test_first_render_stays_under_60_kb_with_its_own_css_and_js(login, field_officer, team):
    # Deterministic counterpart of the Chromium measurement in tests/browser: the bytes of the
    # page and of every stylesheet and script it loads (Leaflet loads only when the map opens).
    body = login(field_officer).get("/me/").content

    assets = _own_assets(body.decode())
    total = len(body) + sum(Path(finders.find(a)).stat().st_size for a in assets)

    assert sorted(assets) == ["field/field.css", "field/field.js"]
    assert "leaflet.js" not in re.sub(r'data-js="[^"]+"', "", body.decode())
    assert total < 60 * 1024, f"{total} bytes"
