"""The other registrations: operation, units, Polsek staff, patterns, posts, Sprin."""

from django.contrib import admin
from django.db.models import (
    Count,
)
from django.utils.translation import gettext_lazy

from core.access import access_of
from core.formats import people_per_tps, wib_stamp
from deployments.admin.base import (
    KecamatanFilter,
    OpsboardAdmin,
    OpsboardHistoryAdmin,
    PointMapMixin,
    WholePolresOnlyMixin,
)
from deployments.admin.forms import UnavailabilityAdminForm
from deployments.admin.personnel import SprinAssignmentInline
from deployments.admin.sheets import SheetAdminMixin
from deployments.imports.sheets import (
    thousands,
)
from deployments.models import (
    ImportJob,
    Operation,
    Personnel,
    Phase,
    Post,
    SecurityPattern,
    Sprin,
    StaffProfile,
    Unavailability,
    Unit,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Operation)
class OperationAdmin(OpsboardAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [PhaseInline]
    raw_id_fields = ["commander"]


@admin.register(Unit)
class UnitAdmin(OpsboardAdmin):
    list_display = ["code", "name", "force", "kind", "parent", "kecamatan", "desa"]
    list_filter = ["force", "kind", "kecamatan"]
    list_select_related = ["parent", "kecamatan", "desa"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "kecamatan", "desa"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access_of(request.user).sees_everything:
            return queryset
        return queryset.filter(pk__in=Unit.objects.visible_to(request.user).values("pk"))


@admin.register(StaffProfile)
class StaffProfileAdmin(WholePolresOnlyMixin, OpsboardAdmin):
    list_display = ["user", "unit"]
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user"]


@admin.register(SecurityPattern)
class SecurityPatternAdmin(OpsboardHistoryAdmin):
    list_display = [
        "kerawanan",
        "force",
        "personnel_count",
        "tps_count",
        "per_tps_display",
        "phase",
        "operation",
    ]
    list_filter = ["kerawanan", "force", "phase"]
    list_select_related = ["phase", "operation"]

    @admin.display(description=gettext_lazy("per TPS"))
    def per_tps_display(self, pattern):
        # "1 Polri untuk 2 TPS", as people say it, not 0,5 (core.formats.people_per_tps).
        return people_per_tps(pattern.per_tps, pattern.get_force_display())


class PostKecamatanFilter(KecamatanFilter):
    paths = ("desa__kecamatan_id",)


@admin.register(Post)
class PostAdmin(PointMapMixin, OpsboardHistoryAdmin):
    scoped = True
    list_display = ["name", "kind", "desa", "kecamatan_name", "address", "active_period"]
    list_filter = ["kind", PostKecamatanFilter, "kerawanan", "remote"]
    list_select_related = ["desa__kecamatan"]
    search_fields = ["name", "address", "protectee", "desa__name", "desa__code"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["point_map"]
    fields = ["kind", "name", "desa", "address", "point_map", ("latitude", "longitude")]
    # Guarded objects (GUARDED_KINDS): their class, remote flag, period and protectee, which
    # the coverage engine reads; shown on a new post too, whose kind is not chosen yet.
    guarded_fields = ["kerawanan", "remote", ("active_from", "active_until"), "protectee"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.fields})]
        if obj is None or obj.is_guarded_object:
            fieldsets.append((gettext_lazy("Obyek pengamanan"), {"fields": self.guarded_fields}))
        return fieldsets

    @admin.display(description=gettext_lazy("masa pengamanan"))
    def active_period(self, post):
        if not post.is_guarded_object:
            return "–"
        start = wib_stamp(post.active_from) if post.active_from else gettext_lazy("awal operasi")
        end = wib_stamp(post.active_until) if post.active_until else gettext_lazy("akhir operasi")
        return f"{start} – {end}"

    @admin.display(description=gettext_lazy("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan_name(self, post):
        return post.desa.kecamatan.name if post.desa_id else "–"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about_point(request, obj)


@admin.register(Sprin)
class SprinAdmin(OpsboardHistoryAdmin):
    list_display = ["number", "date", "signer", "operation", "assignment_count"]
    list_filter = ["operation"]
    list_select_related = ["operation"]
    search_fields = ["number", "signer"]
    date_hierarchy = "date"
    inlines = [SprinAssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_assignments=Count("assignments"))

    @admin.display(description=gettext_lazy("penugasan"), ordering="n_assignments")
    def assignment_count(self, sprin):
        return thousands(sprin.n_assignments)


@admin.register(Unavailability)
class UnavailabilityAdmin(SheetAdminMixin, OpsboardAdmin):
    """Sick, leave, other duty: the periods a person cannot be given a duty (docs/strength.md).
    Polsek staff given edit rights record them for their kecamatan's people only."""

    form = UnavailabilityAdminForm
    sheet_kind = ImportJob.Kind.UNAVAILABILITY
    list_display = ["personnel", "kind", "starts_at", "ends_at"]
    list_filter = ["kind"]
    list_select_related = ["personnel"]
    search_fields = ["personnel__name", "personnel__identifier"]
    raw_id_fields = ["personnel"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        # BKO keluar has its own list (admin/bko.py), with its destination and order.
        queryset = super().get_queryset(request).exclude(kind=Unavailability.Kind.BKO_OUT)
        if access_of(request.user).sees_everything:
            return queryset
        return queryset.filter(personnel__in=Personnel.objects.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A raw id is checked against this queryset: another kecamatan's person is refused.
        if db_field.name == "personnel":
            kwargs["queryset"] = Personnel.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
