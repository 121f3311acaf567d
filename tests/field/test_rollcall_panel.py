"""The dashboard's strength present (kekuatan hadir): its figures, its scope and its queries."""

from datetime import timedelta

import pytest

from field.rollcall.panel import strength_present
from field.rollcall.services import record_roll_call
from tests.factories import ELECTION_DAY_9AM, TPSFactory
from tests.field.rollcall_helpers import check_in, rollcall_scene

pytestmark = pytest.mark.django_db


def _scene(tps, extra=0, **kwargs):
    return rollcall_scene(tps, extra_shift_members=extra, **kwargs)


def test_present_against_assigned_per_kecamatan_and_per_post_and_shift(
    election_day, tps_a, command_staff
):
    scene = _scene(tps_a)
    commander = scene["commander"].user
    record_roll_call(
        recorder=commander, duty=scene["duty"][scene["commander"].pk], status="present"
    )
    record_roll_call(recorder=commander, duty=scene["duty"][scene["member"].pk], status="absent")
    record_roll_call(recorder=commander, duty=scene["duty"][scene["linmas"].pk], status="late")
    check_in(scene["tps_linmas"][0], tps_a, ELECTION_DAY_9AM - timedelta(minutes=10))

    s = strength_present(command_staff, at=ELECTION_DAY_9AM)

    # 7 duties under way: the shift's 3, the Polri pair and the two Linmas of TPS A.
    assert (s.total.assigned, s.total.present, s.total.absent, s.total.uncalled) == (7, 3, 1, 3)
    assert (s.total.late, s.total.by_checkin) == (1, 1)
    [mojoroto] = s.areas
    assert (mojoroto.label, mojoroto.assigned, mojoroto.present) == ("Mojoroto", 7, 3)
    places = {(p.label, p.shift_label): p for p in s.places}
    shift = places[("Pos Pam Bandar Lor", "08.00–16.00 WIB")]
    assert (shift.present, shift.assigned) == (2, 3)
    assert shift.missing_people == [("Bripka Anggota", "Tidak hadir")]
    tps = places[("Pam TPS", "")]
    assert (tps.present, tps.assigned, tps.missing) == (1, 4, 3)
    assert ("Linmas TPS 2", "Belum diapel") in tps.missing_people


def test_polsek_staff_see_their_kecamatan_only(
    election_day, tps_a, tps_b, polsek_staff, polsek_staff_other
):
    _scene(tps_a)

    assert strength_present(polsek_staff, at=ELECTION_DAY_9AM).total.assigned == 7
    assert strength_present(polsek_staff_other, at=ELECTION_DAY_9AM).total.assigned == 0


def test_the_dashboard_part_answers_htmx_and_counts_its_queries(
    election_day, tps_a, command_staff, login, django_assert_num_queries
):
    client = login(command_staff)
    _scene(tps_a)
    # Every page: 1 the session, 2 the user with their role. The part: 3 the duties under way
    # with their entry, check-in and place; 4 their kecamatan's names; 5, 6 the user's and
    # their groups' permissions (whether to link each row to the Posko's sheet).
    with django_assert_num_queries(6):
        small = client.get("/lapangan/apel/", headers={"HX-Request": "true"})

    _scene(TPSFactory(desa=tps_a.desa, number=44), extra=40, post_name="Pos Pam Kedua")
    with django_assert_num_queries(6):
        large = client.get("/lapangan/apel/", headers={"HX-Request": "true"})

    assert small.status_code == large.status_code == 200
    assert 'id="roll-call"' in small.content.decode()
    assert "<html" not in small.content.decode()
    assert '<strong data-figure="strength-present">0</strong>' in large.content.decode()
    assert '<span data-figure="strength-assigned">54</span>' in large.content.decode()


def test_the_dashboard_loads_the_part_lazily(election_day, command_staff, login):
    body = login(command_staff).get("/").content.decode()

    assert 'hx-get="/lapangan/apel/"' in body
