"""When coverage is recomputed: after every change, debounced, atomically, pruned."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from deployments.coverage import (
    coverage_compute,
    coverage_inputs_changed,
    coverage_prune,
    coverage_recompute,
    snapshot_is_stale,
)
from deployments.models import (
    Assignment,
    CoverageArea,
    CoverageSnapshot,
    CoverageState,
    CoverageTPS,
    PostKind,
)
from deployments.services import assignment_create
from tests.factories import (
    AssignmentFactory,
    GuardedObjectFactory,
    GuardNormFactory,
    LinmasFactory,
    PersonnelFactory,
    SatlinmasFactory,
    ShiftFactory,
    TPSFactory,
    phase,
)


def snapshots() -> int:
    return CoverageSnapshot.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_saved_assignment_is_followed_by_a_new_snapshot(operation, demo_pattern):
    tps, pemungutan = TPSFactory(), phase()
    linmas = LinmasFactory(unit=SatlinmasFactory(desa=tps.desa))  # Linmas guard their own desa
    coverage_recompute()
    before = snapshots()

    assignment_create(
        personnel=linmas,
        phase=pemungutan,
        kind=PostKind.PAM_TPS,
        tps=[tps],
        starts_at=pemungutan.starts_at,
        ends_at=pemungutan.ends_at,
    )

    assert snapshots() == before + 1
    current = CoverageSnapshot.objects.current_for(phase())
    assert CoverageTPS.objects.get(snapshot=current, tps=tps).linmas_guards == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(operation, demo_pattern):
    coverage_recompute()
    before = snapshots()

    try:
        with transaction.atomic():
            AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])
            raise RuntimeError("the admin's request failed")
    except RuntimeError:
        pass

    assert snapshots() == before
    assert CoverageState.objects.get(operation=operation).pending is False


@pytest.mark.django_db(transaction=True)
def test_a_burst_in_one_transaction_gives_one_recompute(operation, demo_pattern):
    with transaction.atomic():
        stations = [TPSFactory() for _ in range(150)]
    coverage_recompute()
    before = snapshots()

    with transaction.atomic():
        for tps in stations:  # 300 assignments, each a save and an m2m add
            for _ in range(2):
                AssignmentFactory(personnel=LinmasFactory(), tps=[tps])

    assert snapshots() == before + 1
    current = CoverageSnapshot.objects.current_for(phase())
    assert CoverageTPS.objects.filter(snapshot=current, linmas_guards=2).count() == 150


@pytest.mark.django_db
def test_a_second_worker_for_the_same_change_writes_nothing(operation, demo_pattern):
    TPSFactory()
    first = coverage_recompute()

    second = coverage_recompute()

    assert len(first) == 1
    assert second == []


@pytest.mark.django_db
def test_a_failure_half_way_leaves_the_previous_snapshot_current(operation, demo_pattern):
    TPSFactory()
    (previous,) = coverage_recompute()
    area_table = CoverageArea._meta.db_table

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        # The per-TPS rows insert fine; the area rows then fail, as a crash would.
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {area_table} RENAME TO {area_table}_away")
        with pytest.raises(DatabaseError):
            coverage_compute(operation=operation, phase=phase(), inputs_version=99)
        assert CoverageSnapshot.objects.current_for(phase()) == previous
        assert CoverageTPS.objects.exclude(snapshot=previous).count() == 0
        raise Undo  # and put the table back


@pytest.mark.django_db
def test_detail_rows_are_kept_for_the_current_and_previous_snapshot_only(operation, demo_pattern):
    TPSFactory()
    made = [coverage_compute(operation=operation, phase=phase()) for _ in range(4)]

    coverage_prune(operation=operation, now=timezone.now())

    kept = set(CoverageTPS.objects.values_list("snapshot_id", flat=True))
    assert kept == {made[-1].pk, made[-2].pk}
    assert (
        set(CoverageArea.objects.filter(level="desa").values_list("snapshot_id", flat=True)) == kept
    )
    # Area rows from kecamatan up stay as history.
    assert CoverageArea.objects.filter(level="kecamatan").count() >= 4


@pytest.mark.django_db
def test_the_recompute_task_prunes_after_the_new_snapshot_has_landed(operation, demo_pattern):
    from deployments.tasks import recompute_coverage_task

    TPSFactory()
    for _ in range(3):
        coverage_compute(operation=operation, phase=phase())
    CoverageState.objects.update_or_create(operation=operation, defaults={"version": 5})

    recompute_coverage_task.apply(args=[operation.pk])

    newest = CoverageSnapshot.objects.current_for(phase())
    assert newest.inputs_version == 5
    assert CoverageTPS.objects.values("snapshot_id").distinct().count() == 2
    assert CoverageTPS.objects.filter(snapshot=newest).exists()


@pytest.mark.django_db
def test_history_older_than_two_days_keeps_one_snapshot_an_hour(operation, demo_pattern):
    TPSFactory()
    now = timezone.now()
    made = [coverage_compute(operation=operation, phase=phase()) for _ in range(5)]
    old_hour = (now - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    for minutes, snapshot in zip((5, 20, 40), made[:3], strict=True):
        CoverageSnapshot.objects.filter(pk=snapshot.pk).update(
            created_at=old_hour + timedelta(minutes=minutes)
        )

    coverage_prune(operation=operation, now=now)

    remaining = set(CoverageSnapshot.objects.values_list("pk", flat=True))
    assert remaining == {made[2].pk, made[3].pk, made[4].pk}  # the hour's last, and the recent


@pytest.mark.django_db
def test_snapshot_turns_stale_when_a_change_has_waited_over_a_minute(
    operation, demo_pattern, settings
):
    settings.COVERAGE_BEAT_SECONDS = 0
    TPSFactory()
    (snapshot,) = coverage_recompute()
    state = CoverageState.objects.get(operation=operation)
    now = timezone.now()

    fresh = snapshot_is_stale(snapshot, state, now=now)
    state.version += 1
    state.changed_at = now - timedelta(seconds=30)
    waiting = snapshot_is_stale(snapshot, state, now=now)
    state.changed_at = now - timedelta(seconds=61)
    late = snapshot_is_stale(snapshot, state, now=now)

    assert (fresh, waiting, late) == (False, False, True)


@pytest.mark.django_db
def test_snapshot_turns_stale_after_two_beat_intervals_where_beat_runs(
    operation, demo_pattern, settings
):
    TPSFactory()
    (snapshot,) = coverage_recompute()
    state = CoverageState.objects.get(operation=operation)
    later = snapshot.created_at + timedelta(seconds=601)

    settings.COVERAGE_BEAT_SECONDS = 0
    without_beat = snapshot_is_stale(snapshot, state, now=later)
    settings.COVERAGE_BEAT_SECONDS = 300
    with_beat = snapshot_is_stale(snapshot, state, now=later)

    assert (without_beat, with_beat) == (False, True)


@pytest.mark.django_db
def test_changes_are_registered_once_per_transaction(operation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(5):
            coverage_inputs_changed()

    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_every_input_change_moves_the_version(operation, demo_pattern):
    tps = TPSFactory()
    person = PersonnelFactory()
    assignment = AssignmentFactory(personnel=person, tps=[tps])
    pattern = demo_pattern[0]
    ppk = GuardedObjectFactory()
    norm = GuardNormFactory(operation=operation)
    pemungutan = phase()
    writes = {
        "tps class": lambda: (setattr(tps, "kerawanan", "rawan"), tps.save()),
        "pattern": lambda: (setattr(pattern, "tps_count", 3), pattern.save()),
        "personnel active": lambda: (setattr(person, "active", False), person.save()),
        "phase dates": lambda: (
            setattr(pemungutan, "ends_at", pemungutan.ends_at),
            pemungutan.save(),
        ),
        "object period": lambda: (
            setattr(ppk, "active_until", pemungutan.ends_at),
            ppk.save(),
        ),
        "guard norm": lambda: (setattr(norm, "personnel_per_shift", 9), norm.save()),
        "shift": lambda: ShiftFactory(post=ppk),
        "assignment status": lambda: (
            setattr(assignment, "status", Assignment.Status.CANCELLED),
            assignment.save(),
        ),
        "assignment tps set": lambda: assignment.tps.remove(tps),
        "assignment delete": assignment.delete,
    }
    moved = []

    for name, write in writes.items():
        before = CoverageState.objects.get_or_create(operation=operation)[0].version
        write()
        if CoverageState.objects.get(operation=operation).version > before:
            moved.append(name)

    assert moved == list(writes)
