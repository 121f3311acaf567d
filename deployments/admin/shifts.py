"""Shift templates and shifts (docs/shifts.md). Shifts are cut and staffed on the roster pages
(/regu/); here admins correct one, or remove one nobody holds (a shift with duties is
protected: its duties are cancelled or moved first)."""

from django.contrib import admin

from deployments.admin.base import OpsboardAdmin, OpsboardHistoryAdmin
from deployments.models import Shift, ShiftTemplate


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(OpsboardAdmin):
    list_display = ["name", "hours", "first_starts_at"]


@admin.register(Shift)
class ShiftAdmin(OpsboardHistoryAdmin):
    scoped = True
    list_display = ["post", "starts_at", "ends_at", "template"]
    list_filter = ["template", "post__kind"]
    list_select_related = ["post", "template"]
    search_fields = ["post__name"]
    raw_id_fields = ["post"]
    date_hierarchy = "starts_at"
