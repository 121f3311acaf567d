from django.contrib import admin

from coordination.models import ActionItem, Agency, Attendance, Decision, Meeting, Statement


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["agency"]


class StatementInline(admin.StackedInline):
    model = Statement
    extra = 0
    autocomplete_fields = ["agency"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["what", "agency", "person", "due_on", "status"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "held_at", "place"]
    list_filter = ["kind"]
    search_fields = ["number", "title", "minutes"]
    date_hierarchy = "held_at"
    inlines = [AttendanceInline, StatementInline, DecisionInline, ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["what", "agency", "due_on", "status", "meeting"]
    list_filter = ["status", "agency"]
    list_select_related = ["agency", "meeting"]
    search_fields = ["what", "person"]
    autocomplete_fields = ["agency", "kecamatan", "desa", "unit"]
    raw_id_fields = ["tps", "meeting"]
