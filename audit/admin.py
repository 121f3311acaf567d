"""The audit log in the Django admin: read-only for everyone, the superuser included.

Superusers and the Admin group (the permission ``audit.view_auditevent``, granted by
core/permissions.py) read it; command staff do not. No one adds, changes or deletes a line
here, and on PostgreSQL the database refuses it too (opsboard/migrations/0002_audit_log.py).
"""

from typing import Any

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from core.admin_input import ReadableInputAdminMixin
from core.formats import WIB

# What audit/log.py's callers put in ``detail``: exports (the file, its format and rows, the
# area, phase or filters it was cut by, the printed minutes, the sign-in cards) and failed
# sign-ins (locked out). A key not named here shows as it is stored.
DETAIL_LABELS = {
    "file": _("Berkas"),
    "format": _("Format"),
    "rows": _("Baris"),
    "area": _("Wilayah"),
    "phase": _("Tahapan"),
    "kecamatan": _("Kecamatan"),
    "filters": _("Filter"),
    "meeting": _("Rapat"),
    "number": _("Nomor"),
    "revision": _("Revisi notulen"),
    "run": _("Penerbitan kartu"),
    "cards": _("Kartu"),
    "refused": _("Ditolak"),
    "locked_out": _("Terkunci"),
}


def _detail_value(value: Any) -> str:
    if value is None or value == "" or value == {} or value == []:
        return "-"
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, dict):
        return ", ".join(f"{key}={_detail_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_detail_value(item) for item in value)
    return str(value)


def detail_lines(detail: dict[str, Any]) -> str:
    """``detail`` as "Label: value" lines, known keys first in the order above, every part
    escaped (a filter value is whatever the exporting user typed)."""
    known = [key for key in DETAIL_LABELS if key in detail]
    rest = sorted(key for key in detail if key not in DETAIL_LABELS)
    return format_html_join(
        "",
        '<div class="audit-detail">{}: {}</div>',
        ((DETAIL_LABELS.get(key, key), _detail_value(detail[key])) for key in known + rest),
    )


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
        return detail_lines(event.detail) if event.detail else ""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
