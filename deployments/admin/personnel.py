"""The personnel admin: the person's assignments, bulk assign, replace and deactivate."""

import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Prefetch,
)
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deployments import services
from deployments.admin.base import (
    KecamatanFilter,
    OpsboardHistoryAdmin,
    _errors_message,
    _intermediate,
)
from deployments.admin.forms import (
    BulkAssignForm,
    DeactivationForm,
    PersonnelAdminForm,
    ReplacementForm,
)
from deployments.admin.sheets import SheetAdminMixin
from deployments.imports.sheets import (
    thousands,
)
from deployments.models import (
    Assignment,
    ImportJob,
    Personnel,
)
from deployments.services import FutureAction, future_assignments
from tps.models import TPS


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
                moved = services.personnel_future_resolve(
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
                made = services.assignments_create_many(
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
                moved = services.personnel_replace(
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
                        services.personnel_deactivate(
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
