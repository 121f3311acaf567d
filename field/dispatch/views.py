"""The "Kirim personel" section of an incident: candidates, the coverage preview, the dispatch.

Who: dashboard readers within scope (another kecamatan's incident is a 404 on every URL, as on
the incident page); a field officer gets 403. The candidate list and the preview are each a
page of their own and, for htmx, the partial alone; the dispatch is a POST that redirects to the
incident page, or answers 422 with the reasons (an unknown or foreign person, one already sent,
unavailable, the incident in another state) and writes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.formats import wib_time as wib
from core.http import HtmxHttpRequest, field_officer_required
from field import command
from field.answers import done, form_errors, refused
from field.dispatch import selectors, services
from field.dispatch.models import IncidentDispatch
from field.forms import DispatchStepForm
from field.incidents.models import Incident

PAGE = "field/incident_dispatch.html"


def _scoped(request, pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("tps__desa", "kecamatan"), pk=pk
    )


def _render(request: HtmxHttpRequest, part: str, context: dict, status: int = 200):
    name = f"{PAGE}#{part}" if request.htmx else PAGE
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _ids(request) -> list[str]:
    return request.GET.getlist("personnel") or request.POST.getlist("personnel")


@command.command_required
@require_GET
def incident_responders(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who could go: reserve and patrols first, then anyone on duty nearby, nearest first."""
    incident = _scoped(request, pk)
    now = clock.now()
    context = {
        "incident": incident,
        "candidates": selectors.responder_candidates(incident, user=request.user, now=now),
        "chosen": set(_ids(request)),
        "open_for_dispatch": incident.state in services.DISPATCH_STATES,
        "near_km": selectors.NEARBY_KM,
    }
    return _render(request, "dispatch-candidates", context)


@command.command_required
@require_GET
def incident_dispatch_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Each TPS the chosen people would leave: its coverage now and after. Writes nothing."""
    incident = _scoped(request, pk)
    context = {"incident": incident, "preview": None, "errors": []}
    status = 200
    try:
        if incident.state not in services.DISPATCH_STATES:
            raise ValidationError(
                _("%(number)s berstatus %(state)s: tidak dapat dikirimi personel.")
                % {"number": incident.number, "state": incident.get_state_display()}
            )
        context["preview"] = selectors.dispatch_preview(
            incident, user=request.user, personnel_ids=_ids(request), now=clock.now()
        )
    except ValidationError as exc:
        context["errors"], status = exc.messages, 422
    return _render(request, "dispatch-preview", context, status)


@command.command_required
@require_POST
def incident_dispatch(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Send the chosen people: their duties written, the incident ditangani; or 422."""
    incident = _scoped(request, pk)
    try:
        sent = services.incident_dispatch(
            incident=incident,
            by=request.user,
            personnel_ids=_ids(request),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        context = {"incident": incident, "preview": None, "errors": exc.messages}
        return _render(request, "dispatch-preview", context, 422)
    messages.success(
        request,
        _("%(number)s: %(n)s personel dikirim.") % {"number": incident.number, "n": len(sent)},
    )
    target = reverse("field:incident_detail", args=[incident.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


@field_officer_required
@require_POST
def dispatch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Berangkat, Tiba or Selesai on the responder's own dispatch (another's is a 404); through
    the phone's offline queue like a report: JSON for it, a redirect for a plain browser."""
    person = request.user.personnel
    dispatch = get_object_or_404(
        IncidentDispatch.objects.filter(personnel=person).select_related("incident"), pk=pk
    )
    form = DispatchStepForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form))
    data = form.cleaned_data
    try:
        record, created = services.dispatch_progress(
            dispatch=dispatch,
            step=data["step"],
            note=data["note"],
            by_person=person,
            idempotency_key=data["idempotency_key"],
        )
    except services.DispatchEnded as exc:
        return refused(request, {"__all__": exc.messages}, status=409)
    except ValidationError as exc:
        return refused(request, {"__all__": exc.messages})
    values = {
        "step": record.get_step_display(),
        "number": dispatch.incident.number,
        "when": wib(record.at),
    }
    if created:
        message = _("%(step)s %(number)s tercatat %(when)s.") % values
    else:
        message = _("%(step)s %(number)s sudah tercatat %(when)s; tidak dicatat dua kali.") % values
    return done(request, message, created=created, record_id=record.pk, anchor="#kejadian")
