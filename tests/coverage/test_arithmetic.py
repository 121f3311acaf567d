"""The arithmetic of docs/coverage.md, one rule per test."""

import pytest
from django.db import connection

from deployments.coverage import coverage_compute, requirements_for
from deployments.models import Assignment, CoverageArea, CoverageTPS, Force, PostKind
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    GuardedObjectFactory,
    GuardNormFactory,
    LinmasFactory,
    PersonnelFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    ShiftFactory,
    TPSFactory,
    object_duty,
    phase,
)


def compute(operation):
    return coverage_compute(operation=operation, phase=phase())


def row(snapshot, tps) -> CoverageTPS:
    return CoverageTPS.objects.get(snapshot=snapshot, tps=tps)


def guard_with_linmas(tps, n=2):
    unit = SatlinmasFactory(desa=tps.desa)
    for _ in range(n):
        AssignmentFactory(personnel=LinmasFactory(unit=unit), tps=[tps])


@pytest.mark.django_db
def test_polri_pair_over_four_tps_gives_each_half_a_guard(operation, demo_pattern):
    desa = DesaFactory()
    stations = [TPSFactory(desa=desa, number=n) for n in range(1, 5)]
    for _ in range(2):
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations)
    for tps in stations:
        guard_with_linmas(tps)

    snapshot = compute(operation)

    for tps in stations:
        r = row(snapshot, tps)
        assert r.polri_required == pytest.approx(0.5)
        assert r.polri_assigned == pytest.approx(0.5)
        assert r.polri_guards == 2
        assert r.linmas_assigned == pytest.approx(2.0)
        assert r.status == "covered"


@pytest.mark.django_db
def test_three_tps_shared_by_a_pair_are_covered_despite_float_thirds(operation):
    # 1/3 + 1/3 + 1/3 is not exactly 1.0 in floating point; the tolerance must absorb it.
    SecurityPatternFactory(operation=operation, force=Force.POLRI, personnel_count=1, tps_count=1)
    stations = [TPSFactory() for _ in range(3)]
    for _ in range(3):
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations)

    snapshot = compute(operation)

    assert {row(snapshot, t).status for t in stations} == {"covered"}


@pytest.mark.django_db
def test_one_linmas_missing_makes_only_that_tps_short(operation, demo_pattern):
    full, lacking = TPSFactory(), TPSFactory()
    AssignmentFactory(personnel=PersonnelFactory(), tps=[full, lacking, TPSFactory(), TPSFactory()])
    AssignmentFactory(personnel=PersonnelFactory(), tps=[full, lacking, TPSFactory(), TPSFactory()])
    guard_with_linmas(full)
    guard_with_linmas(lacking, n=1)

    snapshot = compute(operation)

    assert row(snapshot, full).status == "covered"
    lacking_row = row(snapshot, lacking)
    assert lacking_row.status == "short"
    assert lacking_row.linmas_required - lacking_row.linmas_assigned == pytest.approx(1.0)


@pytest.mark.django_db
def test_tps_with_nobody_assigned_is_unguarded(operation, demo_pattern):
    tps = TPSFactory()

    snapshot = compute(operation)

    assert row(snapshot, tps).status == "unguarded"


@pytest.mark.django_db
def test_tps_whose_class_requires_nothing_is_covered(operation):
    tps = TPSFactory(kerawanan="khusus")  # no pattern row for any force

    snapshot = compute(operation)

    assert row(snapshot, tps).status == "covered"


@pytest.mark.django_db
def test_cancelled_assignments_inactive_people_and_other_posts_do_not_count(
    operation, demo_pattern
):
    tps = TPSFactory()
    AssignmentFactory(personnel=LinmasFactory(), tps=[tps], status=Assignment.Status.CANCELLED)
    AssignmentFactory(personnel=LinmasFactory(active=False), tps=[tps])
    AssignmentFactory(personnel=LinmasFactory(), tps=[tps], phase=phase("masa_tenang"))

    snapshot = compute(operation)

    r = row(snapshot, tps)
    assert (r.linmas_assigned, r.linmas_guards, r.status) == (0.0, 0, "unguarded")


@pytest.mark.django_db
def test_phase_row_overrides_the_all_phases_row(operation):
    SecurityPatternFactory(operation=operation, force=Force.POLRI, personnel_count=2, tps_count=4)
    SecurityPatternFactory(
        operation=operation,
        force=Force.POLRI,
        personnel_count=2,
        tps_count=1,
        phase=phase("pemungutan"),
    )

    required = requirements_for(operation, phase("pemungutan"))
    campaign = requirements_for(operation, phase("kampanye"))

    assert required["kurang_rawan"][Force.POLRI] == 2.0
    assert campaign["kurang_rawan"][Force.POLRI] == 0.5
    assert required["kurang_rawan"][Force.TNI] == 0.0  # no row: nothing required


@pytest.mark.django_db
def test_pattern_edited_as_data_changes_the_requirement(operation, demo_pattern):
    tps = TPSFactory(kerawanan="rawan")
    pattern = next(p for p in demo_pattern if p.kerawanan == "rawan" and p.force == Force.POLRI)
    pattern.tps_count = 1
    pattern.save()

    snapshot = compute(operation)

    assert row(snapshot, tps).polri_required == pytest.approx(2.0)


@pytest.mark.django_db
def test_overstaffing_one_tps_does_not_hide_a_gap_at_another(operation):
    SecurityPatternFactory(operation=operation, force=Force.LINMAS, personnel_count=2, tps_count=1)
    crowded, empty = TPSFactory(), TPSFactory()
    guard_with_linmas(crowded, n=4)

    snapshot = compute(operation)

    total = CoverageArea.objects.get(snapshot=snapshot, level="operation", kerawanan="")
    assert total.linmas_required == pytest.approx(4.0)
    assert total.linmas_assigned == pytest.approx(4.0)
    assert total.linmas_fulfilled == pytest.approx(2.0)  # fulfilment 0.5, not 1.0
    assert (total.tps_total, total.covered, total.short, total.unguarded) == (2, 1, 0, 1)
    assert row(snapshot, empty).status == "unguarded"


@pytest.mark.django_db
def test_area_rows_add_up_per_kecamatan_and_per_class(operation, demo_pattern):
    a, b = DesaFactory(), DesaFactory()
    TPSFactory(desa=a, kerawanan="rawan")
    TPSFactory(desa=a)
    TPSFactory(desa=b)

    snapshot = compute(operation)

    areas = CoverageArea.objects.filter(snapshot=snapshot)
    assert areas.get(level="kecamatan", code=a.kecamatan.code, kerawanan="").tps_total == 2
    assert areas.get(level="kecamatan", code=a.kecamatan.code, kerawanan="rawan").tps_total == 1
    assert areas.get(level="desa", code=b.code, kerawanan="").tps_total == 1
    assert areas.get(level="desa", code=a.code, kerawanan="kurang_rawan").tps_total == 1
    assert areas.get(level="operation", kerawanan="").tps_total == 3
    assert areas.get(level="kabkota", code="3571", kerawanan="").tps_total == 3


@pytest.mark.django_db
def test_unassigned_personnel_are_counted_per_force(operation, demo_pattern):
    tps = TPSFactory()
    AssignmentFactory(personnel=PersonnelFactory(), tps=[tps])
    PersonnelFactory()  # no assignment in the phase
    LinmasFactory()
    LinmasFactory(active=False)  # inactive people are not "without a post"

    snapshot = compute(operation)

    assert (snapshot.unassigned_polri, snapshot.unassigned_tni, snapshot.unassigned_linmas) == (
        1,
        0,
        1,
    )


@pytest.mark.django_db
def test_compute_issues_the_same_queries_at_any_size(
    operation, demo_pattern, django_assert_num_queries
):
    # requirements (1), unassigned counts (1), savepoint + snapshot insert (2), then the rows:
    # on SQLite the per-TPS insert (1), desa by class (1), 4 rollups by class and in all (8),
    # desa in all (1); on PostgreSQL the transaction settings (synchronous_commit, work_mem and
    # statement_timeout in 1) and all of those rows in one statement (1). On both the guarded
    # objects' rows (1). Then the duration update (1) and the savepoint release (1).
    expected = 9 if connection.vendor == "postgresql" else 18
    pemungutan = phase()
    GuardNormFactory(operation=operation, personnel_per_shift=2)
    GuardNormFactory(operation=operation, post_kind=PostKind.KANTOR_KPU)

    def more(tps: int, objects: int) -> None:
        for _ in range(tps):
            AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])
        for _ in range(objects):
            ppk = GuardedObjectFactory()
            shift = ShiftFactory(post=ppk)
            object_duty(ppk, shift=shift)
            office = GuardedObjectFactory(kind=PostKind.KANTOR_KPU)  # no shifts: its period
            object_duty(office, starts_at=pemungutan.starts_at, ends_at=pemungutan.ends_at)

    more(tps=3, objects=1)
    with django_assert_num_queries(expected):
        small = coverage_compute(operation=operation, phase=pemungutan)

    more(tps=30, objects=12)
    with django_assert_num_queries(expected):
        large = coverage_compute(operation=operation, phase=pemungutan)

    assert (small.object_rows.count(), large.object_rows.count()) == (2, 26)
