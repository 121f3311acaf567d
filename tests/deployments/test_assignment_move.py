"""assignment_move: one duty ends where the next begins, in one transaction, or nothing changes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from deployments.models import Assignment, PostKind
from deployments.services import assignment_move
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    LinmasFactory,
    PersonnelFactory,
    PostFactory,
    SatlinmasFactory,
    TPSFactory,
    UserFactory,
    phase,
)


def _reserve_duty(person, pemungutan, **times):
    return AssignmentFactory(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.CADANGAN,
        post=PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polres"),
        **times,
    )


@pytest.mark.django_db
def test_move_ends_the_old_duty_where_the_new_one_starts():
    pemungutan = phase()
    person = PersonnelFactory()
    reserve = _reserve_duty(person, pemungutan)
    at = pemungutan.starts_at + timedelta(hours=13)
    tps = [TPSFactory(number=1), TPSFactory(number=2)]
    admin = UserFactory(username="operator.pindah")

    new = assignment_move(assignment=reserve, at=at, ends_at=pemungutan.ends_at, tps=tps, by=admin)

    reserve.refresh_from_db()
    assert reserve.ends_at == at == new.starts_at
    assert reserve.status == Assignment.Status.ACTIVE
    assert new.kind == PostKind.PAM_TPS and set(new.tps.all()) == set(tps)
    assert new.phase == pemungutan and new.personnel == person
    assert reserve.history.first().history_change_reason.startswith("Dipindahkan ke TPS")
    assert new.history.first().history_change_reason == "Pindahan dari Cadangan Polres"
    assert new.history.first().history_user == admin


@pytest.mark.django_db
def test_a_duty_not_yet_begun_at_the_move_is_cancelled_not_emptied():
    pemungutan = phase()
    person = PersonnelFactory()
    later = pemungutan.starts_at + timedelta(hours=20)
    reserve = _reserve_duty(person, pemungutan, starts_at=later, ends_at=pemungutan.ends_at)

    new = assignment_move(
        assignment=reserve,
        at=pemungutan.starts_at + timedelta(hours=13),
        ends_at=pemungutan.ends_at,
        tps=[TPSFactory()],
    )

    reserve.refresh_from_db()
    assert reserve.status == Assignment.Status.CANCELLED
    assert reserve.ends_at == pemungutan.ends_at  # its window is left as it was ordered
    assert new.status == Assignment.Status.ACTIVE


@pytest.mark.django_db
def test_a_refused_new_duty_leaves_the_old_one_untouched():
    # The third duty begins after the reserve ends: cutting the reserve is allowed (first half
    # written), the new duty running to the phase's end overlaps the third (second half
    # refused), and the first half is rolled back with it.
    pemungutan = phase()
    person = PersonnelFactory()
    middle = pemungutan.starts_at + timedelta(days=1)
    reserve = _reserve_duty(person, pemungutan, starts_at=pemungutan.starts_at, ends_at=middle)
    third = AssignmentFactory(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.POSKO,
        post=PostFactory(name="Posko KPU"),
        starts_at=middle,
        ends_at=pemungutan.ends_at,
    )
    versions = reserve.history.count()

    with pytest.raises(ValidationError) as refused:
        assignment_move(
            assignment=reserve,
            at=pemungutan.starts_at + timedelta(hours=13),
            ends_at=pemungutan.ends_at,
            tps=[TPSFactory()],
        )

    assert "tumpang tindih" in str(refused.value)
    assert third.post.name in str(refused.value)
    reserve.refresh_from_db()
    assert reserve.ends_at == middle
    assert reserve.history.count() == versions
    assert Assignment.objects.filter(personnel=person).count() == 2


@pytest.mark.django_db
def test_a_linmas_is_not_moved_outside_their_own_desa():
    pemungutan = phase()
    home = DesaFactory(code="3571011001", name="Bandar Lor")
    elsewhere = TPSFactory(desa=DesaFactory(code="3571011002", name="Burengan"))
    linmas = LinmasFactory(unit=SatlinmasFactory(desa=home))
    duty = AssignmentFactory(personnel=linmas, phase=pemungutan, tps=[TPSFactory(desa=home)])
    ends_at = duty.ends_at

    with pytest.raises(ValidationError) as refused:
        assignment_move(
            assignment=duty,
            at=pemungutan.starts_at + timedelta(hours=13),
            ends_at=pemungutan.ends_at,
            tps=[elsewhere],
        )

    assert "desanya sendiri" in str(refused.value)
    duty.refresh_from_db()
    assert duty.ends_at == ends_at
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_an_ended_or_cancelled_duty_cannot_be_moved():
    pemungutan = phase()
    middle = pemungutan.starts_at + timedelta(days=1)
    ended = _reserve_duty(PersonnelFactory(), pemungutan, ends_at=middle)
    cancelled = AssignmentFactory(status=Assignment.Status.CANCELLED, tps=[TPSFactory()])

    with pytest.raises(ValidationError) as too_late:
        assignment_move(assignment=ended, at=middle, ends_at=pemungutan.ends_at, tps=[TPSFactory()])
    with pytest.raises(ValidationError) as gone:
        assignment_move(
            assignment=cancelled, at=middle, ends_at=pemungutan.ends_at, tps=[TPSFactory()]
        )

    assert "sudah selesai" in str(too_late.value)
    assert "sudah dibatalkan" in str(gone.value)
    assert Assignment.objects.count() == 2
