"""The roster pages: an object's week of shifts, a person's week, the rotation form (preview,
then confirm) and the swap; scoped like the dashboard, field officers 403, writes admins'."""

from datetime import date

import pytest
from django.urls import reverse

from deployments.models import Assignment, Personnel, PostKind, Shift
from deployments.services.shifts import shifts_cut
from tests.factories import DesaFactory, PersonnelFactory, PolsekFactory
from tests.shift_factories import (
    GuardedPostFactory,
    ShiftTemplateFactory,
    norm,
    phase_at,
    wib,
)

pytestmark = pytest.mark.django_db
DAY = "2024-11-25"


@pytest.fixture
def post(election_day, mojoroto):
    post = GuardedPostFactory(name="Kantor KPU Kota", desa=DesaFactory(kecamatan=mojoroto))
    norm(PostKind.KANTOR_KPU, 2)
    return post


def _staff(post, shifts, people):
    for shift in shifts:
        for person in people[:2]:
            Assignment.objects.create(
                personnel=person,
                phase=phase_at(shift.starts_at),
                kind=post.kind,
                post=post,
                shift=shift,
                starts_at=shift.starts_at,
                ends_at=min(shift.ends_at, phase_at(shift.starts_at).ends_at),
            )
        people = people[2:] + people[:2]


def test_the_week_view_shows_who_holds_each_shift_and_marks_the_short(login, command_staff, post):
    shifts = shifts_cut(
        post=post,
        template=ShiftTemplateFactory(),
        starts_on=date(2024, 11, 26),
        ends_on=date(2024, 11, 26),
    )
    andi = PersonnelFactory(name="Bripka Andi")
    _staff(post, shifts[:1], [andi])

    response = login(command_staff).get(
        reverse("opsboard:shift_week", args=[post.pk]), {"mulai": DAY}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Bripka Andi" in body
    assert body.count("kurang 1 POLRI") == 1 and body.count("kurang 2 POLRI") == 2


@pytest.mark.parametrize("days", [1, 5])
def test_the_week_view_reads_a_fixed_number_of_queries(
    login, command_staff, post, django_assert_num_queries, days
):
    shifts = shifts_cut(
        post=post,
        template=ShiftTemplateFactory(),
        starts_on=date(2024, 11, 25),
        ends_on=date(2024, 11, 24 + days),
    )
    _staff(post, shifts, PersonnelFactory.create_batch(6))
    client = login(command_staff)
    url = reverse("opsboard:shift_week", args=[post.pk])

    # session, user (with its role), the post, the operation, its norms, the shifts, their
    # duties with their people (command staff read: no rotation form)
    with django_assert_num_queries(7):
        client.get(url, {"mulai": DAY})


def test_the_person_week_shows_the_rest_between_duties(login, command_staff, post):
    shifts = shifts_cut(
        post=post,
        template=ShiftTemplateFactory(),
        starts_on=date(2024, 11, 26),
        ends_on=date(2024, 11, 27),
    )
    andi = PersonnelFactory(name="Bripka Andi")
    _staff(post, [shifts[0], shifts[3]], [andi])  # 26th 07–15, 27th 07–15: 16 h rest

    response = login(command_staff).get(
        reverse("opsboard:shift_person", args=[andi.pk]), {"mulai": DAY}
    )

    assert response.status_code == 200
    assert "16,0 jam" in response.content.decode() or "16.0 jam" in response.content.decode()


def test_polsek_staff_of_another_kecamatan_do_not_find_the_object(login, polsek_staff_other, post):
    response = login(polsek_staff_other).get(reverse("opsboard:shift_week", args=[post.pk]))

    assert response.status_code == 404


def test_polsek_staff_read_their_kecamatans_object(login, polsek_staff, post):
    response = login(polsek_staff).get(reverse("opsboard:shift_week", args=[post.pk]))

    assert response.status_code == 200
    assert "Potong regu" not in response.content.decode()  # reading only


def test_field_officers_are_refused(login, field_officer, post):
    client = login(field_officer)

    assert client.get(reverse("opsboard:shift_week", args=[post.pk])).status_code == 403
    assert client.get(reverse("opsboard:shift_posts")).status_code == 403


def test_command_staff_cannot_rotate(login, command_staff, post):
    response = login(command_staff).post(reverse("opsboard:shift_rotation", args=[post.pk]), {})

    assert response.status_code == 403


def test_the_rotation_is_previewed_then_confirmed(login, ops_admin, post):
    template = ShiftTemplateFactory()
    polsek = PolsekFactory(kecamatan=post.desa.kecamatan)
    PersonnelFactory.create_batch(6, unit=polsek)
    client = login(ops_admin)
    url = reverse("opsboard:shift_rotation", args=[post.pk])
    form = {
        "template": template.pk,
        "starts_on": "2024-11-26",
        "ends_on": "2024-11-26",
        "unit": polsek.pk,
    }

    preview = client.post(url, {**form, "action": "preview"})

    assert preview.status_code == 200
    tokens = preview.context["rotation"].tokens
    assert len(tokens) == 6 and not Assignment.objects.exists()
    assert Shift.objects.filter(post=post).count() == 3

    confirmed = client.post(url, {**form, "action": "confirm", "token": tokens})

    assert confirmed.status_code == 302
    assert Assignment.objects.filter(post=post, shift__isnull=False).count() == 6
    assert set(Assignment.objects.values_list("personnel__unit", flat=True)) == {polsek.pk}


def test_a_bad_period_answers_422(login, ops_admin, post):
    url = reverse("opsboard:shift_rotation", args=[post.pk])

    response = login(ops_admin).post(
        url,
        {"template": ShiftTemplateFactory().pk, "starts_on": "2024-11-27", "ends_on": "2024-11-26"},
    )

    assert response.status_code == 422
    assert not Shift.objects.exists()


def test_a_swap_posted_from_the_week_view(login, ops_admin, post):
    shifts = shifts_cut(
        post=post,
        template=ShiftTemplateFactory(),
        starts_on=date(2024, 11, 26),
        ends_on=date(2024, 11, 27),
    )
    andi, budi = PersonnelFactory(name="Andi"), PersonnelFactory(name="Budi")
    _staff(post, [shifts[0]], [andi])
    _staff(post, [shifts[4]], [budi])
    a = Assignment.objects.get(personnel=andi)
    b = Assignment.objects.get(personnel=budi)
    client = login(ops_admin)

    response = client.post(
        reverse("opsboard:shift_swap", args=[post.pk]),
        {"duty": [a.pk, b.pk], "mulai": DAY},
        follow=True,
    )

    assert "Andi dan Budi bertukar regu jaga" in response.content.decode()
    assert Assignment.objects.get(pk=a.pk).shift_id == shifts[4].pk
    assert Personnel.objects.count() == 2


def test_a_refused_swap_says_why_and_changes_nothing(login, ops_admin, post):
    shifts = shifts_cut(
        post=post,
        template=ShiftTemplateFactory(),
        starts_on=date(2024, 11, 26),
        ends_on=date(2024, 11, 26),
    )
    andi, budi = PersonnelFactory(name="Andi"), PersonnelFactory(name="Budi")
    _staff(post, [shifts[0]], [andi])  # Andi 07–15
    _staff(post, [shifts[1]], [budi])  # Budi 15–23
    b = Assignment.objects.get(personnel=budi)
    c = Assignment.objects.create(  # Andi again on the 27th 07–15
        personnel=andi,
        phase=phase_at(wib(27, 7)),
        kind=post.kind,
        post=post,
        shift=Shift.objects.create(post=post, starts_at=wib(27, 7), ends_at=wib(27, 15)),
        starts_at=wib(27, 7),
        ends_at=wib(27, 15),
    )
    before = sorted(Assignment.objects.values_list("pk", "personnel_id", "shift_id", "starts_at"))

    # Andi's 27th for Budi's 15–23 of the 26th: Andi would go straight from 07–15 to 15–23.
    response = login(ops_admin).post(
        reverse("opsboard:shift_swap", args=[post.pk]),
        {"duty": [c.pk, b.pk], "mulai": DAY},
        follow=True,
    )

    assert "Tukar ditolak" in response.content.decode()
    assert "harus beristirahat" in response.content.decode()
    after = sorted(Assignment.objects.values_list("pk", "personnel_id", "shift_id", "starts_at"))
    assert after == before
