"""Warming the shared cache right after a snapshot is written (opsboard/tasks.py calls this).

After a new snapshot every dashboard's next poll asks for keys that do not exist yet. The common
ones — the whole wilkum as command staff see it, and each Polsek's own kecamatan, both without
filters, in the default language — are computed here once, by the worker that wrote the
snapshot, so that no poll pays for them. Other filters are computed on their first view, once
across all workers (cache.get_or_compute).
"""

from django.conf import settings
from django.utils import translation

from core import clock
from core.access import Access, Role, ScopeReader
from deployments.models import CoverageSnapshot, Unit
from deployments.selectors import current_operation, default_phase
from opsboard.dashboard.board import Dashboard
from opsboard.dashboard.filters import GAP_SORT_DEFAULT


def common_scopes() -> list[Access]:
    """Command staff (the whole wilkum), then each Polsek's kecamatan. One query."""
    kecamatan = (
        Unit.objects.polsek()
        .filter(kecamatan__isnull=False)
        .values_list("kecamatan_id", flat=True)
        .distinct()
        .order_by("kecamatan_id")
    )
    return [Access(Role.COMMAND), *(Access(Role.POLSEK, kecamatan_id=k) for k in kecamatan)]


def warm_dashboard(snapshot_ids: list[int]) -> int:
    """Computes the unfiltered dashboard parts of each current snapshot for every common scope.

    Returns how many scopes were warmed; a snapshot already superseded, or of another operation
    than the current one, is skipped.
    """
    operation = current_operation(with_phases=True)
    if operation is None:
        return 0
    shown = default_phase(operation, clock.now())
    warmed = 0
    snapshots = CoverageSnapshot.objects.select_related("phase").filter(
        pk__in=snapshot_ids, operation=operation
    )
    scopes = None
    for snapshot in snapshots:
        current = CoverageSnapshot.objects.current_for(snapshot.phase)
        if current is None or current.pk != snapshot.pk:
            continue
        scopes = scopes if scopes is not None else common_scopes()
        filters = {
            "phase": snapshot.phase,
            "snapshot": snapshot,
            "sort": GAP_SORT_DEFAULT,
            "page": 1,
        }
        with translation.override(settings.LANGUAGE_CODE):
            for access in scopes:
                dash = Dashboard(
                    ScopeReader(access), filters, operation=operation, default_phase=shown
                )
                # What the live refresh shows (opsboard/views.py, DASHBOARD_PARTS["figures"]).
                for part in ("figures", "personnel", "areas", "gaps", "trend"):
                    getattr(dash, part)
                warmed += 1
    return warmed
