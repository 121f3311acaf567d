"""The roll call's pages: the commander's phone page, the Posko's sheet and their refusals."""

from datetime import timedelta

import pytest

from field.rollcall.models import RollCall
from tests.factories import ELECTION_DAY_9AM
from tests.field.rollcall_helpers import posko_operator, rollcall_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(election_day, tps_a):
    return rollcall_scene(tps_a)


def _duty(scene, key):
    return scene["duty"][scene[key].pk]


def test_me_links_to_the_roll_call_for_polri_only(login, scene):
    assert 'href="/me/apel/"' in login(scene["commander"].user).get("/me/").content.decode()
    assert 'href="/me/apel/"' not in login(scene["linmas"].user).get("/me/").content.decode()


def test_the_commander_sees_the_shift_with_three_buttons_each(login, scene):
    body = login(scene["commander"].user).get("/me/apel/").content.decode()

    assert "Pos Pam Bandar Lor" in body
    for person in ("Komandan", "Anggota", "Linmas Regu"):
        assert person in body
    assert body.count('value="present"') == 3 and body.count('value="late"') == 3
    assert "csrfmiddlewaretoken" in body
    assert "Linmas TPS 1" not in body  # another apel's


def test_the_senior_of_a_tps_pair_calls_the_pair_and_the_linmas_of_their_tps(login, scene):
    senior = login(scene["guard_one"].user).get("/me/apel/").content.decode()
    junior = login(scene["guard_two"].user).get("/me/apel/").content.decode()

    assert "TPS 006 Bandar Lor" in senior
    for person in ("Penjaga Satu", "Penjaga Dua", "Linmas TPS 1", "Linmas TPS 2"):
        assert person in senior
    assert "Linmas Regu" not in senior
    assert "Tidak ada apel yang Anda pimpin" in junior


def test_the_posko_page_links_to_the_roll_call(login, scene, polsek_staff):
    body = login(posko_operator(polsek_staff)).get("/posko/").content.decode()

    assert 'href="/posko/apel/"' in body


def test_another_officer_of_the_shift_has_no_apel_to_lead(login, scene):
    body = login(scene["member"].user).get("/me/apel/").content.decode()

    assert "Tidak ada apel yang Anda pimpin" in body
    assert "Linmas Regu" not in body


def test_the_phone_page_takes_as_many_queries_for_a_large_shift(
    election_day, tps_a, login, django_assert_num_queries
):
    small, large = (
        rollcall_scene(tps_a),
        rollcall_scene(tps_a, extra_shift_members=30, post_name="B"),
    )
    for scene in (small, large):
        client = login(scene["commander"].user)
        # 1 the session, 2 the user with their role; 3 the officer's duties not ended; for the
        # one whose window is open: 4 its group's ranks, 5 its group with their states.
        with django_assert_num_queries(5):
            body = client.get("/me/apel/").content.decode()
        assert "Linmas Regu" in body


def test_the_page_stays_small(login, scene):
    rollcall_scene_size = len(login(scene["commander"].user).get("/me/apel/").content)

    assert rollcall_scene_size < 10 * 1024, rollcall_scene_size


def test_the_commander_marks_a_person_and_is_sent_back(login, scene):
    client = login(scene["commander"].user)
    duty = _duty(scene, "linmas")

    answer = client.post(f"/me/apel/{duty.pk}/", {"status": "late", "late_minutes": "15"})

    assert answer.status_code == 302
    assert answer["Location"] == f"/me/apel/#apel-{duty.pk}"
    entry = RollCall.objects.get(duty=duty)
    assert (entry.status, entry.late_minutes, entry.source) == ("late", 15, "commander")
    body = client.get("/me/apel/").content.decode()
    assert "Linmas Regu: terlambat 15 menit." in body


def test_a_refusal_is_a_clear_4xx_and_writes_nothing(login, scene):
    client = login(scene["member"].user)

    answer = client.post(f"/me/apel/{_duty(scene, 'linmas').pk}/", {"status": "present"})
    bad_minutes = login(scene["commander"].user).post(
        f"/me/apel/{_duty(scene, 'linmas').pk}/", {"status": "late", "late_minutes": "lima"}
    )
    unknown = client.post("/me/apel/999999/", {"status": "present"})

    assert answer.status_code == 403
    assert "Hanya komandan pos ini" in answer.content.decode()
    assert bad_minutes.status_code == 422
    assert unknown.status_code == 404
    assert not RollCall.objects.exists()


def test_the_posko_calls_a_shift(login, scene, polsek_staff):
    client = login(posko_operator(polsek_staff))
    query = f"post={scene['post'].pk}&shift={scene['shift'].pk}"

    body = client.get(f"/posko/apel/?{query}").content.decode()
    answer = client.post(
        f"/posko/apel/{_duty(scene, 'member').pk}/", {"status": "absent", "query": query}
    )

    assert "Anggota" in body and "Linmas Regu" in body
    assert answer.status_code == 302 and answer["Location"].startswith(f"/posko/apel/?{query}")
    assert RollCall.objects.get().source == "posko"


def test_the_posko_calls_the_tps_duties_of_a_kecamatan(login, scene, polsek_staff, mojoroto):
    body = login(posko_operator(polsek_staff)).get(f"/posko/apel/?kecamatan={mojoroto.pk}")

    assert body.status_code == 200
    text = body.content.decode()
    assert "Penjaga Satu" in text and "Linmas TPS 2" in text
    assert "Linmas Regu" not in text


def test_polsek_staff_of_another_kecamatan_reach_nothing(login, scene, polsek_staff_other):
    client = login(posko_operator(polsek_staff_other))

    sheet = client.get(f"/posko/apel/?post={scene['post'].pk}").content.decode()
    answer = client.post(f"/posko/apel/{_duty(scene, 'member').pk}/", {"status": "absent"})

    assert "Anggota" not in sheet
    assert answer.status_code == 404
    assert not RollCall.objects.exists()


def test_a_field_officer_may_not_use_the_posko_sheet(login, scene):
    assert login(scene["commander"].user).get("/posko/apel/").status_code == 403


def test_the_window_closes_the_phone_page(login, scene, settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM + timedelta(hours=4)

    body = login(scene["commander"].user).get("/me/apel/").content.decode()

    assert "Tidak ada apel yang Anda pimpin" in body


def test_the_posko_sheet_takes_as_many_queries_for_a_large_shift(
    election_day, tps_a, login, polsek_staff, django_assert_num_queries
):
    client = login(posko_operator(polsek_staff))
    small, large = (
        rollcall_scene(tps_a),
        rollcall_scene(tps_a, extra_shift_members=30, post_name="B"),
    )
    for scene in (small, large):
        # 1 the session, 2 the user with their role, 3-4 the user's and groups' permissions
        # (operator Posko), 5 the post, 6 the shift; 7 the duties with their states, 8 their
        # TPS (none here: a shift has no TPS, so their desa are not asked for).
        with django_assert_num_queries(8):
            body = client.get(
                f"/posko/apel/?post={scene['post'].pk}&shift={scene['shift'].pk}"
            ).content.decode()
        assert "Linmas Regu" in body
