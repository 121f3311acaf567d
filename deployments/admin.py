"""Admin registrations of deployments, including TPS (STYLE.md: the TPS admin, with its guards,
is registered here because it shows deployments data)."""

from django.contrib import admin

from deployments.models import (
    Assignment,
    Operation,
    Personnel,
    Phase,
    Post,
    SecurityPattern,
    Sprin,
    StaffProfile,
    Unit,
)
from tps.models import TPS


@admin.register(TPS)
class TPSAdmin(admin.ModelAdmin):
    list_display = ["__str__", "desa", "kerawanan", "registered_voters", "is_synthetic"]
    list_filter = ["kerawanan", "desa__kecamatan"]
    list_select_related = ["desa"]
    search_fields = ["desa__code", "desa__name", "address"]
    autocomplete_fields = ["desa"]
    filter_horizontal = ["indicators"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [PhaseInline]
    raw_id_fields = ["commander"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "force", "kind", "parent", "kecamatan"]
    list_filter = ["force", "kind"]
    list_select_related = ["parent", "kecamatan"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "kecamatan", "desa"]


@admin.register(Personnel)
class PersonnelAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "identifier", "force", "unit", "active"]
    list_filter = ["force", "active"]
    list_select_related = ["unit"]
    search_fields = ["name", "identifier"]
    autocomplete_fields = ["unit", "home_desa"]
    raw_id_fields = ["user"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    raw_id_fields = ["user"]


@admin.register(SecurityPattern)
class SecurityPatternAdmin(admin.ModelAdmin):
    list_display = ["kerawanan", "force", "personnel_count", "tps_count", "phase", "operation"]
    list_filter = ["kerawanan", "force", "phase"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "desa"]
    list_filter = ["kind"]
    list_select_related = ["desa"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["desa"]


@admin.register(Sprin)
class SprinAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "signer"]
    search_fields = ["number"]
    date_hierarchy = "date"


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["personnel", "kind", "phase", "post", "starts_at", "ends_at", "status"]
    list_filter = ["kind", "phase", "status", "personnel__force"]
    list_select_related = ["personnel", "phase", "post"]
    search_fields = ["personnel__name", "personnel__identifier", "sprin__number"]
    autocomplete_fields = ["personnel", "tps", "post", "sprin"]
