"""Pages of the special report (laporan khusus, docs/daily-report.md): the list with the notable
incidents still without one, one report with its edit, sign and revise forms, the print page,
the XLSX, and the read API's JSON.

Reading is scoped like the incidents (docs/access.md): command staff and admins read every
report, Polsek staff their kecamatan's; drafting, editing, signing and correcting are the
command's and the admins' (Polsek staff get 403); field officers get 403 on all of it. Thin
views: the forms parse, opsboard.reports.special writes and reads.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log as audit
from core.access import DASHBOARD_ROLES, UNSCOPED_ROLES, access_of
from core.formats import LETTERHEAD, SIGNING_PLACE
from core.http import HtmxHttpRequest, api_view, roles_required
from field.incidents.models import Incident
from opsboard.reports import special
from opsboard.reports.exports import special_json, special_xlsx
from opsboard.reports.forms import IncidentChoiceForm, ReviseForm, SpecialReportForm
from opsboard.reports.http import private, private_json
from opsboard.reports.models import SPECIAL_LOCKED, SpecialReport

INVALID = 422


readers_required = roles_required(*DASHBOARD_ROLES)
# The report speaks for the Polres: the command writes and signs it.
writers_required = roles_required(*UNSCOPED_ROLES)


def _may_write(request) -> bool:
    return access_of(request.user).role in UNSCOPED_ROLES


def _list(request, *, status: int = 200, errors=()) -> HttpResponse:
    context = {
        "reports": special.special_reports_for_list(request.user),
        "due": special.notable_without_report(request.user) if _may_write(request) else [],
        "may_write": _may_write(request),
        "errors": list(errors),
    }
    return private(render(request, "opsboard/reports/special_list.html", context, status=status))


@require_GET
@readers_required
def special_list(request: HtmxHttpRequest) -> HttpResponse:
    return _list(request)


@require_POST
@writers_required
def special_generate(request: HtmxHttpRequest) -> HttpResponse:
    """The incident's report, drafted now if the beat has not drafted it (the same idempotent
    service): an incident that has one opens it."""
    form = IncidentChoiceForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _list(request, status=INVALID, errors=errors)
    try:
        incident = Incident.objects.visible_to(request.user).get(pk=form.cleaned_data["kejadian"])
    except Incident.DoesNotExist as exc:
        raise Http404(_("Kejadian tidak ditemukan.")) from exc
    try:
        report, _created = special.special_report_generate(incident=incident)
    except ValidationError as exc:
        return _list(request, status=INVALID, errors=exc.messages)
    return redirect(report)


def _report(request, pk: int) -> SpecialReport:
    try:
        return special.special_report_for_page(request.user, pk)
    except SpecialReport.DoesNotExist as exc:
        raise Http404(_("Laporan khusus tidak ditemukan.")) from exc


def _page(request, report: SpecialReport, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "report": report,
        "facts": report.facts,
        "may_write": _may_write(request),
        "edit_form": forms.get("edit_form") or SpecialReportForm(instance=report),
        "revise_form": forms.get("revise_form") or ReviseForm(),
        "errors": forms.get("errors", []),
    }
    return private(render(request, "opsboard/reports/special_detail.html", context, status=status))


@require_GET
@readers_required
def special_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _report(request, pk))


@require_POST
@writers_required
def special_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = SpecialReportForm(request.POST, instance=SpecialReport.objects.get(pk=pk))
    if not form.is_valid():
        errors = [str(e) for e in form.non_field_errors()]
        if report.is_signed:
            # The page holds no edit form once signed: say why nothing was saved.
            errors.insert(0, str(SPECIAL_LOCKED))
        return _page(request, report, status=INVALID, edit_form=form, errors=errors)
    try:
        special.special_report_update(report=report, data=form.cleaned_data, by=request.user)
    except ValidationError as exc:
        return _page(request, _report(request, pk), status=INVALID, errors=exc.messages)
    return redirect(report)


@require_POST
@writers_required
def special_sign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        special.special_report_sign(report=report, by=request.user)
    except ValidationError as exc:
        return _page(request, report, status=INVALID, errors=exc.messages)
    return redirect(report)


@require_POST
@writers_required
def special_revise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _page(request, report, status=INVALID, revise_form=form)
    try:
        correction = special.special_report_revise(
            report=report, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as exc:
        return _page(request, report, status=INVALID, errors=exc.messages, revise_form=form)
    return redirect(correction)


@require_GET
@readers_required
def special_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The report on A4 with the Polres letterhead; the foot says who printed it and when (the
    same stamp as the audit log's line)."""
    report = _report(request, pk)
    stamp = audit.export_stamp(request)
    audit.record_export(request, stamp, detail={"special_report": report.pk, "print": True})
    context = {
        "report": report,
        "facts": report.facts,
        "letterhead": LETTERHEAD,
        "signing_place": SIGNING_PLACE,
        "stamp": stamp,
    }
    # An Indonesian document whatever language the reader's screen is set to.
    with translation.override("id"):
        return private(render(request, "opsboard/reports/special_print.html", context))


@require_GET
@readers_required
def special_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return special_xlsx(request, _report(request, pk))


# The read API (docs/api-additions.md, "Special report")


@api_view(*DASHBOARD_ROLES)
@require_GET
def api_special_reports(request: HtmxHttpRequest) -> JsonResponse:
    """The current revision of each incident's report in the reader's scope, newest first."""
    reports = special.special_reports_for_list(request.user, current=True)
    return private_json(
        {
            "results": [
                {
                    "id": r.pk,
                    "incident": r.incident_id,
                    "subject": r.subject,
                    "revision": r.revision,
                    "status": r.api_status,
                    "url": f"/api/laporan-khusus/{r.pk}.json",
                }
                for r in reports
            ]
        }
    )


@api_view(*DASHBOARD_ROLES)
@require_GET
def api_special_report(request: HtmxHttpRequest, pk: int) -> JsonResponse:
    try:
        report = special.special_report_for_page(request.user, pk)
    except SpecialReport.DoesNotExist:
        return private_json({"detail": _("Laporan khusus tidak ditemukan.")}, status=404)
    return private_json(special_json(report))
