"""The field app's admin: notification deliveries, browsers subscribed to Web Push and
Telegram chats (docs/incidents.md, "Notifications that reach phones"). The superuser's only:
the rows say who was told what and hold people's contact points (chat ids, push endpoints),
and no role group is granted their permissions (core.permissions). The contingency steps of
the alert levels (docs/incidents.md, "Area alert level") are the superuser's too, like the
escalation rules: the plan is the Kapolres's, set once before the operation."""

from urllib.parse import urlsplit

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_input import ReadableInputAdminMixin
from field.alerts.models import ContingencyStep
from field.notifications.models import NotificationDelivery, PushSubscription, TelegramChat


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """Read-only: the rows are the sending's record, written by field.notifications.delivery."""

    list_display = [
        "notification",
        "recipient",
        "channel",
        "target",
        "status",
        "attempts",
        "last_error",
        "updated_at",
    ]
    list_filter = ["status", "channel"]
    list_select_related = ["notification__recipient", "notification__incident"]
    search_fields = ["target", "notification__recipient__username"]
    exclude = ["subscription"]

    @admin.display(description=_("penerima"))
    def recipient(self, obj) -> str:
        return str(obj.notification.recipient)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """Browsers subscribe themselves (static/field/push.js); an admin may only remove one."""

    list_display = [
        "user",
        "service",
        "user_agent",
        "created_at",
        "last_success_at",
        "last_failure_at",
        "deactivated_at",
    ]
    list_filter = ["deactivated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    # The keys are the browser's; the endpoint is a capability URL: neither is shown.
    fields = ["user", "service", "user_agent", "created_at", "last_success_at", "deactivated_at"]
    readonly_fields = fields

    @admin.display(description=_("layanan push"))
    def service(self, obj) -> str:
        return urlsplit(obj.endpoint).hostname or ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TelegramChat)
class TelegramChatAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["user", "chat_id", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["user"]
    search_fields = ["user__username", "chat_id"]
    raw_id_fields = ["user"]


@admin.register(ContingencyStep)
class ContingencyStepAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    """The steps a raise lists; a change reaches the next raise only, never a list started."""

    list_display = ["level", "order", "text", "active"]
    list_display_links = ["text"]
    list_filter = ["level", "active"]
    list_editable = ["order", "active"]
    ordering = ["level", "order", "pk"]


# Logistics custody: admins enter batches and legs (field/logistics/admin.py).
from field.logistics import admin as logistics_admin  # noqa: E402, F401
