"""Swapping two people's shifts: one atomic step, refused with nothing changed when it would
break the rest rule, double-book anyone or put an unavailable person on duty."""

import pytest
from django.core.exceptions import ValidationError

from deployments.models import Assignment, PostKind, Unavailability
from deployments.services.swap import shift_duties_swap
from tests.factories import PersonnelFactory
from tests.shift_factories import GuardedPostFactory, phase_at, shift_at, wib

pytestmark = pytest.mark.django_db


def _duty(person, shift):
    return Assignment.objects.create(
        personnel=person,
        phase=phase_at(shift.starts_at),
        kind=shift.post.kind,
        post=shift.post,
        shift=shift,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )


def _rows():
    return sorted(
        Assignment.objects.values_list(
            "pk",
            "personnel_id",
            "shift_id",
            "post_id",
            "phase_id",
            "starts_at",
            "ends_at",
            "status",
        )
    )


@pytest.fixture
def post():
    return GuardedPostFactory()


def test_a_swap_exchanges_the_two_peoples_shifts(post):
    andi, budi = PersonnelFactory(), PersonnelFactory()
    morning, night = shift_at(post, wib(27, 7)), shift_at(post, wib(28, 7))
    a, b = _duty(andi, morning), _duty(budi, night)

    shift_duties_swap(duty_a=a, duty_b=b)

    assert set(Assignment.objects.values_list("personnel_id", "shift_id")) == {
        (andi.pk, night.pk),
        (budi.pk, morning.pk),
    }
    a.refresh_from_db()
    assert (a.starts_at, a.ends_at) == (night.starts_at, night.ends_at)
    assert a.history.first().history_change_reason == "Tukar regu jaga"


def test_a_swap_of_two_simultaneous_shifts_of_two_posts(post):
    # Exchanging the people row by row would put one of them on both at once between two
    # statements; the rows exchange their place and time instead (PostgreSQL's constraint).
    other = GuardedPostFactory(kind=PostKind.GUDANG_LOGISTIK)
    andi, budi = PersonnelFactory(), PersonnelFactory()
    a = _duty(andi, shift_at(post, wib(27, 7)))
    b = _duty(budi, shift_at(other, wib(27, 7)))

    shift_duties_swap(duty_a=a, duty_b=b)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.personnel_id, a.post_id, a.kind) == (andi.pk, other.pk, PostKind.GUDANG_LOGISTIK)
    assert (b.personnel_id, b.post_id, b.kind) == (budi.pk, post.pk, PostKind.KANTOR_KPU)


def test_a_swap_that_would_break_the_rest_rule_is_refused_and_changes_nothing(post):
    andi, budi = PersonnelFactory(name="Andi"), PersonnelFactory(name="Budi")
    _duty(andi, shift_at(post, wib(27, 7)))  # Andi 07–15 on the 27th
    a = _duty(andi, shift_at(post, wib(28, 7)))
    b = _duty(budi, shift_at(post, wib(27, 15)))  # Budi 15–23 on the 27th: right after
    before = _rows()

    with pytest.raises(ValidationError, match=r"Andi: .*harus beristirahat"):
        shift_duties_swap(duty_a=a, duty_b=b)

    assert _rows() == before


def test_a_swap_that_would_double_book_is_refused_and_changes_nothing(post):
    andi, budi = PersonnelFactory(name="Andi"), PersonnelFactory(name="Budi")
    a = _duty(andi, shift_at(post, wib(27, 7)))
    b = _duty(budi, shift_at(post, wib(28, 7)))
    Assignment.objects.create(  # Andi patrols on the 28th
        personnel=andi,
        phase=phase_at(wib(28, 7)),
        kind=PostKind.PATROLI,
        post=GuardedPostFactory(kind=PostKind.PATROLI),
        starts_at=wib(28, 9),
        ends_at=wib(28, 12),
    )
    before = _rows()

    with pytest.raises(ValidationError, match=r"Andi: .*tumpang tindih"):
        shift_duties_swap(duty_a=a, duty_b=b)

    assert _rows() == before


def test_a_swap_onto_an_unavailable_person_is_refused_and_changes_nothing(post):
    andi, budi = PersonnelFactory(name="Andi"), PersonnelFactory(name="Budi")
    a = _duty(andi, shift_at(post, wib(27, 7)))
    b = _duty(budi, shift_at(post, wib(28, 7)))
    Unavailability.objects.create(
        personnel=budi, kind="sick", starts_at=wib(27), ends_at=wib(27, 20)
    )
    before = _rows()

    with pytest.raises(ValidationError, match=r"Budi: .*tidak tersedia"):
        shift_duties_swap(duty_a=a, duty_b=b)

    assert _rows() == before


def test_only_two_shift_duties_of_two_people_swap(post):
    andi = PersonnelFactory()
    a = _duty(andi, shift_at(post, wib(27, 7)))
    b = _duty(andi, shift_at(post, wib(28, 7)))

    with pytest.raises(ValidationError, match="orang yang sama"):
        shift_duties_swap(duty_a=a, duty_b=b)
