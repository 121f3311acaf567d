"""Admin of places. The TPS admin, with its guards, lives in deployments/admin/tps.py (STYLE.md)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.access import access_of
from core.admin_input import ReadableInputAdminMixin
from tps.models import Desa, Indicator, KabKota, Kecamatan


class PlaceAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """Places are loaded from the wilkum data files, not typed in; Polsek staff see their
    kecamatan's only (the desa autocomplete of the TPS form reads through here)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access_of(request.user).sees_everything:
            return queryset
        return queryset.filter(pk__in=self.model._default_manager.visible_to(request.user))


@admin.register(KabKota)
class KabKotaAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


@admin.register(Kecamatan)
class KecamatanAdmin(PlaceAdmin):
    list_display = ["code", "name", "kabkota"]
    list_filter = ["kabkota"]
    list_select_related = ["kabkota"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Desa)
class DesaAdmin(PlaceAdmin):
    list_display = ["code", "name", "kind", "kecamatan"]
    list_filter = ["kind", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/boundary/",
                self.admin_site.admin_view(self.boundary_view),
                name="tps_desa_boundary",
            )
        ]
        return own + super().get_urls()

    def boundary_view(self, request, object_id):
        """The desa's boundary as GeoJSON for the admin's map widget (one query)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        desa = (
            self.get_queryset(request)
            .filter(pk=unquote(object_id) if str(object_id).isdigit() else 0)
            .values("name", "code", "boundary")
            .first()
        )
        if desa is None:
            raise Http404(_("Desa tidak ditemukan."))
        return JsonResponse(
            {
                "type": "Feature",
                "geometry": desa["boundary"],
                "properties": {"name": desa["name"], "code": desa["code"]},
            }
        )


@admin.register(Indicator)
class IndicatorAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["code", "variable", "name", "guard_relevant", "is_estimate"]
    list_filter = ["variable", "guard_relevant"]
    search_fields = ["code", "name"]
