"""Admin registrations of deployments, including TPS (STYLE.md: the TPS admin, with its guards,
is registered here because it shows deployments data).

The admin is the Bag Ops admins' working tool: lists that find a person, a TPS or a Sprin fast,
the rules of the models checked on every path (forms, inlines, bulk actions, imports, history
reverts), and a history of who changed what. Command staff open it read-only (view permissions
only); Polsek staff given edit rights see and edit only their kecamatan's rows.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from audit import log as audit
from core import clock
from core.access import Role, access_of
from core.admin_input import ReadableAutocompleteAdminMixin, ReadableInputAdminMixin
from deployments import admin_actions, gaps, imports
from deployments.admin_actions import (
    BulkAssignForm,
    DeactivationForm,
    FutureAction,
    ReplacementForm,
    future_assignments,
)
from deployments.models import (
    Assignment,
    CoverageSnapshot,
    CoverageStatus,
    CoverageTPS,
    ImportJob,
    Operation,
    Personnel,
    Phase,
    Post,
    SecurityPattern,
    Sprin,
    StaffProfile,
    Unit,
)
from deployments.selectors import current_operation, default_phase, units_visible_to
from deployments.sheets import (
    INTERACTIVE_ROW_LIMIT,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    SheetError,
    check_size,
    csv_bytes,
    thousands,
    xlsx_bytes,
)
from deployments.tasks import apply_import_task, validate_import_task
from tps.geo import PointCheck
from tps.models import TPS, Desa, Kecamatan

MAP_MEDIA = forms.Media(
    css={"all": ["leaflet/leaflet.css", "admin-extra/point_map.css"]},
    js=["leaflet/leaflet.js", "admin-extra/point_map.js"],
)


# The base every registration here shares


class OpsboardAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """History with the acting user, Polsek scoping, and no write for roles that only read.

    `scoped`: the model has `visible_to(user)`; Polsek staff see and edit only their
    kecamatan's rows. Models without a kecamatan (Sprin, patterns, units…) are read-only for
    Polsek staff whatever permissions they hold: those rows belong to the whole Polres.
    """

    scoped = False
    list_per_page = 50
    # One COUNT(*) of the whole table fewer on lists of 20,000 rows.
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        access = access_of(request.user)
        if access.sees_everything or not self.scoped:
            return queryset
        # A subquery rather than visible_to() itself: its DISTINCT would forbid delete().
        visible = self.model._default_manager.visible_to(request.user).values("pk")
        return queryset.filter(pk__in=visible)

    def _read_only_for(self, request) -> bool:
        return not self.scoped and access_of(request.user).role is Role.POLSEK

    def has_add_permission(self, request):
        return not self._read_only_for(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self._read_only_for(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._read_only_for(request) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.related_model, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.related_model, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Polsek staff cannot move a row out of their kecamatan: the choices are limited, and
        # this undoes the whole save (the admin's transaction) if a path slipped through.
        if self.scoped and not access_of(request.user).sees_everything:
            visible = self.model._default_manager.visible_to(request.user)
            if not visible.filter(pk=form.instance.pk).exists():
                raise PermissionDenied


class WholePolresOnlyMixin:
    """Rows that belong to no one kecamatan (accounts' Polsek links, import jobs holding rows
    of every kecamatan): only those who see the whole Polres read them, whatever rights a
    Polsek account was given."""

    def has_module_permission(self, request):
        return access_of(request.user).sees_everything and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return access_of(request.user).sees_everything and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return access_of(request.user).sees_everything and super().has_change_permission(
            request, obj
        )


class OpsboardHistoryAdmin(OpsboardAdmin, SimpleHistoryAdmin):
    """For the models with a history: who changed what and when, and reverts."""

    # Why: "Impor personel.xlsx (#12)", "Ganti personel: A → B", "Isi kekosongan"…
    history_list_display = ["history_change_reason"]

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        # A revert is a save like any other: in one transaction, so that the form's row lock
        # holds and a refused revert leaves nothing behind. Its .save() sends the signals that
        # recompute coverage.
        if request.method == "POST" and not self.has_change_permission(request):
            # simple_history checks only the view permission before saving a posted revert.
            raise PermissionDenied
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _in_scope_or_404(self, request, object_id) -> None:
        """simple_history reads a row's history, and a version's form, from the history table
        whether or not get_queryset() holds the row (so that deleted rows keep their history):
        Polsek staff with admin rights would read the people and TPS of another kecamatan.
        Outside their queryset a row's history is a 404 for them; those who see everything
        keep the history of deleted rows."""
        if access_of(request.user).sees_everything:
            return
        try:
            held = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            held = False
        if not held:
            raise Http404


def _scoped_choices(model, user):
    access = access_of(user)
    if access.sees_everything:
        return None
    if model is Unit:
        return units_visible_to(user)
    if model in (Desa, Kecamatan, TPS, Personnel, Post):
        return model._default_manager.visible_to(user)
    return None


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

    An exported list re-imports unchanged (deployments/imports.py), so the stamp stays out of
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


def _intermediate(request, admin, template: str, context: dict) -> TemplateResponse:
    """An action's intermediate page, posting back to the changelist with the same selection."""
    return TemplateResponse(
        request,
        template,
        {
            **admin.admin_site.each_context(request),
            "opts": admin.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": request.POST.get("action"),
            **context,
        },
    )


def _errors_message(request, admin, exc: ValidationError, intro: str) -> None:
    admin.message_user(request, intro, messages.ERROR)
    for message in exc.messages:
        admin.message_user(request, message, messages.ERROR)


# TPS


def _coverage_snapshot(request) -> CoverageSnapshot | None:
    """The snapshot the dashboard shows (default phase at the operation clock), once a request."""
    if not hasattr(request, "_opsboard_snapshot"):
        operation = current_operation(with_phases=True)
        phase = default_phase(operation, clock.now())
        request._opsboard_snapshot = (
            CoverageSnapshot.objects.current_for(phase) if phase is not None else None
        )
    return request._opsboard_snapshot


class CoverageStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status cakupan")
    parameter_name = "cakupan"

    def lookups(self, request, model_admin):
        return CoverageStatus.choices

    def queryset(self, request, queryset):
        if self.value() in CoverageStatus.values:
            return queryset.filter(coverage_status=self.value())
        return queryset


class KecamatanFilter(admin.SimpleListFilter):
    """Kecamatan (and so Polsek) of a row; each admin says which paths lead to one."""

    title = gettext_lazy("kecamatan / Polsek")
    parameter_name = "kecamatan"
    paths: tuple[str, ...] = ()

    def lookups(self, request, model_admin):
        visible = Kecamatan.objects.visible_to(request.user)
        return [(str(k.pk), k.name) for k in visible]

    def queryset(self, request, queryset):
        value = self.value() or ""
        # isdigit() alone passes "²", which int() refuses, as it refuses thousands of digits.
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return queryset
        condition = Q()
        for lookup in self.paths:
            condition |= Q(**{lookup: int(value)})
        matching = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=matching)


class TPSKecamatanFilter(KecamatanFilter):
    paths = ("desa__kecamatan_id",)


class GuardForm(forms.ModelForm):
    class Meta:
        model = Assignment.tps.through
        fields = ["assignment"]


class GuardFormSet(forms.BaseInlineFormSet):
    """Adding a guard to a TPS adds the TPS to that assignment's set: the same rules apply."""

    def clean(self):
        super().clean()
        for form in self.forms:
            assignment = form.cleaned_data.get("assignment") if form.cleaned_data else None
            if assignment is None or self._should_delete_form(form):
                continue
            if form.instance.pk and form.instance.assignment_id == assignment.pk:
                continue
            if assignment.status == Assignment.Status.CANCELLED:
                form.add_error("assignment", _("Penugasan ini sudah dibatalkan."))
                continue
            try:
                assignment.validate_tps_set([*assignment.tps.all(), self.instance])
            except ValidationError as exc:
                form.add_error("assignment", exc.messages)


class GuardInline(ReadableAutocompleteAdminMixin, admin.TabularInline):
    """Who guards this TPS; "add" links an existing assignment (a person's duty) to it."""

    model = Assignment.tps.through
    form = GuardForm
    formset = GuardFormSet
    extra = 0
    autocomplete_fields = ["assignment"]
    fields = ["assignment", "guard_force", "guard_window", "guard_status"]
    readonly_fields = ["guard_force", "guard_window", "guard_status"]
    verbose_name = gettext_lazy("penjaga")
    verbose_name_plural = gettext_lazy("penjaga TPS ini")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__personnel", "assignment__phase", "assignment__post")
            .order_by("assignment__starts_at")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignment" and not access_of(request.user).sees_everything:
            visible = Assignment.objects.visible_to(request.user).values("pk")
            kwargs["queryset"] = Assignment.objects.filter(pk__in=visible)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("deployments.change_assignment")

    @admin.display(description=gettext_lazy("matra"))
    def guard_force(self, row):
        return row.assignment.personnel.get_force_display() if row.pk else "–"

    @admin.display(description=gettext_lazy("waktu"))
    def guard_window(self, row):
        if not row.pk:
            return "–"
        a = row.assignment
        return f"{_fmt(a.starts_at)} – {_fmt(a.ends_at)} ({a.phase})"

    @admin.display(description=gettext_lazy("status"))
    def guard_status(self, row):
        return row.assignment.get_status_display() if row.pk else "–"


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H.%M")


class PointMapMixin:
    """A Leaflet map above the latitude/longitude fields: click or drag to set the point; the
    desa boundary is drawn from an admin-only JSON view. No inline script (CSP)."""

    @property
    def media(self):
        return super().media + MAP_MEDIA

    @admin.display(description=gettext_lazy("peta"))
    def point_map(self, obj):
        tiles = _tile_url()
        return format_html(
            '<div class="opsboard-point-map" data-lat-input="id_latitude" '
            'data-lng-input="id_longitude" data-desa-input="id_desa" data-lat="{}" '
            'data-lng="{}" data-desa="{}" data-boundary-url="{}" data-tiles="{}"></div>'
            '<p class="help">{}</p>',
            obj.latitude if obj and obj.latitude is not None else "",
            obj.longitude if obj and obj.longitude is not None else "",
            obj.desa_id if obj and obj.desa_id else "",
            reverse("admin:tps_desa_boundary", args=[0]),
            tiles,
            _(
                "Klik peta atau geser penanda untuk mengisi lintang dan bujur; garis biru: "
                "batas desa."
            ),
        )

    def warn_about_point(self, request, obj) -> None:
        result = obj.point_check()
        if result.verdict == PointCheck.KECAMATAN:
            self.message_user(request, result.message, messages.WARNING)


def _tile_url() -> str:
    return settings.OPSBOARD_TILE_URL


@admin.register(TPS)
class TPSAdmin(SheetAdminMixin, PointMapMixin, OpsboardHistoryAdmin):
    scoped = True
    sheet_kind = ImportJob.Kind.TPS
    list_display = [
        "__str__",
        "code_display",
        "kecamatan_name",
        "kerawanan",
        "registered_voters",
        "coverage_display",
        "guards_display",
    ]
    list_filter = [
        "kerawanan",
        CoverageStatusFilter,
        TPSKecamatanFilter,
        ("desa", admin.RelatedOnlyFieldListFilter),
        "is_synthetic",
    ]
    list_select_related = ["desa__kecamatan"]
    search_fields = ["desa__code", "desa__name", "address"]
    autocomplete_fields = ["desa"]
    filter_horizontal = ["indicators"]
    readonly_fields = ["point_map"]
    fieldsets = [
        (None, {"fields": ["desa", "number", "address", "kerawanan", "registered_voters"]}),
        (gettext_lazy("Lokasi"), {"fields": ["point_map", ("latitude", "longitude")]}),
        (gettext_lazy("Kerawanan Bawaslu"), {"fields": ["indicators"]}),
        (None, {"fields": ["is_synthetic"]}),
    ]
    inlines = [GuardInline]
    actions = ["fill_gaps"]
    ordering = ["desa__code", "number"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        snapshot = _coverage_snapshot(request)
        if snapshot is None:
            return queryset.annotate(
                coverage_status=Value(None, output_field=CharField()),
                polri_guards=Value(None, output_field=IntegerField()),
                linmas_guards=Value(None, output_field=IntegerField()),
            )
        rows = CoverageTPS.objects.filter(snapshot_id=snapshot.pk, tps_id=OuterRef("pk"))
        return queryset.annotate(
            coverage_status=Subquery(rows.values("status")[:1]),
            polri_guards=Subquery(rows.values("polri_guards")[:1]),
            linmas_guards=Subquery(rows.values("linmas_guards")[:1]),
        )

    def get_search_results(self, request, queryset, search_term):
        """Also finds "TPS 006 Burengan", "006 Burengan" and the 13-digit KPU code."""
        term = search_term.strip()
        match = re.fullmatch(r"(?:TPS\s*)?0*(\d{1,3})\s+(.+)", term, re.IGNORECASE)
        if match:
            number, desa = int(match.group(1)), match.group(2)
            return queryset.filter(number=number, desa__name__icontains=desa), False
        code = re.fullmatch(r"(\d{10})(\d{3})", term.replace(".", ""))
        if code:
            return queryset.filter(desa__code=code.group(1), number=int(code.group(2))), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("kode"), ordering="desa__code")
    def code_display(self, tps):
        return tps.code

    @admin.display(description=gettext_lazy("kecamatan"), ordering="desa__kecamatan__name")
    def kecamatan_name(self, tps):
        return tps.desa.kecamatan.name

    @admin.display(description=gettext_lazy("cakupan"), ordering="coverage_status")
    def coverage_display(self, tps):
        if tps.coverage_status is None:
            return "–"
        return CoverageStatus(tps.coverage_status).label

    @admin.display(description=gettext_lazy("Polri / Linmas"))
    def guards_display(self, tps):
        if tps.coverage_status is None:
            return "–"
        return f"{tps.polri_guards} / {tps.linmas_guards}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about_point(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment.tps.through:
            return super().save_formset(request, form, formset, change)
        # Through the m2m manager, not the through rows: that sends m2m_changed, which records
        # the assignment's history (with its TPS set) and recomputes coverage.
        tps = form.instance
        for row_form in formset.forms:
            if not hasattr(row_form, "cleaned_data") or not row_form.cleaned_data:
                continue
            old = row_form.instance if row_form.instance.pk else None
            new = row_form.cleaned_data.get("assignment")
            if formset._should_delete_form(row_form):
                if old is not None:
                    _with_user(old.assignment, request).tps.remove(tps)
                continue
            if old is not None and new is not None and old.assignment_id == new.pk:
                continue
            if old is not None:
                _with_user(old.assignment, request).tps.remove(tps)
            if new is not None:
                _with_user(new, request).tps.add(tps)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    @admin.action(
        description=gettext_lazy("Isi kekosongan: usulkan penjaga untuk TPS terpilih"),
        permissions=["add_assignment"],
    )
    def fill_gaps(self, request, queryset):
        operation = current_operation(with_phases=True)
        phase_id = request.POST.get("phase")
        phase = default_phase(operation, clock.now())
        if phase_id and phase_id.isdigit():
            phase = Phase.objects.filter(operation=operation, pk=int(phase_id)).first() or phase
        if phase is None:
            self.message_user(request, _("Belum ada operasi dan tahapannya."), messages.ERROR)
            return None
        if request.POST.get("apply"):
            sprin = Sprin.objects.filter(pk=request.POST.get("sprin") or 0).first()
            try:
                made = gaps.gaps_apply(
                    tokens=request.POST.getlist("proposal"),
                    phase=phase,
                    sprin=sprin,
                    people=_people_for(request.user),
                    by=request.user,
                )
            except ValidationError as exc:
                _errors_message(
                    request, self, exc, _("Usulan tidak diterapkan; tidak ada yang disimpan:")
                )
                return None
            self.message_user(
                request,
                _("%(n)s penugasan dibuat. Cakupan dihitung ulang dalam beberapa detik.")
                % {"n": thousands(len(made))},
                messages.SUCCESS,
            )
            return None
        proposal = gaps.gaps_propose(tps=queryset, phase=phase, people=_people_for(request.user))
        return _intermediate(
            request,
            self,
            "admin/deployments/fill_gaps.html",
            {
                "title": _("Isi kekosongan: usulan penjaga"),
                "queryset": queryset,
                "proposal": proposal,
                "phases": operation.phases.all(),
                "sprins": Sprin.objects.order_by("-date")[:50],
            },
        )

    def has_add_assignment_permission(self, request):
        return request.user.has_perm("deployments.add_assignment") and not self._read_only_for(
            request
        )


def _people_for(user):
    """Whom fill gaps may propose: everyone, or for Polsek staff the people of their kecamatan."""
    return None if access_of(user).sees_everything else Personnel.objects.visible_to(user)


def _with_user(assignment: Assignment, request) -> Assignment:
    assignment._history_user = request.user
    return assignment


# Personnel


class PersonnelKecamatanFilter(KecamatanFilter):
    paths = ("unit__kecamatan_id", "unit__desa__kecamatan_id", "home_desa__kecamatan_id")


class AssignmentReadInline(admin.TabularInline):
    """A person's or a Sprin's assignments, read here and edited on their own page."""

    model = Assignment
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["phase", "kind", "where", "starts_at", "ends_at", "status", "sprin"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("penugasan")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("phase", "post", "sprin", "personnel")
            .prefetch_related(Prefetch("tps", queryset=TPS.objects.select_related("desa")))
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("lokasi"))
    def where(self, assignment):
        return _where(assignment)


class SprinAssignmentInline(AssignmentReadInline):
    fields = ["personnel", "kind", "where", "starts_at", "ends_at", "status"]
    readonly_fields = fields


def _where(assignment: Assignment) -> str:
    stations = ", ".join(str(t) for t in assignment.tps.all())
    if assignment.post_id:
        return f"{assignment.post.name}{' – ' + stations if stations else ''}"
    return stations or "–"


class PersonnelAdminForm(forms.ModelForm):
    # Typed as people write them ("+62 812-3456-7890"); Personnel.clean() stores +62….
    phone = forms.CharField(
        label=gettext_lazy("telepon"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Boleh 0812…, 62812… atau +62 812…; disimpan sebagai +62…"),
    )

    class Meta:
        model = Personnel
        fields = [
            "force",
            "unit",
            "rank",
            "corps",
            "identifier",
            "name",
            "phone",
            "home_desa",
            "user",
            "active",
        ]

    def clean_identifier(self):
        # "8506 1234" as the Sprin annex prints it; the register has no spaces.
        return "".join(self.cleaned_data["identifier"].split())

    def clean_phone(self):
        return "".join(self.cleaned_data["phone"].split())


@admin.register(Personnel)
class PersonnelAdmin(SheetAdminMixin, OpsboardHistoryAdmin):
    scoped = True
    sheet_kind = ImportJob.Kind.PERSONNEL
    form = PersonnelAdminForm
    list_display = [
        "name",
        "rank_label",
        "identifier",
        "force",
        "unit",
        "phone",
        "home_desa",
        "active",
    ]
    list_filter = [
        "force",
        "active",
        PersonnelKecamatanFilter,
        "unit__kind",
        ("unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["unit", "home_desa"]
    search_fields = ["name", "identifier", "unit__name", "unit__code", "phone"]
    autocomplete_fields = ["unit", "home_desa"]
    raw_id_fields = ["user"]
    inlines = [AssignmentReadInline]
    actions = ["assign_selected", "replace_person", "deactivate_selected"]
    ordering = ["force", "name"]

    def get_search_results(self, request, queryset, search_term):
        # "8506 1234" finds NRP 85061234: sheets and messages put spaces inside NRPs.
        search_term = re.sub(r"(?<=\d)\s+(?=\d)", "", search_term)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("pangkat"), ordering="rank")
    def rank_label(self, person):
        return person.rank_label or "–"

    # Deactivating someone who still holds future duties asks what becomes of them.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            obj = self.get_object(request, unquote(object_id))
            deactivating = (
                obj is not None
                and obj.active
                and not request.POST.get("active")
                and self.has_change_permission(request, obj)
            )
            if deactivating and future_assignments(obj).exists():
                form = DeactivationForm(
                    request.POST if "_deactivation" in request.POST else None,
                    admin_site=self.admin_site,
                    user=request.user,
                )
                if not form.is_valid():
                    return self._deactivation_page(request, obj, form)
                request._opsboard_future = form.cleaned_data
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _deactivation_page(self, request, obj, form):
        carried = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "_deactivation", "future", "replacement")
            for value in values
        ]
        return TemplateResponse(
            request,
            "admin/deployments/personnel/deactivate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Nonaktifkan %s?") % obj,
                "person": obj,
                "future": future_assignments(obj).select_related("post", "phase", "personnel"),
                "form": form,
                "media": self.media + form.media,
                "carried": carried,
            },
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        decision = getattr(request, "_opsboard_future", None)
        if decision:
            try:
                moved = admin_actions.personnel_future_resolve(
                    personnel=obj,
                    action=decision["future"],
                    replacement=decision.get("replacement"),
                    by=request.user,
                )
            except ValidationError as exc:
                # Undo the deactivation too: the admin's change view runs in one transaction.
                transaction.set_rollback(True)
                _errors_message(request, self, exc, _("Tidak disimpan:"))
                return
            if moved:
                self.message_user(
                    request,
                    _("%(n)s penugasan mendatang diproses.") % {"n": thousands(moved)},
                    messages.INFO,
                )

    @admin.action(
        description=gettext_lazy("Tugaskan personel terpilih ke TPS/pos"),
        permissions=["add_assignment"],
    )
    def assign_selected(self, request, queryset):
        form = BulkAssignForm(
            request.POST if "apply" in request.POST else None,
            admin_site=self.admin_site,
            user=request.user,
        )
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            try:
                made = admin_actions.assignments_create_many(
                    personnel=list(queryset),
                    phase=data["phase"],
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    tps=list(data["tps"]),
                    post=data["post"],
                    sprin=data["sprin"],
                    linmas_other_desa=data["linmas_other_desa"],
                    linmas_other_desa_reason=data["linmas_other_desa_reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    _("%(n)s penugasan dibuat.") % {"n": thousands(len(made))},
                    messages.SUCCESS,
                )
                return None
        return _intermediate(
            request,
            self,
            "admin/deployments/action_form.html",
            {
                "title": _("Tugaskan %(n)s personel") % {"n": thousands(queryset.count())},
                "queryset": queryset,
                "form": form,
                "media": self.media + form.media,
                "submit": _("Buat penugasan"),
            },
        )

    @admin.action(
        description=gettext_lazy("Ganti personel (sakit/berhalangan) di semua penugasan mendatang"),
        permissions=["change_assignment"],
    )
    def replace_person(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Pilih tepat satu personel yang diganti."), messages.ERROR)
            return None
        old = queryset.get()
        form = ReplacementForm(
            request.POST if "apply" in request.POST else None,
            admin_site=self.admin_site,
            user=request.user,
        )
        if "apply" in request.POST and form.is_valid():
            try:
                moved = admin_actions.personnel_replace(
                    old=old, new=form.cleaned_data["replacement"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    _("%(n)s penugasan %(old)s dialihkan ke %(new)s.")
                    % {
                        "n": thousands(len(moved)),
                        "old": old.name,
                        "new": form.cleaned_data["replacement"].name,
                    },
                    messages.SUCCESS,
                )
                return None
        return _intermediate(
            request,
            self,
            "admin/deployments/action_form.html",
            {
                "title": _("Ganti %s") % old,
                "queryset": queryset,
                "future": future_assignments(old).select_related("post", "phase", "personnel"),
                "form": form,
                "media": self.media + form.media,
                "submit": _("Alihkan penugasan"),
            },
        )

    @admin.action(
        description=gettext_lazy("Nonaktifkan personel terpilih"),
        permissions=["change"],
    )
    def deactivate_selected(self, request, queryset):
        people = list(queryset.filter(active=True))
        holding = [p for p in people if future_assignments(p).exists()]
        form = DeactivationForm(
            request.POST if "apply" in request.POST else None,
            admin_site=self.admin_site,
            user=request.user,
        )
        if len(people) > 1:
            form.fields["future"].choices = [
                c for c in FutureAction.CHOICES if c[0] != FutureAction.REPLACE
            ]
        if not holding or ("apply" in request.POST and form.is_valid()):
            data = form.cleaned_data if holding else {"future": FutureAction.KEEP}
            try:
                with transaction.atomic():
                    for person in people:
                        admin_actions.personnel_deactivate(
                            personnel=person,
                            action=data["future"],
                            replacement=data.get("replacement"),
                            by=request.user,
                        )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)s personel dinonaktifkan.",
                        "%(n)s personel dinonaktifkan.",
                        len(people),
                    )
                    % {"n": thousands(len(people))},
                    messages.SUCCESS,
                )
                return None
        return _intermediate(
            request,
            self,
            "admin/deployments/action_form.html",
            {
                "title": _("Nonaktifkan %(n)s personel") % {"n": thousands(len(people))},
                "queryset": queryset,
                "holding": holding,
                "form": form,
                "media": self.media + form.media,
                "submit": _("Nonaktifkan"),
            },
        )

    def has_add_assignment_permission(self, request):
        return request.user.has_perm("deployments.add_assignment") and not self._read_only_for(
            request
        )

    def has_change_assignment_permission(self, request):
        return request.user.has_perm("deployments.change_assignment") and not self._read_only_for(
            request
        )


# Assignments


class AssignmentKecamatanFilter(KecamatanFilter):
    paths = ("tps__desa__kecamatan_id", "post__desa__kecamatan_id", "personnel__unit__kecamatan_id")


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "personnel",
            "phase",
            "kind",
            "tps",
            "post",
            "starts_at",
            "ends_at",
            "sprin",
            "status",
            "linmas_other_desa",
            "linmas_other_desa_reason",
        ]

    def clean(self):
        data = super().clean()
        person = data.get("personnel")
        if person is not None and transaction.get_connection().in_atomic_block:
            # Lock the person for the rest of the admin's transaction: two admins assigning
            # the same officer at once must not both pass the overlap check.
            list(Personnel.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        return data

    def _post_clean(self):
        super()._post_clean()  # the model's clean(): overlap naming the other, phase, post
        if "tps" in self.fields and "tps" in self.cleaned_data:
            try:
                self.instance.validate_tps_set(list(self.cleaned_data["tps"]))
            except ValidationError as exc:
                self.add_error(None, exc)


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
    actions = ["cancel_selected"]

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
        count = admin_actions.assignments_cancel(assignments=queryset, by=request.user)
        self.message_user(
            request, _("%(n)s penugasan dibatalkan.") % {"n": thousands(count)}, messages.SUCCESS
        )
        return None

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


# The other registrations


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
        return queryset.filter(pk__in=units_visible_to(request.user).values("pk"))


@admin.register(StaffProfile)
class StaffProfileAdmin(WholePolresOnlyMixin, OpsboardAdmin):
    list_display = ["user", "unit"]
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user"]


@admin.register(SecurityPattern)
class SecurityPatternAdmin(OpsboardHistoryAdmin):
    list_display = ["kerawanan", "force", "personnel_count", "tps_count", "phase", "operation"]
    list_filter = ["kerawanan", "force", "phase"]
    list_select_related = ["phase", "operation"]


class PostKecamatanFilter(KecamatanFilter):
    paths = ("desa__kecamatan_id",)


@admin.register(Post)
class PostAdmin(PointMapMixin, OpsboardHistoryAdmin):
    scoped = True
    list_display = ["name", "kind", "desa", "kecamatan_name", "address"]
    list_filter = ["kind", PostKecamatanFilter]
    list_select_related = ["desa__kecamatan"]
    search_fields = ["name", "address", "desa__name", "desa__code"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["point_map"]
    fields = ["kind", "name", "desa", "address", "point_map", ("latitude", "longitude")]

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


# Imports


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportJob.Kind.choices, label=gettext_lazy("Data"))
    upload = forms.FileField(
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy("XLSX atau CSV (UTF-8) dengan judul kolom template, maks. %s MB.")
        % (MAX_FILE_BYTES // 1024 // 1024),
    )
    background = forms.BooleanField(
        required=False,
        label=gettext_lazy("Berkas besar (hingga 50.000 baris)"),
        help_text=gettext_lazy(
            "Tanpa centang, berkas dibatasi %s baris dan pratinjaunya ditunggu di halaman ini. "
            "Dengan centang, boleh hingga 50.000 baris; kemajuannya tampil di halaman impor "
            "dan Anda boleh meninggalkannya."
        )
        % thousands(INTERACTIVE_ROW_LIMIT),
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_size(upload.size)  # before a single byte is parsed
        except SheetError as exc:
            raise ValidationError(str(exc)) from exc
        return upload


IMPORT_MODELS = {
    ImportJob.Kind.PERSONNEL: Personnel,
    ImportJob.Kind.TPS: TPS,
    ImportJob.Kind.ASSIGNMENT: Assignment,
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
            )
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
                "errors_shown": job.errors[:5000],
            },
        )

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
