"""The assignment admin: its form saves through the assignment door; cancel; the Sprin annex."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Prefetch,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import log as audit
from core import clock
from core.formats import wib_stamp
from deployments import imports, services
from deployments.admin import picker
from deployments.admin.base import (
    KecamatanFilter,
    OpsboardHistoryAdmin,
    _intermediate,
)
from deployments.admin.forms import (
    AssignmentAdminForm,
    MoveForm,
)
from deployments.admin.personnel import _where
from deployments.admin.sheets import SheetAdminMixin, _download, _stamped_sheet
from deployments.imports.sheets import (
    thousands,
)
from deployments.models import (
    Assignment,
    ImportJob,
    PostKind,
)
from deployments.selectors import current_operation
from tps.models import TPS, Kecamatan


class AssignmentKecamatanFilter(KecamatanFilter):
    paths = ("tps__desa__kecamatan_id", "post__desa__kecamatan_id", "personnel__unit__kecamatan_id")


@admin.register(Assignment)
class AssignmentAdmin(SheetAdminMixin, OpsboardHistoryAdmin):
    scoped = True
    sheet_kind = ImportJob.Kind.ASSIGNMENT
    form = AssignmentAdminForm
    list_display = [
        "personnel",
        "force",
        "kind",
        "where",
        "phase",
        "starts_at",
        "ends_at",
        "status",
        "sprin",
        "linmas_other_desa",
    ]
    list_filter = [
        "kind",
        "phase",
        "status",
        "personnel__force",
        AssignmentKecamatanFilter,
        "tps__kerawanan",
        "linmas_other_desa",
        ("sprin", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["personnel", "phase", "post", "sprin"]
    search_fields = [
        "personnel__name",
        "personnel__identifier",
        "sprin__number",
        "post__name",
        "tps__desa__name",
        "tps__desa__code",
    ]
    autocomplete_fields = ["personnel", "tps", "post", "sprin"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "personnel",
                    "phase",
                    "kind",
                    "tps",
                    "post",
                    ("starts_at", "ends_at"),
                    "sprin",
                    "status",
                ]
            },
        ),
        (
            gettext_lazy("Pengecualian Linmas"),
            {"fields": ["linmas_other_desa", "linmas_other_desa_reason"]},
        ),
    ]
    actions = ["cancel_selected", "move_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("personnel", "post", "phase")
            .prefetch_related(Prefetch("tps", queryset=TPS.objects.select_related("desa")))
        )

    def get_urls(self):
        own = [
            path(
                "lampiran-sprin/",
                self.admin_site.admin_view(self.annex_view),
                name="deployments_assignment_annex",
            )
        ]
        return own + super().get_urls()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The TPS picker says each TPS's coverage (picker.py), in the picker's one query.
        if db_field.name == "tps":
            kwargs["widget"] = picker.CoverageTPSSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "tps" and field is not None:
            field.queryset = picker.with_coverage(field.queryset, picker.coverage_snapshot(request))
            field.label_from_instance = picker.coverage_label
        return field

    def save_model(self, request, obj, form, change):
        # Through the assignment door, like every other writer of assignments. The form has
        # validated under the person's lock (AssignmentAdminForm.clean), so the door's own
        # check, under the same lock, finds what the form found.
        tps = list(form.cleaned_data["tps"]) if "tps" in form.cleaned_data else None
        if change:
            services.assignment_update(assignment=obj, tps=tps, by=request.user)
        else:
            made = services.assignment_create(
                personnel=obj.personnel,
                phase=obj.phase,
                kind=obj.kind,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                tps=tps or (),
                post=obj.post,
                sprin=obj.sprin,
                status=obj.status,
                linmas_other_desa=obj.linmas_other_desa,
                linmas_other_desa_reason=obj.linmas_other_desa_reason,
                by=request.user,
            )
            # The admin goes on with the form's instance (its log entry, its redirect).
            obj.pk = made.pk
            obj.refresh_from_db()
        form.save_m2m = lambda: None  # the door wrote the TPS set with the row

    @admin.display(description=gettext_lazy("matra"), ordering="personnel__force")
    def force(self, assignment):
        return assignment.personnel.get_force_display()

    @admin.display(description=gettext_lazy("lokasi"))
    def where(self, assignment):
        return _where(assignment)

    @admin.action(description=gettext_lazy("Batalkan penugasan terpilih"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        if "apply" not in request.POST:
            return _intermediate(
                request,
                self,
                "admin/deployments/action_form.html",
                {
                    "title": _("Batalkan %(n)s penugasan?") % {"n": thousands(queryset.count())},
                    "queryset": queryset,
                    "listed": queryset[:200],
                    "submit": _("Ya, batalkan"),
                },
            )
        count = services.assignments_cancel(assignments=queryset, by=request.user)
        self.message_user(
            request, _("%(n)s penugasan dibatalkan.") % {"n": thousands(count)}, messages.SUCCESS
        )
        return None

    @admin.action(
        description=gettext_lazy("Pindahkan tugas: akhiri tugas ini dan mulai tugas baru"),
        permissions=["change"],
    )
    def move_selected(self, request, queryset):
        """One duty ends and the next begins at the same moment, in one transaction: the
        overlap rule never forces a cancel first (services.assignment_move)."""
        if queryset.count() != 1:
            self.message_user(
                request, _("Pilih tepat satu penugasan untuk dipindahkan."), messages.ERROR
            )
            return None
        old = queryset.select_related("personnel", "phase", "post", "sprin").get()
        applying = "apply" in request.POST
        form = MoveForm(
            request.POST if applying else None,
            initial=_move_initial(old),
            admin_site=self.admin_site,
            user=request.user,
            operation=old.phase.operation_id,
        )
        if applying and form.is_valid():
            data = form.cleaned_data
            try:
                new = services.assignment_move(
                    assignment=old,
                    at=data["at"],
                    ends_at=data["ends_at"],
                    kind=data["kind"],
                    tps=list(data["tps"]),
                    post=data["post"],
                    sprin=data["sprin"],
                    linmas_other_desa=data["linmas_other_desa"],
                    linmas_other_desa_reason=data["linmas_other_desa_reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, _("Tidak dipindahkan; tidak ada yang diubah."))
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    _("%(person)s dipindahkan: tugas lama berakhir %(at)s, tugas baru %(new)s.")
                    % {"person": old.personnel.name, "at": wib_stamp(data["at"]), "new": new},
                    messages.SUCCESS,
                )
                return None
        response = _intermediate(
            request,
            self,
            "admin/deployments/action_form.html",
            {
                "title": _("Pindahkan tugas %(person)s") % {"person": old.personnel.name},
                "queryset": queryset,
                "listed": [old],
                "intro": _(
                    "Tugas di atas berakhir pada waktu pindah dan tugas baru mulai saat itu "
                    "juga, dalam satu langkah. Bila tugas baru ditolak, tugas lama tetap seperti "
                    "semula."
                ),
                "form": form,
                "media": self.media + form.media,
                "submit": _("Pindahkan"),
            },
        )
        if applying:
            response.status_code = 422  # refused: the page says why, nothing was written
        return response

    def annex_view(self, request):
        """The Sprin annex of one Polsek/kecamatan as XLSX, in the import's columns."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        visible = Kecamatan.objects.visible_to(request.user)
        operation = current_operation(with_phases=True)
        phases = list(operation.phases.all()) if operation else []
        chosen = request.GET.get("kecamatan", "")
        if chosen.isdigit():
            kecamatan = get_object_or_404(visible, pk=int(chosen))
            phase_id = request.GET.get("phase", "")
            phase = next((p for p in phases if str(p.pk) == phase_id), None)
            stamp = audit.export_stamp(request)
            name = f"lampiran-sprin-{kecamatan.code}-{stamp.file_part}.xlsx"
            content, rows = _stamped_sheet(
                imports.AssignmentResource(),
                imports.annex_queryset(kecamatan, phase=phase),
                file_format="xlsx",
                stamp=stamp,
                title=_("Lampiran %s") % kecamatan.name,
            )
            detail = {
                "file": name,
                "format": "xlsx",
                "rows": rows,
                "kecamatan": kecamatan.code,
                "phase": phase.code if phase else None,
            }
            audit.record_export(request, stamp, detail=detail)
            return _download(content, name, "xlsx")
        return TemplateResponse(
            request,
            "admin/deployments/assignment/annex.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Ekspor lampiran Sprin per Polsek"),
                "kecamatan": visible,
                "phases": phases,
            },
        )


def _move_initial(old: Assignment) -> dict:
    """Move now if the duty is under way at the operation clock, else when it begins."""
    now = clock.now().replace(second=0, microsecond=0)
    at = now if old.starts_at < now < old.ends_at else old.starts_at
    return {
        "at": at,
        "ends_at": old.ends_at,
        "kind": PostKind.PAM_TPS,
        "sprin": old.sprin_id,
    }
