"""The import admin: upload, preview and confirmation of spreadsheet imports."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import log as audit
from core.access import access_of
from deployments import imports
from deployments.admin.base import (
    OpsboardAdmin,
    WholePolresOnlyMixin,
)
from deployments.admin.forms import (
    ImportUploadForm,
)
from deployments.imports.sheets import (
    SheetError,
    csv_bytes,
    thousands,
)
from deployments.imports.tasks import apply_import_task, validate_import_task
from deployments.models import (
    Assignment,
    BkoIn,
    ImportJob,
    Personnel,
    Unavailability,
)
from tps.models import TPS

# Errors listed on the page; all of them are in the CSV the page offers.
ERRORS_SHOWN = 200

IMPORT_MODELS = {
    ImportJob.Kind.PERSONNEL: Personnel,
    ImportJob.Kind.TPS: TPS,
    ImportJob.Kind.ASSIGNMENT: Assignment,
    ImportJob.Kind.UNAVAILABILITY: Unavailability,
    # The BKO list writes BKO keluar as periods of unavailability too: the rights on BKO
    # masuk stand for both (a Bag Ops admin holds them together).
    ImportJob.Kind.BKO: BkoIn,
}


@admin.register(ImportJob)
class ImportJobAdmin(WholePolresOnlyMixin, OpsboardAdmin):
    list_display = ["__str__", "kind", "status", "rows_display", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    change_form_template = "admin/deployments/importjob/preview.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "rows", "errors")

    def has_add_permission(self, request):
        # Imports write rows of every kecamatan: admins of the whole Polres only.
        return access_of(request.user).sees_everything and super().has_add_permission(request)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="deployments_importjob_confirm",
            ),
            path(
                "<path:object_id>/errors.csv",
                self.admin_site.admin_view(self.errors_csv_view),
                name="deployments_importjob_errors_csv",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("baris"))
    def rows_display(self, job):
        return thousands(job.total_rows)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(
            request.POST or None,
            request.FILES or None,
            initial={"kind": request.GET.get("kind", ImportJob.Kind.PERSONNEL)},
        )
        if request.method == "POST" and form.is_valid():
            kind = form.cleaned_data["kind"]
            model = IMPORT_MODELS[kind]
            perms = [
                f"{model._meta.app_label}.{a}_{model._meta.model_name}" for a in ("add", "change")
            ]
            if not request.user.has_perms(perms):
                form.add_error("kind", _("Anda tidak berhak menambah dan mengubah data ini."))
            else:
                upload = form.cleaned_data["upload"]
                try:
                    job = imports.import_job_create(
                        kind=kind,
                        file_name=upload.name,
                        content=upload.read(),
                        background=form.cleaned_data["background"],
                        by=request.user,
                    )
                except SheetError as exc:
                    form.add_error("upload", str(exc))
                else:
                    # Always through the worker: 5,000 assignments take longer than the web
                    # server waits for one request (gunicorn --timeout 60). Without a broker
                    # (make run) the task runs in-process, right here.
                    validate_import_task.delay_on_commit(job.pk)
                    return HttpResponseRedirect(
                        reverse("admin:deployments_importjob_change", args=[job.pk])
                    )
        return TemplateResponse(
            request,
            "admin/deployments/importjob/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Impor dari spreadsheet"),
                "form": form,
                "templates": [
                    (
                        label,
                        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_import_template"),
                    )
                    for kind, label in ImportJob.Kind.choices
                    for m in [IMPORT_MODELS[kind]]
                ],
            },
            status=422 if request.method == "POST" else 200,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_queryset(request).defer(None).filter(pk=unquote(object_id)).first()
        if job is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(
            request,
            self.change_form_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": str(job),
                "job": job,
                "original": job,
                "can_confirm": job.status == ImportJob.Status.READY
                and self.has_change_permission(request, job)
                and request.user.has_perms(
                    [
                        f"{IMPORT_MODELS[job.kind]._meta.app_label}.{a}_"
                        f"{IMPORT_MODELS[job.kind]._meta.model_name}"
                        for a in ("add", "change")
                    ]
                ),
                "changes": job.counts.get("new", 0) + job.counts.get("update", 0),
                "errors_shown": job.errors[:ERRORS_SHOWN],
                "errors_more": max(0, len(job.errors) - ERRORS_SHOWN),
                "errors_more_text": thousands(max(0, len(job.errors) - ERRORS_SHOWN)),
            },
        )

    def errors_csv_view(self, request, object_id):
        """Every error of the job as CSV (row, name, column, reason), for fixing the file in a
        spreadsheet. The names come from the upload: the download is an export, on record."""
        job = self.get_queryset(request).defer(None).filter(pk=unquote(object_id)).first()
        if job is None or not self.has_view_permission(request, job):
            raise PermissionDenied
        columns = [_("Baris"), _("Nama"), _("Kolom"), _("Alasan")]
        rows = [
            [e.get("lines", ""), e.get("name", ""), e.get("column", ""), e.get("message", "")]
            for e in job.errors
        ]
        stamp = audit.export_stamp(request)
        name = f"kesalahan-impor-{job.pk}-{stamp.file_part}.csv"
        audit.record_export(
            request, stamp, detail={"file": name, "format": "csv", "rows": len(rows)}
        )
        # csv_bytes writes a text a spreadsheet would run (a name "=1+1") as text.
        response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def confirm_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = get_object_or_404(self.get_queryset(request).defer(None), pk=unquote(object_id))
        try:
            imports.import_job_claim(job=job)
        except imports.ImportNotReady as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            apply_import_task.delay_on_commit(job.pk, request.user.pk)
            job.refresh_from_db(fields=["status", "counts", "message"])
            if job.is_running:
                self.message_user(request, _("Impor sedang diproses."), messages.INFO)
            else:
                level = messages.SUCCESS if job.status == ImportJob.Status.DONE else messages.ERROR
                self.message_user(request, _import_summary(job), level)
        return HttpResponseRedirect(reverse("admin:deployments_importjob_change", args=[job.pk]))


def _import_summary(job: ImportJob) -> str:
    if job.status != ImportJob.Status.DONE:
        return job.message or _("Impor gagal; tidak ada yang diubah.")
    counts = job.counts
    return _("Impor selesai: %(new)s baru, %(update)s berubah, %(skip)s tetap.") % {
        "new": thousands(counts.get("new", 0)),
        "update": thousands(counts.get("update", 0)),
        "skip": thousands(counts.get("skip", 0)),
    }
