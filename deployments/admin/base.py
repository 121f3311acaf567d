"""The base every admin registration of deployments shares: history with the acting user,
Polsek scoping, no write for roles that only read; and the pieces several admins use."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Q,
)
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.access import Role, access_of
from core.admin_input import ReadableInputAdminMixin
from deployments.models import (
    Personnel,
    Post,
    Unit,
)
from tps.geo import PointCheck
from tps.models import TPS, Desa, Kecamatan

MAP_MEDIA = forms.Media(
    css={"all": ["leaflet/leaflet.css", "admin-extra/point_map.css"]},
    js=["leaflet/leaflet.js", "admin-extra/point_map.js"],
)


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
    if model in (Desa, Kecamatan, TPS, Unit, Personnel, Post):
        return model._default_manager.visible_to(user)
    return None


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
