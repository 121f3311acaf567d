from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coordination import services
from coordination.forms import MinutesRevisionForm
from coordination.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    Meeting,
    MinutesRevision,
    ReadinessItem,
    Statement,
    UnitReadiness,
)
from core.admin_input import ReadableAutocompleteAdminMixin, ReadableInputAdminMixin


@admin.register(Agency)
class AgencyAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class LockedWithMinutesInline:
    """Parts of the notulen are read-only in the admin once the minutes are published
    (the models' clean() refuses a change too; this keeps the form from offering one)."""

    def _locked(self, obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        if not hasattr(obj, "_minutes_published"):
            obj._minutes_published = obj.is_published
        return obj._minutes_published

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


class AgendaItemInline(LockedWithMinutesInline, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "title", "action_item"]
    raw_id_fields = ["action_item"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "file", "content_type", "size", "uploaded_at", "uploaded_by"]
    readonly_fields = ["content_type", "size", "uploaded_at", "uploaded_by"]

    def has_change_permission(self, request, obj=None):
        return False  # a wrong file is deleted and uploaded again, never swapped in place


class MinutesRevisionInline(admin.TabularInline):
    model = MinutesRevision
    extra = 0
    fields = ["number", "published_at", "published_by_name", "reason"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttendanceInline(
    LockedWithMinutesInline, ReadableAutocompleteAdminMixin, admin.TabularInline
):
    model = Attendance
    extra = 0
    autocomplete_fields = ["agency"]


class StatementInline(LockedWithMinutesInline, ReadableAutocompleteAdminMixin, admin.StackedInline):
    model = Statement
    extra = 0
    autocomplete_fields = ["agency"]


class DecisionInline(LockedWithMinutesInline, admin.TabularInline):
    model = Decision
    extra = 0


class ActionItemInline(ReadableAutocompleteAdminMixin, admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["what", "agency", "person", "due_on", "status", "dropped_reason"]


@admin.register(Meeting)
class MeetingAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "kind", "held_at", "place"]
    list_filter = ["kind"]
    search_fields = ["number", "title", "minutes"]
    date_hierarchy = "held_at"
    inlines = [
        AgendaItemInline,
        AttendanceInline,
        StatementInline,
        DecisionInline,
        ActionItemInline,
        AttachmentInline,
        MinutesRevisionInline,
    ]
    actions = ["publish_minutes"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_published:
            fields += [f for f in Meeting.LOCKED_FIELDS if f not in fields]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # Follow-ups still open from earlier meetings join the new meeting's agenda.
            services.agenda_carry_over(meeting=form.instance)

    def save_formset(self, request, form, formset, change):
        if formset.model is ActionItem:
            _save_through_services(formset, _action_item_save)
        elif formset.model is Attachment:
            _save_through_services(
                formset,
                lambda inline_form: services.attachment_add(
                    meeting=form.instance,
                    file=inline_form.cleaned_data["file"],
                    title=inline_form.cleaned_data["title"],
                    by=request.user,
                ),
            )
        else:
            super().save_formset(request, form, formset, change)

    @admin.action(description=_("Terbitkan notulen (revisi 1, lalu terkunci)"))
    def publish_minutes(self, request, queryset):
        for meeting in queryset:
            try:
                services.minutes_publish(meeting=meeting, by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{meeting.number}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, _("%s: notulen diterbitkan.") % meeting.number)


@admin.register(ActionItem)
class ActionItemAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["what", "agency", "due_on", "status", "meeting"]
    list_filter = ["status", "agency"]
    list_select_related = ["agency", "meeting"]
    search_fields = ["what", "person"]
    autocomplete_fields = ["agency", "kecamatan", "desa", "unit"]
    raw_id_fields = ["tps", "meeting"]
    # Set by the services' rule when the status changes; a typed-in time would be a second rule.
    readonly_fields = ["status_changed_at"]

    def save_model(self, request, obj, form, change):
        _adopt(obj, _action_item_save(form))


@admin.register(MinutesRevision)
class MinutesRevisionAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """Revisions are only ever added: the first publication, then corrections with a reason."""

    form = MinutesRevisionForm
    list_display = ["meeting", "number", "published_at", "published_by_name", "reason"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__number", "meeting__title", "reason"]
    raw_id_fields = ["meeting"]
    readonly_fields = ["number", "published_at", "published_by", "published_by_name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if data["meeting"].revisions.exists():
            saved = services.minutes_revise(
                meeting=data["meeting"], text=data["text"], reason=data["reason"], by=request.user
            )
        else:
            saved = services.minutes_publish(
                meeting=data["meeting"], text=data["text"], by=request.user
            )
        # The admin logs and redirects with the object it was given: hand it the saved row.
        obj.pk, obj.number, obj.published_at = saved.pk, saved.number, saved.published_at


@admin.register(ReadinessItem)
class ReadinessItemAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["order", "name", "active", "is_estimate"]
    list_display_links = ["name"]
    list_filter = ["active", "is_estimate"]
    search_fields = ["name", "code"]

    def get_changeform_initial_data(self, request):
        # An item the command adds is its own (services.readiness_item_create): the box starts
        # unticked, and ticking it is the editor's explicit say.
        return {**super().get_changeform_initial_data(request), "is_estimate": False}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.readiness_item_update(item=obj, data=_changed(form))
        else:
            saved = services.readiness_item_create(
                **{name: data[name] for name in services.READINESS_ITEM_FIELDS}
            )
        _adopt(obj, saved)


@admin.register(UnitReadiness)
class UnitReadinessAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "item", "status", "reviewed_on", "reviewed_by", "is_estimate"]
    list_filter = ["status", "item", "is_estimate"]
    list_select_related = ["unit", "item"]
    search_fields = ["unit__name", "unit__code", "evidence"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.readiness_update(row=obj, data=_changed(form), by=request.user)
        else:
            saved = services.readiness_create(
                unit=data["unit"],
                item=data["item"],
                status=data["status"],
                evidence=data["evidence"],
                reviewed_on=data["reviewed_on"],
                reviewed_by=data["reviewed_by"],
                # Left as the form offered it, the mark is the services' to set.
                is_estimate=data["is_estimate"] if "is_estimate" in form.changed_data else None,
                by=request.user,
            )
        _adopt(obj, saved)


# The admin writes through the services, so that what they set on a save (when a status
# changed, who judged a readiness, whether a row is still an estimate, who uploaded a file)
# follows one rule, wherever the change is made.


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data}


def _action_item_save(form) -> ActionItem:
    """One follow-up form of the admin (its own page or a meeting's inline row), saved."""
    if form.instance.pk is None:
        data = form.cleaned_data
        return services.action_item_create(
            **{name: data[name] for name in services.ACTION_ITEM_FIELDS if name in data}
        )
    changed = {n: v for n, v in _changed(form).items() if n in services.ACTION_ITEM_FIELDS}
    return services.action_item_update(item=form.instance, data=changed)


def _save_through_services(formset, save) -> None:
    """What ModelAdmin.save_formset does, with each new or changed row saved by ``save``."""
    formset.save(commit=False)  # sorts the rows into new, changed and deleted ones
    for obj in formset.deleted_objects:
        obj.delete()
    for inline_form in formset.saved_forms:
        _adopt(inline_form.instance, save(inline_form))


def _adopt(obj, saved) -> None:
    """The admin logs and redirects with the object it built: give it the row the service saved."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db
