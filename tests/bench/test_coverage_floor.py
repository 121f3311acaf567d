"""The benchmark's floor (bench/coverage_floor.py) computes exactly the engine's rows.

`make bench` compares the two on synthetic operations, whose every TPS is alike; here one small
operation hits each rule the engine has: a phase's own pattern row over the all-phases one, a
class with no pattern, one guard with two duties at the same TPS (two shares, one guard), an
inactive guard, a cancelled duty, another phase's duty, a duty that is not Pam TPS, a kecamatan
with no Polsek, a TPS nobody guards. Then the comparison must see a change of
any one column, and the floor's prune must keep what coverage_prune keeps.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from deployments.coverage import coverage_compute, coverage_prune
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageObject,
    CoverageSnapshot,
    CoverageTPS,
    Force,
    PostKind,
)
from tests.factories import (
    ELECTION_DAY_9AM,
    AssignmentFactory,
    DesaFactory,
    GuardedObjectFactory,
    GuardNormFactory,
    KecamatanFactory,
    LinmasFactory,
    OperationFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    ShiftFactory,
    TPSFactory,
    object_duty,
    phase,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def _floor_module():
    path = Path(__file__).resolve().parents[2] / "bench" / "coverage_floor.py"
    spec = importlib.util.spec_from_file_location("bench_coverage_floor", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


floor = _floor_module()


@pytest.fixture
def operation(db):
    operation = OperationFactory()
    pemungutan, other = phase("pemungutan"), phase("pra_operasi")
    pattern = [
        ("kurang_rawan", Force.POLRI, 2, 4, None),
        ("kurang_rawan", Force.LINMAS, 1, 1, None),
        ("rawan", Force.POLRI, 1, 1, None),
        ("rawan", Force.POLRI, 3, 2, pemungutan),  # the phase's own row wins
        ("rawan", Force.TNI, 1, 3, pemungutan),
        ("sangat_rawan", Force.POLRI, 2, 1, other),  # another phase's: nothing required here
    ]  # khusus: no row at all
    for kerawanan, force, people, stations, only in pattern:
        SecurityPatternFactory(
            operation=operation,
            kerawanan=kerawanan,
            force=force,
            personnel_count=people,
            tps_count=stations,
            phase=only,
        )
    with_polsek, without, another = KecamatanFactory(), KecamatanFactory(), KecamatanFactory()
    PolsekFactory(kecamatan=with_polsek)
    PolsekFactory(kecamatan=another)
    desa = [DesaFactory(kecamatan=k) for k in (with_polsek, with_polsek, without, another)]
    classes = ["kurang_rawan", "rawan", "sangat_rawan", "khusus", "kurang_rawan"]
    tps = [
        TPSFactory(desa=d, number=n + 1, kerawanan=classes[(i + n) % len(classes)])
        for i, d in enumerate(desa)
        for n in range(3)
    ]
    start = pemungutan.starts_at
    half = start + (pemungutan.ends_at - start) / 2
    twice = PersonnelFactory()  # two duties at tps[0]: shares 1/2 + 1, one guard
    AssignmentFactory(personnel=twice, tps=tps[0:2], ends_at=half)
    AssignmentFactory(personnel=twice, tps=tps[0:1], starts_at=half)
    AssignmentFactory(personnel=PersonnelFactory(), tps=tps[1:4])  # thirds
    AssignmentFactory(personnel=PersonnelFactory(active=False), tps=tps[4:5])
    AssignmentFactory(personnel=PersonnelFactory(), tps=tps[5:6], status="cancelled")
    # Sent to an incident: the duty stays (its time served) and coverage no longer counts it.
    AssignmentFactory(personnel=PersonnelFactory(), tps=tps[7:8], status="relieved")
    AssignmentFactory(
        personnel=PersonnelFactory(),
        tps=tps[6:7],
        phase=other,
        starts_at=other.starts_at,
        ends_at=other.ends_at,
    )
    posko = PersonnelFactory()
    AssignmentFactory(personnel=posko, kind=PostKind.POSKO, post=PostFactory())
    soldier = PersonnelFactory(force=Force.TNI, rank="Serda")
    AssignmentFactory(personnel=soldier, tps=tps[1:2])
    linmas_unit = SatlinmasFactory(desa=desa[0])
    for station in tps[:8]:
        AssignmentFactory(personnel=LinmasFactory(unit=linmas_unit), tps=[station])
    PersonnelFactory(), LinmasFactory(unit=linmas_unit)  # unassigned
    assert Assignment.objects.count() == 17 and tps[-1].coverage_rows.count() == 0
    guarded_objects_add(operation)
    return operation


def guarded_objects_add(operation) -> None:
    """Objects hitting each rule of their rows: every norm rank, a shift full, short and empty,
    one of the next phase, a period row clipped by the object's end, an object ended before
    the phase, a cancelled duty and an inactive person's, another operation's norm."""
    for kerawanan, remote, force, count in [
        ("", False, Force.POLRI, 3),
        ("rawan", False, Force.POLRI, 5),
        ("", True, Force.POLRI, 7),
        ("rawan", True, Force.TNI, 2),
        ("", False, Force.TNI, 1),
    ]:
        GuardNormFactory(
            operation=operation,
            kerawanan=kerawanan,
            remote=remote,
            force=force,
            personnel_per_shift=count,
        )
    GuardNormFactory(operation=operation, post_kind=PostKind.KANTOR_KPU, personnel_per_shift=2)
    GuardNormFactory(operation=OperationFactory(name="Operasi lain"), personnel_per_shift=9)
    pemungutan = phase("pemungutan")
    for n, (kerawanan, remote) in enumerate([("", False), ("rawan", False), ("rawan", True)]):
        ppk = GuardedObjectFactory(kerawanan=kerawanan, remote=remote)
        for i in range(3):
            shift = ShiftFactory(post=ppk, starts_at=ELECTION_DAY_9AM + timedelta(hours=8 * i))
            for _ in range((n + i) % 4):
                object_duty(ppk, shift=shift)
        object_duty(ppk, shift=shift, status="cancelled")
        object_duty(ppk, shift=shift, personnel=PersonnelFactory(active=False))
        ShiftFactory(post=ppk, starts_at=pemungutan.ends_at)  # the next phase's
    office = GuardedObjectFactory(
        kind=PostKind.KANTOR_KPU, active_until=pemungutan.starts_at + timedelta(hours=30)
    )
    object_duty(office, starts_at=pemungutan.starts_at, ends_at=office.active_until)
    object_duty(
        office,
        personnel=PersonnelFactory(force=Force.TNI, rank="Serda"),
        starts_at=office.active_until,
        ends_at=pemungutan.ends_at,
    )  # after the object's period
    GuardedObjectFactory(active_until=pemungutan.starts_at)  # ended before the phase
    GuardedObjectFactory(kind=PostKind.WALPRI)  # no norm: covered


def both(operation) -> tuple[CoverageSnapshot, int]:
    pemungutan = phase("pemungutan")
    snapshot = coverage_compute(operation=operation, phase=pemungutan, inputs_version=7)
    with connection.cursor() as cursor:
        floor_id = floor.floor_compute(
            cursor,
            operation=operation.pk,
            phase=pemungutan.pk,
            computed_at=snapshot.computed_at,
            created_at=timezone.now(),
            inputs_version=7,
        )
    return snapshot, floor_id


@pytest.fixture
def schema(db):
    with connection.cursor() as cursor:
        floor.create_schema(cursor)  # inside the test's transaction: rolled back after it


def test_the_floor_writes_the_engines_rows_every_column(operation, schema):
    snapshot, floor_id = both(operation)

    with connection.cursor() as cursor:
        assert floor.differences(cursor, engine=snapshot.pk, floor=floor_id) == []
        counts = floor.row_counts(cursor, engine=snapshot.pk, floor=floor_id)
    # 12 TPS; areas: 4 desa, 3 kecamatan, 2 Polsek (none for one kecamatan), the kab/kota,
    # the operation, each for all classes and per class present.
    assert counts["deployments_coveragetps"] == (12, 12)
    assert counts["deployments_coveragearea"][0] == counts["deployments_coveragearea"][1]
    rows = CoverageTPS.objects.filter(snapshot=snapshot)
    assert {r.status for r in rows} == {"covered", "short", "unguarded"}
    assert sorted(r.polri_guards for r in rows)[-1] == 2
    assert CoverageArea.objects.filter(snapshot=snapshot, level="polsek", kerawanan="").count() == 2
    # 3 PPK × 3 shifts in the phase, the office's period, the escort's.
    assert counts["deployments_coverageobject"] == (11, 11)
    statuses = CoverageObject.objects.filter(snapshot=snapshot).values_list("status", flat=True)
    assert set(statuses) == {"covered", "short", "unguarded"}


CHANGES = [
    ("deployments_coveragesnapshot", "unassigned_linmas = unassigned_linmas + 1"),
    ("deployments_coveragetps", "tni_guards = tni_guards + 1"),
    ("deployments_coveragetps", "polri_assigned = polri_assigned + 1e-6"),
    ("deployments_coveragetps", "status = 'short'"),
    ("deployments_coveragearea", "linmas_fulfilled = linmas_fulfilled + 0.5"),
    ("deployments_coveragearea", "code = code || 'x'"),  # a row missing on each side
    ("deployments_coverageobject", "polri_assigned = polri_assigned + 1"),
    ("deployments_coverageobject", "shift_id = NULL"),
    ("deployments_coverageobject", "starts_at = starts_at + interval '1 hour'"),
]


def test_a_difference_in_any_column_or_a_missing_row_is_found(operation, schema):
    snapshot, floor_id = both(operation)
    found = {}

    with connection.cursor() as cursor:
        for table, change in CHANGES:
            key = "id" if table == "deployments_coveragesnapshot" else "snapshot_id"
            with transaction.atomic():  # a savepoint: one change at a time
                cursor.execute(
                    f"UPDATE floor.{table} SET {change} WHERE ctid = "
                    f"(SELECT min(ctid) FROM floor.{table} WHERE {key} = %s)",
                    [floor_id],
                )
                found[change] = floor.differences(cursor, engine=snapshot.pk, floor=floor_id)
                transaction.set_rollback(True)
        with transaction.atomic():
            cursor.execute(
                "DELETE FROM floor.deployments_coveragearea "
                "WHERE snapshot_id = %s AND level = 'kabkota'",
                [floor_id],
            )
            missing = floor.differences(cursor, engine=snapshot.pk, floor=floor_id)
            transaction.set_rollback(True)
        unchanged = floor.differences(cursor, engine=snapshot.pk, floor=floor_id)

    for table, change in CHANGES:
        assert {row[0] for row in found[change]} == {table}, change
        two = "code" in change or "starts_at" in change  # a row missing on each side
        assert len(found[change]) == (2 if two else 1), change
    assert {row[1].split("/")[0] for row in missing} == {"kabkota"}
    assert len(missing) > 1  # for all classes and per class
    assert unchanged == []


def test_the_floors_prune_keeps_what_the_engines_keeps(operation, schema):
    # Half past an hour, so that 3 days 10 and 20 minutes before fall in one hour, 80 in another.
    now = timezone.now().replace(minute=50, second=0, microsecond=0)
    # Newest first: two recent ones keep their detail, one more within the two days, then two
    # in one hour over two days ago and one in the hour before.
    ages = [timedelta(0), timedelta(minutes=5), timedelta(hours=1)]
    ages += [timedelta(days=3, minutes=m) for m in (10, 20, 80)]
    for age in reversed(ages):
        snapshot, floor_id = both(operation)
        CoverageSnapshot.objects.filter(pk=snapshot.pk).update(created_at=now - age)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE floor.deployments_coveragesnapshot SET created_at = %s WHERE id = %s",
                [now - age, floor_id],
            )

    coverage_prune(operation=operation, now=now)
    with connection.cursor() as cursor:
        floor.floor_prune(cursor, operation=operation.pk, now=now)
        kept = {}
        for schema_name in ("public", "floor"):
            cursor.execute(
                f"SELECT s.created_at, "
                f"(SELECT count(*) FROM {schema_name}.deployments_coveragetps t "
                f" WHERE t.snapshot_id = s.id), "
                f"(SELECT count(*) FROM {schema_name}.deployments_coveragearea a "
                f" WHERE a.snapshot_id = s.id AND a.level = 'desa'), "
                f"(SELECT count(*) FROM {schema_name}.deployments_coveragearea a "
                f" WHERE a.snapshot_id = s.id AND a.level <> 'desa'), "
                f"(SELECT count(*) FROM {schema_name}.deployments_coverageobject o "
                f" WHERE o.snapshot_id = s.id) "
                f"FROM {schema_name}.deployments_coveragesnapshot s ORDER BY s.created_at DESC"
            )
            kept[schema_name] = cursor.fetchall()

    assert kept["floor"] == kept["public"]
    assert len(kept["public"]) == 5  # one of the two in the same old hour is gone
    assert [row[1] for row in kept["public"]] == [12, 12, 0, 0, 0]
    assert [row[4] for row in kept["public"]] == [11, 11, 0, 0, 0]
