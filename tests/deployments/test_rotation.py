"""The rotation generator over 5 days of a 24 h post in 3×8 h shifts, with the rest rule."""

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError

from deployments.models import Assignment, Personnel, PostKind, Shift, Unavailability
from deployments.services.rotation import rotation_propose
from deployments.services.rotation_apply import rotation_apply
from deployments.services.shifts import shifts_cut
from tests.factories import OperationFactory
from tests.shift_factories import (
    GuardedPostFactory,
    ShiftTemplateFactory,
    norm,
    people,
    wib,
)

pytestmark = pytest.mark.django_db
FIVE_DAYS = (date(2024, 11, 25), date(2024, 11, 29))


def test_cutting_shifts_twice_makes_no_duplicates():
    post = GuardedPostFactory()
    template = ShiftTemplateFactory()

    first = shifts_cut(post=post, template=template, starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[1])
    second = shifts_cut(post=post, template=template, starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[1])

    assert len(first) == 15
    assert [s.pk for s in second] == [s.pk for s in first]
    assert Shift.objects.filter(post=post).count() == 15
    assert first[0].starts_at == wib(25, 7)
    assert first[-1].ends_at == wib(30, 7)


def test_shifts_are_clipped_to_the_posts_active_period():
    post = GuardedPostFactory(active_from=wib(25, 12), active_until=wib(26, 12))

    shifts = shifts_cut(
        post=post, template=ShiftTemplateFactory(), starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[1]
    )

    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (wib(25, 12), wib(25, 15)),
        (wib(25, 15), wib(25, 23)),
        (wib(25, 23), wib(26, 7)),
        (wib(26, 7), wib(26, 12)),
    ]


def test_a_shift_overlapping_one_of_another_template_is_refused():
    post = GuardedPostFactory()
    shifts_cut(
        post=post, template=ShiftTemplateFactory(), starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[0]
    )
    twelve = ShiftTemplateFactory(name="2×12 jam", hours=12)

    with pytest.raises(ValidationError, match="bertumpang tindih"):
        shifts_cut(post=post, template=twelve, starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[0])

    assert Shift.objects.filter(post=post).count() == 3


def _rotation(post, pool, operation):
    return rotation_propose(
        posts=[post],
        operation=operation,
        starts_at=wib(25, 7),
        ends_at=wib(30, 7),
        pool=Personnel.objects.filter(pk__in=[p.pk for p in pool]),
    )


def test_a_five_day_rotation_fills_every_shift_and_keeps_the_rest_rule():
    operation = OperationFactory()
    post = GuardedPostFactory()
    norm(PostKind.KANTOR_KPU, 2)
    shifts_cut(
        post=post, template=ShiftTemplateFactory(), starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[1]
    )
    pool = people(8)
    Unavailability.objects.create(
        personnel=pool[0], kind="sick", starts_at=wib(26), ends_at=wib(28)
    )

    rotation = _rotation(post, pool, operation)
    rotation_apply(tokens=rotation.tokens, operation=operation, posts=type(post).objects.all())

    assert rotation.short_shifts == []
    duties = list(Assignment.objects.filter(post=post).order_by("starts_at"))
    per_shift = defaultdict(set)
    for duty in duties:
        per_shift[duty.shift_id].add(duty.personnel_id)
        assert duty.kind == PostKind.KANTOR_KPU
        assert duty.phase.contains(duty.starts_at, duty.ends_at)
        assert duty.shift.starts_at <= duty.starts_at and duty.ends_at <= duty.shift.ends_at
    assert len(per_shift) == 15
    assert all(len(who) == 2 for who in per_shift.values())
    by_person = defaultdict(list)
    for duty in duties:
        by_person[duty.personnel_id].append(duty)
    for mine in by_person.values():
        watches = _watches(mine)
        for (_s1, end), (start, _e2) in pairwise(watches):
            assert start - end >= timedelta(hours=8)  # never double-booked, rested
    sick = [d for d in by_person[pool[0].pk] if d.starts_at < wib(28) and d.ends_at > wib(26)]
    assert sick == []
    hours = sorted(
        sum((d.ends_at - d.starts_at for d in m), timedelta()) for m in by_person.values()
    )
    assert hours[-1] - hours[0] <= timedelta(hours=16)  # the work is shared out


def _watches(duties):
    """The person's duties joined per shift (a shift across a phase boundary is two duties)."""
    spans = {}
    for duty in duties:
        start, end = spans.get(duty.shift_id, (duty.starts_at, duty.ends_at))
        spans[duty.shift_id] = (min(start, duty.starts_at), max(end, duty.ends_at))
    return sorted(spans.values())


def test_a_pool_too_small_for_the_rest_rule_leaves_shifts_short():
    operation = OperationFactory()
    post = GuardedPostFactory()
    norm(PostKind.KANTOR_KPU, 2)
    shifts_cut(
        post=post, template=ShiftTemplateFactory(), starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[0]
    )

    rotation = _rotation(post, people(3), operation)

    # The first shift's two must rest through the second, which gets only the third person;
    # by the third shift they have rested their 8 h.
    assert [n.short for n in rotation.needs] == [{}, {"POLRI": 1}, {}]


def test_the_confirmation_checks_again_and_writes_nothing_when_refused():
    operation = OperationFactory()
    post = GuardedPostFactory()
    norm(PostKind.KANTOR_KPU, 1)
    shifts_cut(
        post=post, template=ShiftTemplateFactory(), starts_on=FIVE_DAYS[0], ends_on=FIVE_DAYS[0]
    )
    pool = people(3)
    rotation = _rotation(post, pool, operation)
    person = Personnel.objects.get(pk=rotation.tokens[-1].split(":")[0])
    Unavailability.objects.create(
        personnel=person, kind="leave", starts_at=wib(25), ends_at=wib(27)
    )

    with pytest.raises(ValidationError, match="tidak tersedia"):
        rotation_apply(tokens=rotation.tokens, operation=operation, posts=type(post).objects.all())

    assert not Assignment.objects.filter(post=post).exists()
