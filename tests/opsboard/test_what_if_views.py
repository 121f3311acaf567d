"""/kekuatan/simulasi/: the command previews a move, then saves it; bad input is a 422."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.access import GROUP_COMMAND
from deployments.models import Assignment, Force, GuardNorm, PostKind
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    UserFactory,
    phase,
    polsek_staff_user,
)

URL = reverse("opsboard:what_if")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def setting():
    pemungutan = phase()
    GuardNorm.objects.create(
        operation=pemungutan.operation,
        post_kind=PostKind.KANTOR_KPU,
        force=Force.POLRI,
        personnel_per_shift=2,
    )
    kpu = PostFactory(kind=PostKind.KANTOR_KPU, name="KPU Kota Kediri")
    reserve = PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polres")
    people = PersonnelFactory.create_batch(2)
    for person in people:
        AssignmentFactory(personnel=person, phase=pemungutan, kind=PostKind.CADANGAN, post=reserve)
    start = pemungutan.starts_at + timedelta(hours=4)
    data = {
        "source": "cadangan",
        "post": kpu.pk,
        "starts_at": _local(start),
        "ends_at": _local(start + timedelta(hours=8)),
    }
    return {"kpu": kpu, "people": people, "data": data}


@pytest.fixture
def command(client):
    client.force_login(UserFactory(username="kabagops.sim", groups=[GROUP_COMMAND]))
    return client


@pytest.mark.django_db
def test_the_preview_shows_the_object_covered_and_writes_nothing(command, setting):
    before = Assignment.objects.count()
    response = command.post(URL, {**setting["data"], "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="what-if-preview"' in body and "<html" not in body
    assert "KPU Kota Kediri" in body and "Simpan gerakan ini" in body
    assert Assignment.objects.count() == before


@pytest.mark.django_db
def test_saving_moves_the_reserve(command, setting):
    response = command.post(URL, {**setting["data"], "action": "save"})
    assert response.status_code == 302
    moved = Assignment.objects.filter(post=setting["kpu"], status=Assignment.Status.ACTIVE)
    assert {a.personnel_id for a in moved} == {p.pk for p in setting["people"]}


@pytest.mark.django_db
def test_a_window_outside_every_phase_or_an_unknown_nrp_is_a_422(command, setting):
    data = {**setting["data"], "source": "nrp", "identifiers": "99999999"}
    response = command.post(URL, {**data, "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Tidak dikenal atau tidak aktif: 99999999" in response.content.decode()
    data = {**setting["data"], "starts_at": "2030-01-01T08:00", "ends_at": "2030-01-01T09:00"}
    response = command.post(URL, {**data, "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "tidak berada di dalam satu tahapan" in response.content.decode()


@pytest.mark.django_db
def test_polsek_staff_may_not_move_people(client, setting):
    client.force_login(polsek_staff_user("polsek.sim", PolsekFactory()))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**setting["data"], "action": "save"}).status_code == 403
    assert not Assignment.objects.filter(post=setting["kpu"]).exists()


@pytest.mark.django_db
def test_a_bko_contingent_moves_together(command, setting):
    from tests.factories import BkoInFactory

    platoon = [BkoInFactory(sprin_number="Sprin/77/XI/2024/Brimob") for _ in range(3)]
    BkoInFactory(sprin_number="Sprin/78/XI/2024/Brimob")  # another order stays
    data = {**setting["data"], "source": "bko", "bko_sprin": "Sprin/77/XI/2024/Brimob"}

    response = command.post(URL, {**data, "action": "save"})

    assert response.status_code == 302
    moved = Assignment.objects.filter(post=setting["kpu"]).values_list("personnel_id", flat=True)
    assert set(moved) == {b.personnel_id for b in platoon}
