from django.contrib import admin

from tps.models import Desa, Indicator, KabKota, Kecamatan


@admin.register(KabKota)
class KabKotaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kabkota"]
    list_filter = ["kabkota"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "kecamatan"]
    list_filter = ["kind", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "variable", "name", "guard_relevant", "is_estimate"]
    list_filter = ["variable", "guard_relevant"]
    search_fields = ["code", "name"]
