"""Guarded objects in the coverage engine (docs/coverage.md, "Guarded objects"): required per
shift from the guard norm, assigned from the shift's active duties, one row per object and shift."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deployments.coverage import coverage_compute, coverage_prune
from deployments.models import Assignment, CoverageObject, Force, GuardNorm, PostKind
from tests.factories import (
    ELECTION_DAY_9AM,
    GuardedObjectFactory,
    GuardNormFactory,
    PersonnelFactory,
    ShiftFactory,
    object_duty,
    phase,
)


def compute(operation, code="pemungutan"):
    return coverage_compute(operation=operation, phase=phase(code))


def rows_of(snapshot, post) -> list[CoverageObject]:
    return list(CoverageObject.objects.filter(snapshot=snapshot, post=post).order_by("starts_at"))


def three_shifts(post, day_start):
    return [ShiftFactory(post=post, starts_at=day_start + timedelta(hours=8 * i)) for i in range(3)]


@pytest.mark.django_db
def test_each_shift_gets_required_against_its_own_duties(operation):
    GuardNormFactory(operation=operation, personnel_per_shift=3)
    GuardNormFactory(operation=operation, force=Force.TNI, personnel_per_shift=1)
    ppk = GuardedObjectFactory()
    full, thin, empty = three_shifts(ppk, ELECTION_DAY_9AM - timedelta(hours=2))
    for _ in range(3):
        object_duty(ppk, shift=full)
    object_duty(ppk, shift=full, personnel=PersonnelFactory(force=Force.TNI, rank="Serda"))
    object_duty(ppk, shift=thin)

    snapshot = compute(operation)

    rows = rows_of(snapshot, ppk)
    assert [r.shift_id for r in rows] == [full.pk, thin.pk, empty.pk]
    assert [(r.polri_required, r.tni_required) for r in rows] == [(3, 1)] * 3
    assert [(r.polri_assigned, r.tni_assigned) for r in rows] == [(3, 1), (1, 0), (0, 0)]
    assert [r.status for r in rows] == ["covered", "short", "unguarded"]
    assert (rows[0].starts_at, rows[0].ends_at) == (full.starts_at, full.ends_at)


@pytest.mark.django_db
def test_an_object_without_shifts_gets_one_row_for_its_period_within_the_phase(operation):
    GuardNormFactory(operation=operation, post_kind=PostKind.KANTOR_KPU, personnel_per_shift=2)
    pemungutan = phase()
    office = GuardedObjectFactory(
        kind=PostKind.KANTOR_KPU,
        active_from=pemungutan.starts_at - timedelta(days=30),
        active_until=pemungutan.starts_at + timedelta(days=1),
    )
    object_duty(office, starts_at=pemungutan.starts_at, ends_at=office.active_until)
    # After the object's period: not counted, though in the phase and at the post.
    object_duty(office, starts_at=office.active_until, ends_at=pemungutan.ends_at)

    snapshot = compute(operation)

    (row,) = rows_of(snapshot, office)
    assert row.shift_id is None
    assert (row.starts_at, row.ends_at) == (pemungutan.starts_at, office.active_until)
    assert (row.polri_required, row.polri_assigned, row.status) == (2, 1, "short")


@pytest.mark.django_db
def test_objects_and_shifts_outside_the_phase_get_no_row(operation):
    GuardNormFactory(operation=operation)
    pemungutan = phase()
    ended = GuardedObjectFactory(active_until=pemungutan.starts_at)
    later = GuardedObjectFactory(active_from=pemungutan.ends_at)
    ppk = GuardedObjectFactory()
    ShiftFactory(post=ppk)
    ShiftFactory(post=ppk, starts_at=pemungutan.ends_at)  # the recapitulation's first shift

    snapshot = compute(operation)

    assert rows_of(snapshot, ended) == rows_of(snapshot, later) == []
    assert len(rows_of(snapshot, ppk)) == 1
    assert len(rows_of(compute(operation, "rekapitulasi"), ppk)) == 1


@pytest.mark.django_db
def test_cancelled_relieved_inactive_and_other_shifts_duties_do_not_count(operation):
    GuardNormFactory(operation=operation, personnel_per_shift=1)
    ppk = GuardedObjectFactory()
    shift, other = three_shifts(ppk, ELECTION_DAY_9AM - timedelta(hours=2))[:2]
    object_duty(ppk, shift=shift, status=Assignment.Status.CANCELLED)
    object_duty(ppk, shift=shift, status=Assignment.Status.RELIEVED)
    object_duty(ppk, shift=shift, personnel=PersonnelFactory(active=False))
    object_duty(ppk, shift=other)

    snapshot = compute(operation)

    first, second = rows_of(snapshot, ppk)[:2]
    assert (first.polri_assigned, first.status) == (0, "unguarded")
    assert (second.polri_assigned, second.status) == (1, "covered")


@pytest.mark.django_db
def test_an_object_of_which_nothing_is_required_is_covered(operation):
    walpri = GuardedObjectFactory(kind=PostKind.WALPRI, protectee="Paslon 1 (sintetis)")

    snapshot = compute(operation)

    (row,) = rows_of(snapshot, walpri)
    assert (row.polri_required, row.status) == (0, "covered")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kerawanan", "remote"),
    [("", False), ("rawan", False), ("sangat_rawan", False), ("rawan", True), ("", True)],
)
def test_the_sql_chooses_the_norm_that_required_for_chooses(operation, kerawanan, remote):
    for norm_class, norm_remote, force, count in [
        ("", False, Force.POLRI, 4),
        ("rawan", False, Force.POLRI, 6),
        ("", True, Force.POLRI, 8),
        ("rawan", True, Force.TNI, 2),
        ("", False, Force.TNI, 1),
        ("sangat_rawan", False, Force.LINMAS, 5),
    ]:
        GuardNormFactory(
            operation=operation,
            kerawanan=norm_class,
            remote=norm_remote,
            force=force,
            personnel_per_shift=count,
        )
    ppk = GuardedObjectFactory(kerawanan=kerawanan, remote=remote)

    snapshot = compute(operation)

    (row,) = rows_of(snapshot, ppk)
    expected = GuardNorm.objects.required_for(ppk, operation)
    assert {
        Force.POLRI: row.polri_required,
        Force.TNI: row.tni_required,
        Force.LINMAS: row.linmas_required,
    } == {force: expected.get(force, 0) for force in Force.values}


@pytest.mark.django_db
def test_another_operations_norm_does_not_apply(operation):
    from tests.factories import OperationFactory

    GuardNormFactory(operation=OperationFactory(name="Operasi lain"), personnel_per_shift=9)
    ppk = GuardedObjectFactory()

    snapshot = compute(operation)

    assert rows_of(snapshot, ppk)[0].polri_required == 0


@pytest.mark.django_db
def test_object_rows_are_pruned_with_the_per_tps_rows(operation):
    GuardNormFactory(operation=operation)
    ShiftFactory()
    made = [compute(operation) for _ in range(4)]

    coverage_prune(operation=operation, now=timezone.now())

    kept = set(CoverageObject.objects.values_list("snapshot_id", flat=True))
    assert kept == {made[-1].pk, made[-2].pk}


@pytest.mark.django_db
def test_a_deleted_snapshot_takes_its_object_rows(operation):
    ShiftFactory()
    snapshot = compute(operation)

    snapshot.delete()

    assert not CoverageObject.objects.exists()
