"""The TPS admin, with its guards and fill gaps: registered here because it shows deployments
data."""

import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import (
    CharField,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import access_of
from core.admin_input import ReadableAutocompleteAdminMixin
from core.formats import wib_stamp
from deployments.admin import gaps, picker
from deployments.admin.base import (
    KecamatanFilter,
    OpsboardHistoryAdmin,
    PointMapMixin,
)
from deployments.admin.forms import (
    GuardForm,
    GuardFormSet,
)
from deployments.admin.sheets import SheetAdminMixin
from deployments.models import (
    Assignment,
    CoverageStatus,
    CoverageTPS,
    ImportJob,
)
from deployments.selectors import current_operation
from tps.models import TPS


class CoverageStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status cakupan")
    parameter_name = "cakupan"

    def lookups(self, request, model_admin):
        return CoverageStatus.choices

    def queryset(self, request, queryset):
        if self.value() in CoverageStatus.values:
            return queryset.filter(coverage_status=self.value())
        return queryset


class TPSKecamatanFilter(KecamatanFilter):
    paths = ("desa__kecamatan_id",)


class GuardInline(ReadableAutocompleteAdminMixin, admin.TabularInline):
    """Who guards this TPS; "add" links an existing assignment (a person's duty) to it."""

    model = Assignment.tps.through
    form = GuardForm
    formset = GuardFormSet
    extra = 0
    autocomplete_fields = ["assignment"]
    fields = ["assignment", "guard_force", "guard_window", "guard_status"]
    readonly_fields = ["guard_force", "guard_window", "guard_status"]
    verbose_name = gettext_lazy("penjaga")
    verbose_name_plural = gettext_lazy("penjaga TPS ini")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__personnel", "assignment__phase", "assignment__post")
            .order_by("assignment__starts_at")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignment" and not access_of(request.user).sees_everything:
            visible = Assignment.objects.visible_to(request.user).values("pk")
            kwargs["queryset"] = Assignment.objects.filter(pk__in=visible)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    @admin.display(description=gettext_lazy("matra"))
    def guard_force(self, row):
        return row.assignment.personnel.get_force_display() if row.pk else "–"

    @admin.display(description=gettext_lazy("waktu"))
    def guard_window(self, row):
        if not row.pk:
            return "–"
        a = row.assignment
        starts, ends = (wib_stamp(t, with_zone=False) for t in (a.starts_at, a.ends_at))
        return f"{starts} – {ends} ({a.phase})"

    @admin.display(description=gettext_lazy("status"))
    def guard_status(self, row):
        return row.assignment.get_status_display() if row.pk else "–"


@admin.register(TPS)
class TPSAdmin(SheetAdminMixin, PointMapMixin, OpsboardHistoryAdmin):
    scoped = True
    sheet_kind = ImportJob.Kind.TPS
    list_display = [
        "__str__",
        "code_display",
        "kecamatan_name",
        "kerawanan",
        "registered_voters",
        "coverage_display",
        "guards_display",
    ]
    list_filter = [
        "kerawanan",
        CoverageStatusFilter,
        TPSKecamatanFilter,
        ("desa", admin.RelatedOnlyFieldListFilter),
        "is_synthetic",
    ]
    list_select_related = ["desa__kecamatan"]
    search_fields = ["desa__code", "desa__name", "address"]
    autocomplete_fields = ["desa"]
    filter_horizontal = ["indicators"]
    readonly_fields = ["point_map"]
    fieldsets = [
        (None, {"fields": ["desa", "number", "address", "kerawanan", "registered_voters"]}),
        (gettext_lazy("Lokasi"), {"fields": ["point_map", ("latitude", "longitude")]}),
        (gettext_lazy("Kerawanan Bawaslu"), {"fields": ["indicators"]}),
        (None, {"fields": ["is_synthetic"]}),
    ]
    inlines = [GuardInline]
    actions = ["fill_gaps"]
    ordering = ["desa__code", "number"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        snapshot = picker.coverage_snapshot(request)
        if snapshot is None:
            return queryset.annotate(
                coverage_status=Value(None, output_field=CharField()),
                polri_guards=Value(None, output_field=IntegerField()),
                linmas_guards=Value(None, output_field=IntegerField()),
            )
        rows = CoverageTPS.objects.filter(snapshot_id=snapshot.pk, tps_id=OuterRef("pk"))
        return queryset.annotate(
            coverage_status=Subquery(rows.values("status")[:1]),
            polri_guards=Subquery(rows.values("polri_guards")[:1]),
            linmas_guards=Subquery(rows.values("linmas_guards")[:1]),
        )

    def get_search_results(self, request, queryset, search_term):
        """Also finds "TPS 006 Burengan", "006 Burengan" and the 13-digit KPU code."""
        term = search_term.strip()
        match = re.fullmatch(r"(?:TPS\s*)?0*(\d{1,3})\s+(.+)", term, re.IGNORECASE)
        if match:
            number, desa = int(match.group(1)), match.group(2)
            return queryset.filter(number=number, desa__name__icontains=desa), False
        code = re.fullmatch(r"(\d{10})(\d{3})", term.replace(".", ""))
        if code:
            return queryset.filter(desa__code=code.group(1), number=int(code.group(2))), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("kode"), ordering="desa__code")
    def code_display(self, tps):
        return tps.code

    @admin.display(description=gettext_lazy("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan_name(self, tps):
        return tps.desa.kecamatan.name

    @admin.display(description=gettext_lazy("cakupan"), ordering="coverage_status")
    def coverage_display(self, tps):
        if tps.coverage_status is None:
            return "–"
        return CoverageStatus(tps.coverage_status).label

    @admin.display(description=gettext_lazy("Polri / Linmas"))
    def guards_display(self, tps):
        if tps.coverage_status is None:
            return "–"
        return f"{tps.polri_guards} / {tps.linmas_guards}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about_point(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment.tps.through:
            return super().save_formset(request, form, formset, change)
        # Through the m2m manager, not the through rows: that sends m2m_changed, which records
        # the assignment's history (with its TPS set) and recomputes coverage.
        tps = form.instance
        for row_form in formset.forms:
            if not hasattr(row_form, "cleaned_data") or not row_form.cleaned_data:
                continue
            old = row_form.instance if row_form.instance.pk else None
            new = row_form.cleaned_data.get("assignment")
            if formset._should_delete_form(row_form):
                if old is not None:
                    _with_user(old.assignment, request).tps.remove(tps)
                continue
            if old is not None and new is not None and old.assignment_id == new.pk:
                continue
            if old is not None:
                _with_user(old.assignment, request).tps.remove(tps)
            if new is not None:
                _with_user(new, request).tps.add(tps)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    def get_urls(self):
        own = [
            path(
                "isi-kekosongan/",
                self.admin_site.admin_view(self.fill_gaps_view),
                name="tps_tps_fill_gaps",
            ),
            path(
                "pilihan-cakupan/",
                self.admin_site.admin_view(
                    picker.CoverageAutocompleteJsonView.as_view(admin_site=self.admin_site)
                ),
                name="tps_tps_coverage_autocomplete",
            ),
        ]
        return own + super().get_urls()

    def fill_gaps_view(self, request):
        return gaps.fill_gaps_view(request, self)

    @admin.action(
        description=gettext_lazy("Isi kekosongan: usulkan penjaga untuk TPS terpilih"),
        permissions=["add_assignment"],
    )
    def fill_gaps(self, request, queryset):
        operation = current_operation(with_phases=True)
        phase = gaps.chosen_phase(operation, request.POST.get("phase", ""))
        if phase is None:
            self.message_user(request, _("Belum ada operasi dan tahapannya."), messages.ERROR)
            return None
        if request.POST.get("apply") and gaps.apply_posted(request, self, phase):
            return None
        return gaps.proposal_page(
            request,
            self,
            stations=queryset,
            phase=phase,
            operation=operation,
            extra={
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": request.POST.get("action"),
            },
        )

    def has_add_assignment_permission(self, request):
        return request.user.has_perm("deployments.add_assignment") and not self._read_only_for(
            request
        )


def _with_user(assignment: Assignment, request) -> Assignment:
    assignment._history_user = request.user
    return assignment
