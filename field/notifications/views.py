"""The in-app notifications: a small list with a badge (an htmx partial the dashboard and the
incident board poll) and the acknowledge POST. Dashboard readers only (command_required);
Polsek staff see their kecamatan's only (NotificationQuerySet.visible_to)."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from field import command
from field.notifications.escalation import acknowledge
from field.notifications.models import Notification

PART = "field/_notifications.html"
SHOWN = 10


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
