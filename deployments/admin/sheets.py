"""Export of an admin list and its blank template, as XLSX or CSV, stamped and audited."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from audit import log as audit
from core.access import access_of
from deployments import imports
from deployments.imports.sheets import (
    XLSX_CONTENT_TYPE,
    csv_bytes,
    thousands,
    xlsx_bytes,
)


class SheetAdminMixin:
    """Export of the current list (same filters) and the blank template, as XLSX or CSV.

    An export is a line in the audit log and carries who exported it and when (_stamped_sheet);
    the blank template holds no data and is neither.
    """

    sheet_kind: str

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        own = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{prefix}_export",
            ),
            path(
                "template/",
                self.admin_site.admin_view(self.template_view),
                name=f"{prefix}_import_template",
            ),
        ]
        return own + super().get_urls()

    def _file_format(self, request) -> str:
        # Taken out of the query string before the changelist reads it as a filter.
        request.GET = request.GET.copy()
        return "csv" if request.GET.pop("_format", ["xlsx"])[0] == "csv" else "xlsx"

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        file_format = self._file_format(request)
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        stamp = audit.export_stamp(request)
        name = f"{self.opts.model_name}-{stamp.file_part}.{file_format}"
        content, rows = _stamped_sheet(
            imports.RESOURCES[self.sheet_kind](),
            queryset,
            file_format=file_format,
            stamp=stamp,
            title=_("Data"),
        )
        detail = {"file": name, "format": file_format, "rows": rows, "filters": _filters(request)}
        audit.record_export(request, stamp, detail=detail)
        return _download(content, name, file_format)

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        file_format = self._file_format(request)
        content = imports.template_bytes(self.sheet_kind, file_format=file_format)
        return _download(content, f"template-{self.opts.model_name}.{file_format}", file_format)

    def changelist_view(self, request, extra_context=None):
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        query = request.GET.copy()
        query["_format"] = "csv"
        extra = {
            "export_xlsx_url": f"{reverse(prefix + '_export')}?{request.GET.urlencode()}",
            "export_csv_url": f"{reverse(prefix + '_export')}?{query.urlencode()}",
            "template_xlsx_url": reverse(prefix + "_import_template"),
            "template_csv_url": f"{reverse(prefix + '_import_template')}?_format=csv",
            "import_url": reverse("admin:deployments_importjob_add") + f"?kind={self.sheet_kind}",
            "can_import": access_of(request.user).sees_everything
            and self.has_add_permission(request)
            and self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)


def _stamped_sheet(resource, queryset, *, file_format: str, stamp, title: str):
    """The rows as imports.export_bytes writes them, with who exported them and when; and the
    number of rows.

    An exported list re-imports unchanged (deployments/imports/), so the stamp stays out of
    the columns the import reads. XLSX: the first lines of the instructions sheet. CSV: a last
    row whose one cell lies right of the columns; the import skips a row whose columns are all
    empty (tests/hardening/test_export_stamps.py re-imports both).
    """
    # The resource prefetches what it writes; the changelist's own prefetch of the same
    # relation (assignments' TPS) with another queryset would make Django refuse both.
    rows = list(resource.export(queryset.prefetch_related(None)))
    columns = resource.columns
    if file_format == "csv":
        return csv_bytes(columns, [*rows, [""] * len(columns) + [stamp.exported]]), len(rows)
    notes = (
        (_("Diekspor oleh"), stamp.who),
        (_("Waktu ekspor"), stamp.when),
        (_("Jumlah baris"), thousands(len(rows))),
        ("", ""),
        *resource.notes_help,
    )
    return xlsx_bytes(columns, rows, title=title, notes=notes), len(rows)


def _filters(request) -> dict[str, str]:
    """The list's filters and search as the export got them, cut short for the audit log."""
    params = list(request.GET.items())[:20]
    return {audit.clip(key, 50): audit.clip(value, 200) for key, value in params}


def _download(content: bytes, name: str, file_format: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
