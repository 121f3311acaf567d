"""The guarded objects' panel and JSON (issue #18): each object's shift under way at the
operation clock and the next, under-covered first; Polsek staff see their kecamatan's; a fixed
number of queries whatever the number of objects."""

from datetime import timedelta

import pytest

from core.access import access_of
from deployments.coverage import coverage_compute
from deployments.coverage.objects import objects_at
from deployments.models import CoverageSnapshot, Force, PostKind
from opsboard.selectors import coverage_snapshot
from tests.factories import (
    ELECTION_DAY_9AM,
    DesaFactory,
    GuardedObjectFactory,
    GuardNormFactory,
    ShiftFactory,
    object_duty,
    phase,
)

pytestmark = pytest.mark.django_db

SEVEN = ELECTION_DAY_9AM - timedelta(hours=2)


def ppk_with_shifts(kecamatan, name, *, on_duty=(0, 0, 0)):
    ppk = GuardedObjectFactory(name=name, desa=DesaFactory(kecamatan=kecamatan))
    for i, people in enumerate(on_duty):
        shift = ShiftFactory(post=ppk, starts_at=SEVEN + timedelta(hours=8 * i))
        for _ in range(people):
            object_duty(ppk, shift=shift)
    return ppk


@pytest.fixture
def objects(election_day, mojoroto, pesantren):
    """PPK Mojoroto: 07–15 full (3 of 3), 15–23 short (1). PPK Pesantren: 07–15 unguarded.
    KPU office (no shifts, whole phase): 1 of 2 Polri. A PPK whose shifts ended before 09.00."""
    GuardNormFactory(operation=election_day, personnel_per_shift=3)
    GuardNormFactory(operation=election_day, post_kind=PostKind.KANTOR_KPU, personnel_per_shift=2)
    full = ppk_with_shifts(mojoroto, "PPK Mojoroto", on_duty=(3, 1, 0))
    empty = ppk_with_shifts(pesantren, "PPK Pesantren")
    office = GuardedObjectFactory(
        kind=PostKind.KANTOR_KPU, name="Kantor KPU Kota Kediri", desa=full.desa
    )
    pemungutan = phase()
    object_duty(office, starts_at=pemungutan.starts_at, ends_at=pemungutan.ends_at)
    done = GuardedObjectFactory(name="PPK selesai", desa=full.desa)
    ShiftFactory(post=done, starts_at=SEVEN - timedelta(hours=8))
    coverage_compute(operation=election_day, phase=pemungutan)
    return {"full": full, "empty": empty, "office": office, "done": done}


def read(user):
    snapshot = CoverageSnapshot.objects.current_for(phase())
    return objects_at(user, snapshot, at=ELECTION_DAY_9AM)


def test_each_object_shows_its_shift_under_way_and_the_next(objects, command_staff):
    coverage = read(command_staff)

    by_name = {item.post.name: item for item in coverage.objects}
    full = by_name["PPK Mojoroto"]
    assert (full.current.starts_at, full.next.starts_at) == (SEVEN, SEVEN + timedelta(hours=8))
    assert (full.current.polri_assigned, full.current.status) == (3, "covered")
    assert (full.next.polri_assigned, full.next.status) == (1, "short")
    office = by_name["Kantor KPU Kota Kediri"]
    assert office.current.shift_id is None and office.next is None
    assert "PPK selesai" not in by_name  # its only shift ended before the clock


def test_under_covered_objects_come_first(objects, command_staff):
    names = [item.post.name for item in read(command_staff).objects]

    assert names == ["PPK Pesantren", "Kantor KPU Kota Kediri", "PPK Mojoroto"]
    assert read(command_staff).counts == {
        "total": 3,
        "covered": 1,
        "short": 1,
        "unguarded": 1,
    }


def test_polsek_staff_see_their_kecamatans_objects_only(objects, polsek_staff):
    names = {item.post.name for item in read(polsek_staff).objects}

    assert names == {"PPK Mojoroto", "Kantor KPU Kota Kediri"}


@pytest.mark.parametrize("extra", [0, 15])
def test_one_query_whatever_the_number_of_objects(
    objects, command_staff, mojoroto, election_day, extra, django_assert_num_queries
):
    for n in range(extra):
        ppk_with_shifts(mojoroto, f"PPK tambahan {n}", on_duty=(1, 2, 0))
    snapshot = coverage_compute(operation=election_day, phase=phase())
    access_of(command_staff)  # the user's role, read once per request by the middleware

    # The snapshot's rows not ended at the clock, two per object, with object, desa, kecamatan.
    with django_assert_num_queries(1):
        coverage = objects_at(command_staff, snapshot, at=ELECTION_DAY_9AM)
        [(item.post.desa.kecamatan.name, item.current, item.next) for item in coverage.objects]

    assert len(coverage.objects) == 3 + extra


@pytest.mark.parametrize("extra", [0, 15])
def test_the_panel_issues_the_same_queries_at_any_size(
    objects, command_staff, mojoroto, election_day, login, extra, django_assert_num_queries
):
    for n in range(extra):
        ppk_with_shifts(mojoroto, f"PPK tambahan {n}", on_duty=(1, 2, 0))
    coverage_compute(operation=election_day, phase=phase())
    client = login(command_staff)
    client.get("/obyek/", headers={"HX-Request": "true"})  # the session warmed

    # Session and user (2; the role is kept in the session), the operation and its phases
    # (2), the snapshot (1), the object rows with their objects, desa and kecamatan (1).
    with django_assert_num_queries(6):
        response = client.get("/obyek/", headers={"HX-Request": "true"})

    assert response.content.decode().count("<tr><td><strong>") == 3 + extra


def test_the_page_the_dashboards_part_and_the_field_officer(
    objects, command_staff, field_officer, login
):
    client = login(command_staff)

    page = client.get("/obyek/")
    part = client.get("/obyek/", headers={"HX-Request": "true"}).content.decode()
    dashboard = client.get("/").content.decode()

    assert page.status_code == 200 and "PPK Pesantren" in page.content.decode()
    assert part.lstrip().startswith('<section id="guarded-objects"')
    assert "Tanpa penjaga" in part and "Polri 1/3" in part
    assert 'hx-get="/obyek/"' in dashboard
    assert login(field_officer).get("/obyek/")["Location"] == "/me/"


def test_the_json_gives_each_objects_shifts(objects, command_staff, polsek_staff, login):
    body = login(command_staff).get("/api/obyek.json").json()

    assert body["phase"] == "pemungutan" and body["counts"]["total"] == 3
    first = body["objects"][0]
    assert (first["name"], first["status"], first["kecamatan"]) == (
        "PPK Pesantren",
        "unguarded",
        "357103",
    )
    assert first["current"]["required"] == {Force.POLRI: 3, Force.TNI: 0, Force.LINMAS: 0}
    assert first["current"]["lacks"] == {Force.POLRI: 3}
    assert first["current"]["starts_at"] == "2024-11-27T07:00:00+07:00"
    mine = login(polsek_staff).get("/api/obyek.json").json()
    assert {o["name"] for o in mine["objects"]} == {"PPK Mojoroto", "Kantor KPU Kota Kediri"}


def test_before_the_first_snapshot_the_panel_says_so(election_day, command_staff, login):
    assert coverage_snapshot(phase()) is None

    part = login(command_staff).get("/obyek/", headers={"HX-Request": "true"}).content.decode()
    body = login(command_staff).get("/api/obyek.json").json()

    assert "Cakupan belum dihitung" in part
    assert body["objects"] == [] and body["computed_at"] is None


def test_the_json_refuses_anonymous_and_field_officers(objects, field_officer, login):
    assert login(None).get("/api/obyek.json").status_code == 401
    assert login(field_officer).get("/api/obyek.json").status_code == 403
