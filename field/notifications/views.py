"""The in-app notifications: a small list with a badge (an htmx partial the dashboard and the
incident board poll) and the acknowledge POST. Dashboard readers only (command_required);
Polsek staff see their kecamatan's only (NotificationQuerySet.visible_to). A device's Web Push
subscription: the dashboard's readers and field officers (told of a dispatch or a panic)."""

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import DASHBOARD_ROLES, Role
from field import command
from field.notifications import subscriptions
from field.notifications.escalation import acknowledge
from field.notifications.models import Notification

PART = "field/_notifications.html"
SHOWN = 10

# Whoever is told outside the app: the command's readers, and field officers sent to an
# incident or near a panic (field.dispatch, field.panic).
subscriber_required = command.roles_required(DASHBOARD_ROLES | {Role.FIELD})


def _context(user) -> dict:
    mine = Notification.objects.visible_to(user)
    unread = mine.filter(acknowledged_at=None)
    return {
        "unread_count": unread.count(),
        "notifications": list(unread.select_related("incident").order_by("-created_at")[:SHOWN]),
    }


@command.command_required
@require_GET
def notifications(request) -> HttpResponse:
    return render(request, PART, _context(request.user))


@command.command_required
@require_POST
def incident_acknowledge(request, pk: int) -> HttpResponse:
    acknowledge(incident_id=pk, user=request.user)
    return HttpResponseRedirect(reverse("field:incident_detail", kwargs={"pk": pk}))


def _refused(exc: subscriptions.SubscriptionRefused) -> JsonResponse:
    return JsonResponse({"error": exc.message}, status=exc.status)


def _json_body(request) -> bytes:
    # A form or multipart body has been read already (the CSRF check reads request.POST), and
    # is no subscription anyway: only JSON is read.
    if request.content_type != "application/json":
        raise subscriptions.SubscriptionRefused(
            _("Kirim data langganan sebagai JSON (application/json)."), status=415
        )
    return request.body


@subscriber_required
@require_POST
def push_subscribe(request) -> HttpResponse:
    """POST the browser's PushSubscription.toJSON() (static/field/push.js, with the CSRF
    header): 201 new, 200 renewed, 4xx with an Indonesian message and nothing written."""
    try:
        data = subscriptions.parse(_json_body(request))
        subscription, created = subscriptions.push_subscription_save(
            user=request.user, user_agent=request.headers.get("User-Agent", ""), **data
        )
    except subscriptions.SubscriptionRefused as exc:
        return _refused(exc)
    return JsonResponse({"id": subscription.pk}, status=201 if created else 200)


@subscriber_required
@require_POST
def push_unsubscribe(request) -> HttpResponse:
    """POST {"endpoint": …}: this browser's subscription of the signed-in account goes."""
    try:
        data = subscriptions.parse(_json_body(request), endpoint_only=True)
        subscriptions.push_subscription_remove(user=request.user, endpoint=data["endpoint"])
    except subscriptions.SubscriptionRefused as exc:
        return _refused(exc)
    return HttpResponse(status=204)
