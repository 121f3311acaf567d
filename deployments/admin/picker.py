"""The TPS picker of the assignment form says each TPS's coverage: "TPS 012 · Bandar Lor —
kurang 1 Polri untuk 2 TPS", "… — terpenuhi", from the current snapshot of the default phase.

The status and what each force lacks come with the TPS in the picker's one query (a join on the
snapshot's per-TPS rows, by their primary key), in the admin's autocomplete answer and in the
options the form renders for the TPS already chosen.
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.admin_input import ReadableAutocompleteSelectMultiple
from core.formats import people_per_tps
from deployments.coverage import EPSILON, FORCES
from deployments.models import CoverageSnapshot, CoverageStatus, Force
from deployments.selectors import current_operation, default_phase


def coverage_snapshot(request) -> CoverageSnapshot | None:
    """The snapshot the dashboard shows (default phase at the operation clock), once a request."""
    if not hasattr(request, "_opsboard_snapshot"):
        operation = current_operation(with_phases=True)
        phase = default_phase(operation, clock.now())
        request._opsboard_snapshot = CoverageSnapshot.objects.current_for(phase)
    return request._opsboard_snapshot


def with_coverage(queryset: QuerySet, snapshot: CoverageSnapshot | None) -> QuerySet:
    """TPS with ``picker_status`` and ``picker_<force>_lack`` from the snapshot (None without
    one), and their desa for the name: still one query."""
    queryset = queryset.select_related("desa")
    if snapshot is None:
        return queryset
    lacks = {
        f"picker_{f.lower()}_lack": F(f"picker__{f.lower()}_required")
        - F(f"picker__{f.lower()}_assigned")
        for f in FORCES
    }
    return queryset.annotate(
        picker=FilteredRelation("coverage_rows", condition=Q(coverage_rows__snapshot=snapshot))
    ).annotate(picker_status=F("picker__status"), **lacks)


def coverage_label(tps) -> str:
    """The picker's text of one TPS (annotated by with_coverage)."""
    name = f"TPS {tps.number:03d} · {tps.desa.name}"
    status = getattr(tps, "picker_status", None)
    if status is None:
        return name
    if status == CoverageStatus.COVERED:
        return f"{name} — {_('terpenuhi')}"
    lacks = ", ".join(
        people_per_tps(lack, str(Force(f).label))
        for f in FORCES
        if (lack := getattr(tps, f"picker_{f.lower()}_lack", 0) or 0) > EPSILON
    )
    if status == CoverageStatus.UNGUARDED:
        return f"{name} — " + _("tanpa penjaga, kurang %(lacks)s") % {"lacks": lacks}
    return f"{name} — " + _("kurang %(lacks)s") % {"lacks": lacks}


class CoverageAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answer, for TPS with their coverage in the text."""

    def get_queryset(self):
        return with_coverage(super().get_queryset(), coverage_snapshot(self.request))

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": coverage_label(obj)}


class CoverageTPSSelect(ReadableAutocompleteSelectMultiple):
    """The TPS field's select2, asking the view above instead of the admin's own."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:tps_tps_coverage_autocomplete")
