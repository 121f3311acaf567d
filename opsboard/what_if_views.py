"""What if (docs/strength.md): the command moves a reserve, a unit or a list of people to a
post or to TPS and sees each place's coverage before and after, then saves it or not.

Both steps are POSTs: the preview makes the move inside a transaction that it rolls back, a
write whatever it leaves behind, so it never goes to a read-only database. Command staff and
admins only: Polsek staff and field officers get 403."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import clock
from core.access import Role
from core.http import HtmxHttpRequest, roles_required
from deployments.selectors import current_operation
from deployments.services.what_if import move_people, preview_move
from opsboard.what_if_forms import MoveForm

PAGE = "opsboard/what_if.html"


@require_http_methods(["GET", "POST"])
@roles_required(Role.SUPERUSER, Role.ADMIN, Role.COMMAND)
def what_if(request: HtmxHttpRequest) -> HttpResponse:
    operation = current_operation()
    if request.method == "GET":
        start = clock.now().replace(minute=0, second=0, microsecond=0)
        initial = {"starts_at": start, "ends_at": start + timedelta(hours=8)}
        form = MoveForm(initial=initial, operation=operation)
        return _render(request, {"form": form, "preview": None})
    form = MoveForm(request.POST, operation=operation)
    if operation is None or not form.is_valid():
        return _render(request, {"form": form, "preview": None}, status=422)
    move = form.move()
    if request.POST.get("action") == "save":
        try:
            made = move_people(move, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return _render(request, {"form": form, "preview": None}, status=422)
        messages.success(
            request,
            _("%(n)s personel digerakkan ke %(to)s.") % {"n": len(made), "to": move.destination},
        )
        target = reverse("opsboard:what_if")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
    preview = preview_move(move, by=request.user)
    status = 200 if preview.can_save else 422
    return _render(request, {"form": form, "preview": preview}, status=status)


def _render(request: HtmxHttpRequest, context: dict, status: int = 200) -> HttpResponse:
    name = PAGE + "#preview" if request.htmx else PAGE
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
