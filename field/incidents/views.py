"""The command's incident pages: the board (a page, its htmx part, and the dashboard's
include), one incident's timeline, the transitions as POSTs, the export.

Who: dashboard readers (command staff, admins, Polsek staff within their kecamatan — others'
incidents are a 404); a field officer gets 403, as on every command page (docs/incidents.md).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log as audit
from core import clock
from core.http import HtmxHttpRequest
from field import command
from field.dispatch.selectors import incident_responders
from field.incidents import exports, printout, selectors, services
from field.incidents.forms import ACTIONS, IncidentActionForm
from field.incidents.models import Incident, IncidentClass, Severity
from field.models import SituationReport
from field.notifications import webpush
from field.notifications.selectors import incident_deliveries

ALARM = "field/_panic_alarm.html"
BOARD = "field/incident_board.html"
PART = "field/_incident_board.html"
DETAIL = "field/incident_detail.html"
PRINT = "field/incident_print.html"
LETTERHEAD = ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAWA TIMUR", "RESOR KEDIRI KOTA")


def _scoped(request, pk: int) -> Incident:
    return get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)


@command.command_required
@require_GET
def incident_board(request: HtmxHttpRequest) -> HttpResponse:
    """Open incidents by severity then age, with their clock and who is on them."""
    context = {"board": selectors.incident_board(request.user), "actions": ACTIONS}
    if not request.htmx:  # the page's "notify this device" button (static/field/push.js)
        context["push_key"] = webpush.application_server_key()
    response = render(request, PART if request.htmx else BOARD, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@command.command_required
@require_GET
def panic_alarm(request: HtmxHttpRequest) -> HttpResponse:
    """The alarm of the dashboard and the wall screen: unacknowledged darurat incidents in
    scope, polled every 5 s; it flashes and beeps while the list is not empty."""
    return render(
        request, ALARM, {"alarm_loaded": True, "alarms": selectors.panic_alarms(request.user)}
    )


def _detail_context(request, incident: Incident, form=None) -> dict:
    incident.waiting = incident.minutes_waiting(clock.now())
    return {
        "incident": incident,
        "classes": IncidentClass.choices,
        "severities": Severity.choices,
        "form": form,
        "actions": ACTIONS,
        "mergeable": selectors.mergeable_reports(request.user, incident),
        "told": incident_deliveries(incident),
        "responders": incident_responders(incident),
        **selectors.incident_timeline(incident),
    }


def _fresh(request, pk: int) -> Incident:
    return (
        Incident.objects.visible_to(request.user)
        .for_board()
        .select_related("duplicate_of", "opened_by")
        .get(pk=pk)
    )


@command.command_required
@require_GET
def incident_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    incident = _scoped(request, pk)
    return render(request, DETAIL, _detail_context(request, _fresh(request, incident.pk)))


@command.command_required
@require_GET
def incident_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The after-action report on A4 (laporan pasca-kejadian): a line in the audit log, and a
    foot saying who printed it and when (real time, WIB) and the operation clock then."""
    try:
        context = printout.incident_printout(request.user, pk)
    except Incident.DoesNotExist as exc:
        raise Http404(_("Kejadian tidak ditemukan.")) from exc
    incident = context["incident"]
    stamp = audit.export_stamp(request)
    audit.record_export(
        request,
        stamp,
        detail={"incident": incident.pk, "number": incident.number, "state": incident.state},
    )
    context.update(letterhead=LETTERHEAD, stamp=stamp, operation_now=clock.now())
    # An Indonesian document whatever language the reader's screen is set to.
    with translation.override("id"):
        response = render(request, PRINT, context)
    # Names of reporters and recipients: never kept by a shared cache or the browser.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _apply(action: str, incident: Incident, data: dict, by) -> None:
    note = data.get("note") or ""
    if action == "verify":
        services.incident_verify(
            incident=incident,
            by=by,
            incident_class=data.get("incident_class") or None,
            severity=data.get("severity"),
            note=note,
        )
    elif action == "dispatch":
        services.incident_dispatch_note(incident=incident, by=by, note=note)
    elif action == "arrive":
        services.incident_arrive(incident=incident, by=by, note=note)
    elif action == "resolve":
        services.incident_resolve(incident=incident, by=by, resolution=note)
    elif action == "reject":
        services.incident_reject(incident=incident, by=by, reason=note)
    elif action == "duplicate":
        services.incident_mark_duplicate(
            incident=incident, by=by, original=data["duplicate_of"], reason=note
        )
    elif action == "merge":
        services.incident_merge_reports(incident=incident, reports=data["reports"], by=by)
    elif action == "note":
        services.incident_note(incident=incident, by=by, text=note)
    else:  # reclassify
        services.incident_reclassify(
            incident=incident,
            by=by,
            incident_class=data.get("incident_class") or None,
            severity=data.get("severity"),
        )


@command.command_required
@require_POST
def incident_act(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One transition (``action``): done, or 422 with the reason and nothing changed. htmx
    gets the board's row back (``from=board``) or is sent to the timeline page."""
    incident = _scoped(request, pk)
    form = IncidentActionForm(request.POST, user=request.user, incident=incident)
    if form.is_valid():
        try:
            _apply(form.cleaned_data["action"], incident, form.cleaned_data, request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
    fresh = _fresh(request, incident.pk)
    ok = not form.errors
    status = 200 if ok else 422
    if request.htmx and request.POST.get("from") == "board":
        fresh.waiting = fresh.minutes_waiting(clock.now())
        context = {"incident": fresh, "form": form, "actions": ACTIONS, "board_form": True}
        return render(request, PART + "#incident-row", context, status=status)
    if ok:
        messages.success(
            request,
            _("%(number)s: %(action)s dicatat.")
            % {"number": fresh.number, "action": ACTIONS[form.cleaned_data["action"]]},
        )
        target = command._back_to(request, reverse("field:incident_detail", args=[fresh.pk]))
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
    return render(request, DETAIL, _detail_context(request, fresh, form), status=status)


@command.command_required
@require_POST
def incident_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Open (or find) the incident of a situation report from the feed."""
    report = get_object_or_404(SituationReport.objects.visible_to(request.user), pk=pk)
    try:
        incident, created = services.incident_open_from_report(report=report, by=request.user)
    except ValidationError as exc:
        return render(request, "field/incident_problem.html", {"lines": exc.messages}, status=422)
    if created:
        messages.success(
            request, _("%(number)s dibuka dari laporan ini.") % {"number": incident.number}
        )
    return HttpResponseRedirect(reverse("field:incident_detail", args=[incident.pk]))


@command.command_required
@require_GET
def incident_export(request: HtmxHttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        return HttpResponse(
            _("Format tidak dikenal; pilih xlsx, csv-excel atau csv."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return exports.response(request, selectors.incident_log(request.user), fmt)
