"""Reads about coverage that the engine and the higher apps share: what a phase requires,
whether a snapshot is stale."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from deployments.coverage.sql import FORCES, Requirements
from deployments.models import CoverageSnapshot, CoverageState, Operation, Phase, SecurityPattern
from tps.models import Kerawanan

STALE_AFTER = timedelta(seconds=60)


def requirements_for(operation: Operation, phase: Phase, *, using: str = "default") -> Requirements:
    """required[class][force] = personnel_count / tps_count; a phase row overrides all-phases."""
    required: Requirements = {c: dict.fromkeys(FORCES, 0.0) for c in Kerawanan.values}
    rows = (
        SecurityPattern.objects.using(using)
        .filter(operation=operation)
        .filter(Q(phase=phase) | Q(phase__isnull=True))
        .order_by(F("phase").asc(nulls_first=True))  # all-phases rows first, phase rows win
    )
    for row in rows:
        required[row.kerawanan][row.force] = row.personnel_count / row.tps_count
    return required


def snapshot_is_stale(
    snapshot: CoverageSnapshot, state: CoverageState | None, *, now: datetime
) -> bool:
    """Stale: an input changed after the snapshot and no recompute has landed within 60 s; where
    beat runs (COVERAGE_BEAT_SECONDS > 0), also older than twice the beat interval. Real time."""
    if (
        state is not None
        and state.version > snapshot.inputs_version
        and state.changed_at is not None
        and now - state.changed_at > STALE_AFTER
    ):
        return True
    beat = settings.COVERAGE_BEAT_SECONDS
    return bool(beat) and now - snapshot.created_at > timedelta(seconds=2 * beat)
