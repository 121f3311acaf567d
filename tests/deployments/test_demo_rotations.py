"""The demo's rotations (demo/rotations.py) on a couple of guarded objects of our own: every
shift of an object with norms filled from the right pool, the rules held."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest

from demo.rotations import ROTATION_DEFAULT, rotations_create
from deployments.models import Assignment, Force, PostKind, Shift, Unit
from tests.factories import (
    DesaFactory,
    OperationFactory,
    PersonnelFactory,
    PolsekFactory,
    UnitFactory,
)
from tests.shift_factories import GuardedPostFactory, norm, wib

pytestmark = pytest.mark.django_db


def test_the_demo_staffs_every_shift_of_the_objects_with_norms(mojoroto, pesantren):
    operation = OperationFactory()
    ppk = GuardedPostFactory(
        kind=PostKind.PPK,
        name="PPK Mojoroto",
        desa=DesaFactory(kecamatan=mojoroto),
        active_from=wib(27, 7),
        active_until=wib(29, 7),
    )
    office = GuardedPostFactory(kind=PostKind.KANTOR_KPU, name="Kantor KPU Kota")
    GuardedPostFactory(kind=PostKind.GUDANG_LOGISTIK, name="Gudang tanpa norma")
    norm(PostKind.PPK, 3)
    norm(PostKind.KANTOR_KPU, 1)
    norm(PostKind.KANTOR_KPU, 1, force=Force.TNI)
    sat = UnitFactory(kind=Unit.Kind.SAT)
    PersonnelFactory.create_batch(6, unit=sat)
    mojoroto_polsek = PersonnelFactory.create_batch(4, unit=PolsekFactory(kecamatan=mojoroto))
    elsewhere = PersonnelFactory.create_batch(4, unit=PolsekFactory(kecamatan=pesantren))
    PersonnelFactory.create_batch(
        4, force=Force.TNI, rank="Serda", unit=UnitFactory(force=Force.TNI)
    )

    figures = rotations_create(operation)

    assert figures.posts == 2 and figures.short_shifts == 0
    assert not Shift.objects.filter(post__name="Gudang tanpa norma").exists()
    ppk_shifts = list(Shift.objects.filter(post=ppk).order_by("starts_at"))
    assert [(s.starts_at, s.ends_at) for s in ppk_shifts[:1]] == [(wib(27, 7), wib(27, 19))]
    assert len(ppk_shifts) == 4
    office_shifts = Shift.objects.filter(post=office)
    assert office_shifts.earliest("starts_at").starts_at == ROTATION_DEFAULT[0]
    assert office_shifts.latest("ends_at").ends_at == ROTATION_DEFAULT[1]
    held = defaultdict(lambda: defaultdict(set))
    for duty in Assignment.objects.select_related("personnel", "shift"):
        held[duty.shift_id][duty.personnel.force].add(duty.personnel_id)
        assert duty.personnel_id not in {p.pk for p in elsewhere}
    for shift in ppk_shifts:
        assert len(held[shift.pk][Force.POLRI]) == 3
    for shift in office_shifts:
        assert len(held[shift.pk][Force.POLRI]) == 1 and len(held[shift.pk][Force.TNI]) == 1
    assert Assignment.objects.filter(personnel__in=mojoroto_polsek).exists()


def test_the_demo_rotation_keeps_the_rest_rule():
    operation = OperationFactory()
    GuardedPostFactory(kind=PostKind.KANTOR_BAWASLU, name="Kantor Bawaslu")
    norm(PostKind.KANTOR_BAWASLU, 2)
    PersonnelFactory.create_batch(7, unit=UnitFactory(kind=Unit.Kind.SAT))

    rotations_create(operation)

    by_person = defaultdict(dict)
    for duty in Assignment.objects.order_by("starts_at"):
        start, end = by_person[duty.personnel_id].get(duty.shift_id, (duty.starts_at, duty.ends_at))
        by_person[duty.personnel_id][duty.shift_id] = (
            min(start, duty.starts_at),
            max(end, duty.ends_at),
        )
    for spans in by_person.values():
        watches = sorted(spans.values())
        for (_a, end), (start, _b) in pairwise(watches):
            assert start - end >= timedelta(hours=8)
