"""The audit log in the Django admin: read-only for everyone, the superuser included.

Superusers and the Admin group (the permission ``audit.view_auditevent``, granted by
core/permissions.py) read it; command staff do not. No one adds, changes or deletes a line
here, and on PostgreSQL the database refuses it too (opsboard/migrations/0002_audit_log.py).
"""

import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from core.admin_input import ReadableInputAdminMixin
from core.formats import WIB


@admin.register(AuditEvent)
class AuditEventAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["at_display", "kind", "username", "ip_address", "what", "detail_display"]
    list_filter = ["kind", "at"]
    search_fields = ["username"]
    date_hierarchy = "at"
    list_select_related = False
    list_per_page = 100
    # One COUNT(*) of the whole log fewer on every page of a log that only grows.
    show_full_result_count = False
    fields = ["at_display", "kind", "user", "username", "ip_address", "what", "detail_display"]
    readonly_fields = fields

    @admin.display(description=_("waktu (WIB)"), ordering="at")
    def at_display(self, event: AuditEvent) -> str:
        return event.at.astimezone(WIB).strftime("%d/%m/%Y %H.%M.%S")

    @admin.display(description=_("rincian"))
    def detail_display(self, event: AuditEvent) -> str:
        return json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else ""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
