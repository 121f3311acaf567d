"""The engine against the real services: PostgreSQL beside SQLite, and a Celery worker on Redis."""

from datetime import timedelta

import pytest
from django.core import serializers

from deployments.coverage import coverage_compute
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageObject,
    CoverageSnapshot,
    CoverageTPS,
    Force,
    GuardNorm,
    Operation,
    Personnel,
    Phase,
    Post,
    PostKind,
    SecurityPattern,
    Shift,
    Unit,
)
from deployments.services import assignment_create
from tests.factories import (
    ELECTION_DAY_9AM,
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
from tests.hardening.support import wait_until
from tps.models import TPS, Desa, KabKota, Kecamatan

COPIED = (
    KabKota,
    Kecamatan,
    Desa,
    TPS,
    Operation,
    Phase,
    Unit,
    Personnel,
    SecurityPattern,
    Post,
    Shift,
    GuardNorm,
    Assignment,
)


def build_mixed_operation(operation) -> None:
    """Pairs over 4 and over 3 TPS (thirds), missing Linmas, over-staffing, every class."""
    SecurityPatternFactory(
        operation=operation, kerawanan="rawan", force=Force.TNI, personnel_count=1, tps_count=1
    )
    for d in range(3):
        desa = DesaFactory()
        unit = SatlinmasFactory(desa=desa)
        stations = [
            TPSFactory(desa=desa, number=n, kerawanan=("rawan" if n == 1 else "kurang_rawan"))
            for n in range(1, 8)
        ]
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations[:4])
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations[:4])
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations[4:7])  # thirds
        AssignmentFactory(personnel=PersonnelFactory(), tps=stations[4:7])
        koramil = Unit.objects.create(
            code=f"koramil-{d}", name=f"Koramil {d}", force=Force.TNI, kind="koramil"
        )
        soldier = PersonnelFactory(force=Force.TNI, rank="Serda", unit=koramil)
        AssignmentFactory(personnel=soldier, tps=stations[:1] if d else stations[:2])
        for i, tps in enumerate(stations):
            for _ in range(2 if i % 3 else (1 if d else 3)):
                AssignmentFactory(personnel=LinmasFactory(unit=unit), tps=[tps])


def copy_to(alias: str) -> None:
    for model in COPIED:
        data = serializers.serialize("json", model.objects.using("default").order_by("pk"))
        for obj in serializers.deserialize("json", data, using=alias):
            obj.save(using=alias)


def verdicts(snapshot, alias):
    rows = CoverageTPS.objects.using(alias).filter(snapshot_id=snapshot.pk).order_by("tps_id")
    return [
        (
            r.tps_id,
            r.status,
            r.polri_assigned,
            r.tni_assigned,
            r.linmas_assigned,
            r.polri_guards,
            r.linmas_guards,
        )
        for r in rows
    ]


def areas(snapshot, alias):
    rows = CoverageArea.objects.using(alias).filter(snapshot_id=snapshot.pk)
    return {
        (r.level, r.code, r.kerawanan): (
            r.tps_total,
            r.covered,
            r.short,
            r.unguarded,
            r.polri_fulfilled,
            r.tni_fulfilled,
            r.linmas_fulfilled,
        )
        for r in rows
    }


@pytest.mark.services
@pytest.mark.django_db(databases=["default", "sqlite"])
def test_postgresql_and_sqlite_give_the_same_verdicts_and_figures(operation, demo_pattern):
    build_mixed_operation(operation)
    copy_to("sqlite")
    pemungutan = phase()

    on_postgres = coverage_compute(operation=operation, phase=pemungutan)
    on_sqlite = coverage_compute(operation=operation, phase=pemungutan, using="sqlite")

    pg_rows, lite_rows = verdicts(on_postgres, "default"), verdicts(on_sqlite, "sqlite")
    assert len(pg_rows) == 21
    assert {r[1] for r in pg_rows} == {"covered", "short"}
    for pg, lite in zip(pg_rows, lite_rows, strict=True):
        assert pg[:2] == lite[:2] and pg[5:] == lite[5:]
        assert pg[2:5] == pytest.approx(lite[2:5], abs=1e-9)
    pg_areas, lite_areas = areas(on_postgres, "default"), areas(on_sqlite, "sqlite")
    assert pg_areas.keys() == lite_areas.keys()
    for key, figures in pg_areas.items():
        assert figures[:4] == lite_areas[key][:4]
        assert figures[4:] == pytest.approx(lite_areas[key][4:], abs=1e-9)


def build_guarded_objects(operation) -> None:
    """Shifts short and full, a period row clipped by the object's end, every norm rank."""
    for kerawanan, remote, force, count in [
        ("", False, Force.POLRI, 3),
        ("rawan", False, Force.POLRI, 5),
        ("", True, Force.POLRI, 7),
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
    pemungutan = phase()
    for n, (kerawanan, remote) in enumerate([("", False), ("rawan", False), ("rawan", True)]):
        ppk = GuardedObjectFactory(kerawanan=kerawanan, remote=remote)
        for i in range(3):
            shift = ShiftFactory(post=ppk, starts_at=ELECTION_DAY_9AM + timedelta(hours=8 * i))
            for _ in range((n + i) % 4 + 2):
                object_duty(ppk, shift=shift)
        object_duty(ppk, shift=shift, personnel=PersonnelFactory(force=Force.TNI, rank="Serda"))
    office = GuardedObjectFactory(
        kind=PostKind.KANTOR_KPU, active_until=pemungutan.starts_at + timedelta(hours=30)
    )
    object_duty(office, starts_at=pemungutan.starts_at, ends_at=office.active_until)


def object_rows(snapshot, alias):
    rows = CoverageObject.objects.using(alias).filter(snapshot_id=snapshot.pk)
    return sorted(
        (
            r.post_id,
            r.shift_id,
            r.starts_at,
            r.ends_at,
            r.status,
            r.polri_required,
            r.polri_assigned,
            r.tni_required,
            r.tni_assigned,
        )
        for r in rows
    )


@pytest.mark.services
@pytest.mark.django_db(databases=["default", "sqlite"])
def test_postgresql_and_sqlite_give_the_same_object_rows(operation, demo_pattern):
    build_guarded_objects(operation)
    copy_to("sqlite")
    pemungutan = phase()

    on_postgres = coverage_compute(operation=operation, phase=pemungutan)
    on_sqlite = coverage_compute(operation=operation, phase=pemungutan, using="sqlite")

    pg_rows = object_rows(on_postgres, "default")
    assert len(pg_rows) == 10
    assert {r[4] for r in pg_rows} == {"covered", "short"}
    assert pg_rows == object_rows(on_sqlite, "sqlite")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_recomputes_after_a_change(
    operation, demo_pattern, celery_worker_on_redis
):
    tps, pemungutan = TPSFactory(), phase()
    linmas = LinmasFactory(unit=SatlinmasFactory(desa=tps.desa))  # Linmas guard their own desa
    before = CoverageSnapshot.objects.count()

    assignment_create(
        personnel=linmas,
        phase=pemungutan,
        kind=PostKind.PAM_TPS,
        tps=[tps],
        starts_at=pemungutan.starts_at,
        ends_at=pemungutan.ends_at,
    )

    def snapshot_with_the_guard():
        current = CoverageSnapshot.objects.current_for(pemungutan)
        return (
            current
            and CoverageTPS.objects.filter(snapshot=current, tps=tps, linmas_guards=1).exists()
        )

    wait_until(snapshot_with_the_guard, timeout=30, what="a snapshot with the new assignment")
    assert CoverageSnapshot.objects.count() > before
