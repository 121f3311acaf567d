"""Pages of the daily report (docs/daily-report.md): the list, one report with its edit, sign
and revise forms, the print page, the XLSX, the Anev, and the read API's JSON.

Scoped (docs/access.md): command staff and admins read and write the Polres's report and every
kecamatan's (``?lingkup=<kode kecamatan>``); Polsek staff their own kecamatan's only, the
Polsek's laporan harian (another scope's report is a 404); field officers get 403. Thin views:
the forms parse, opsboard.reports.services write, opsboard.reports.selectors read.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log as audit
from core import clock
from core.access import DASHBOARD_ROLES
from core.formats import SIGNING_PLACE, WIB
from core.http import HtmxHttpRequest, api_view, roles_required
from opsboard.reports import selectors, services
from opsboard.reports.exports import report_json, report_xlsx
from opsboard.reports.figures import daily_figures
from opsboard.reports.forms import AnevForm, DailyReportForm, DayForm, ReviseForm
from opsboard.reports.http import private, private_json
from opsboard.reports.models import REPORT_LOCKED, DailyReport

INVALID = 422


# Everyone of the dashboard, each in their scope; field officers get 403.
reports_required = roles_required(*DASHBOARD_ROLES)


def _today() -> date:
    return timezone.localtime(clock.now(), WIB).date()


def _scope(request, requested: str) -> selectors.ReportScope:
    scope = selectors.scope_for(request.user, requested)
    if scope is None:
        raise Http404(_("Kecamatan tidak dikenal."))
    return scope


def _list(request, scope, *, day_form=None, status: int = 200) -> HttpResponse:
    context = {
        "scope": scope,
        "scopes": selectors.scope_choices(request.user),
        "reports": selectors.reports_for_list(scope_code=scope.code),
        "day_form": day_form or DayForm(initial={"day": services.report_day_due()}),
    }
    return private(render(request, "opsboard/reports/report_list.html", context, status=status))


@require_GET
@reports_required
def report_list(request: HtmxHttpRequest) -> HttpResponse:
    return _list(request, _scope(request, request.GET.get("lingkup", "")))


@require_POST
@reports_required
def report_generate(request: HtmxHttpRequest) -> HttpResponse:
    """The day's report of the scope, made now if the beat has not made it yet (the same
    idempotent service): a day that already has one opens it."""
    scope = _scope(request, request.POST.get("lingkup", ""))
    form = DayForm(request.POST)
    if not form.is_valid():
        return _list(request, scope, day_form=form, status=INVALID)
    report, _created = services.daily_report_generate(
        day=form.cleaned_data["day"], kecamatan=scope.kecamatan
    )
    return redirect(report)


def _page(request, report: DailyReport, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "report": report,
        "scope": selectors.scope_label(report),
        "scope_code": report.scope_code,
        "edit_form": forms.get("edit_form") or DailyReportForm(instance=report),
        "revise_form": forms.get("revise_form") or ReviseForm(),
        "errors": forms.get("errors", []),
        **selectors.report_sections(report),
    }
    return private(render(request, "opsboard/reports/report_detail.html", context, status=status))


def _report(request, pk: int) -> DailyReport:
    try:
        return selectors.report_for_page(request.user, pk)
    except DailyReport.DoesNotExist as exc:
        raise Http404(_("Laporan harian tidak ditemukan.")) from exc


@require_GET
@reports_required
def report_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _report(request, pk))


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@require_POST
@reports_required
def report_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = DailyReportForm(request.POST, instance=DailyReport.objects.get(pk=report.pk))
    if not form.is_valid():
        errors = [str(e) for e in form.non_field_errors()]
        if report.is_signed:
            # The page holds no edit form once signed: say why nothing was saved. The lock
            # itself is the service's (and the database's), below.
            errors.insert(0, str(REPORT_LOCKED))
        return _page(request, report, status=INVALID, edit_form=form, errors=errors)
    try:
        services.daily_report_update(report=report, data=form.cleaned_data, by=request.user)
    except ValidationError as exc:
        return _page(request, _report(request, pk), status=INVALID, errors=_messages(exc))
    return redirect(report)


@require_POST
@reports_required
def report_sign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        services.daily_report_sign(report=report, by=request.user)
    except ValidationError as exc:
        return _page(request, report, status=INVALID, errors=_messages(exc))
    return redirect(report)


@require_POST
@reports_required
def report_revise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _page(request, report, status=INVALID, revise_form=form)
    try:
        correction = services.daily_report_revise(
            report=report, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as exc:
        return _page(request, report, status=INVALID, errors=_messages(exc), revise_form=form)
    return redirect(correction)


@require_GET
@reports_required
def report_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The report on A4 with the Polres's letterhead (and the Polsek's, for a kecamatan); the
    foot says who printed it and when (the same stamp as the audit log's line)."""
    report = _report(request, pk)
    stamp = audit.export_stamp(request)
    audit.record_export(
        request, stamp, detail={"report": report.pk, "day": report.day.isoformat(), "print": True}
    )
    scope = selectors.scope_of(report)
    context = {
        "report": report,
        "scope": scope.label,
        "letterhead": scope.letterhead,
        "signatory": scope.signatory,
        "signing_place": SIGNING_PLACE,
        "stamp": stamp,
        **selectors.report_sections(report),
    }
    # An Indonesian document whatever language the reader's screen is set to.
    with translation.override("id"):
        return private(render(request, "opsboard/reports/report_print.html", context))


@require_GET
@reports_required
def report_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return report_xlsx(request, _report(request, pk))


@require_GET
@reports_required
def report_anev(request: HtmxHttpRequest) -> HttpResponse:
    scope = _scope(request, request.GET.get("lingkup", ""))
    form = AnevForm(request.GET, today=_today())
    context = {"form": form, "scope": scope, "scopes": selectors.scope_choices(request.user)}
    if not form.is_valid():
        response = render(request, "opsboard/reports/anev.html", context, status=INVALID)
        return private(response)
    data = form.cleaned_data
    context["anev"] = selectors.anev(start=data["dari"], end=data["sampai"], scope_code=scope.code)
    return private(render(request, "opsboard/reports/anev.html", context))


# The read API (docs/api-additions.md, "Daily report")


@api_view(*DASHBOARD_ROLES)
@require_GET
def api_reports(request: HtmxHttpRequest) -> JsonResponse:
    """The current revision of each day's report of the scope (``?lingkup=``, as the list
    page), newest first: where the level above finds them."""
    scope = selectors.scope_for(request.user, request.GET.get("lingkup", ""))
    if scope is None:
        return private_json({"detail": _("Kecamatan tidak dikenal.")}, status=404)
    reports = selectors.reports_for_list(scope_code=scope.code, current=True)
    return private_json(
        {
            "results": [
                {
                    "id": r.pk,
                    "day": r.day.isoformat(),
                    "revision": r.revision,
                    "status": r.api_status,
                    "url": f"/api/laporan-harian/{r.pk}.json",
                }
                for r in reports
            ]
        }
    )


@api_view(*DASHBOARD_ROLES)
@require_GET
def api_report(request: HtmxHttpRequest, pk: int) -> JsonResponse:
    try:
        report = selectors.report_for_page(request.user, pk)
    except DailyReport.DoesNotExist:
        return private_json({"detail": _("Laporan harian tidak ditemukan.")}, status=404)
    return private_json(report_json(report))


@api_view(*DASHBOARD_ROLES)
@require_GET
def api_daily_figures(request: HtmxHttpRequest) -> JsonResponse:
    """The figures of a day as they stand now, in the reader's scope (Polsek staff: their
    kecamatan): the same function the report is generated with. ``?day=`` (ISO), default
    today at the operation clock."""
    raw = request.GET.get("day", "")
    try:
        day = date.fromisoformat(raw) if raw else _today()
    except ValueError:
        message = _("day harus tanggal TTTT-BB-HH: %(value)s") % {"value": raw[:40]}
        return private_json({"errors": {"day": [message]}}, status=400)
    return private_json(daily_figures(request.user, day=day))
