"""The Posko operator's entries on behalf of a guard who phoned or radioed in: a check-in, a
TPS status step or a situation report, recorded as the guard's with the operator as who entered
it (docs/field.md).

Who may: admins, and command or Polsek staff given the permission ``field.record_via_posko``
("operator Posko"), Polsek staff within their kecamatan. Everyone else gets 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import Role, access_of
from deployments.models import Personnel
from field import selectors, services
from field.command import ADMIN_ROLES, _forbidden
from field.forms import PersonForm, PoskoCheckInForm, PoskoReportForm, PoskoStatusForm
from tps.models import TPS

POSKO_PERMISSION = "field.record_via_posko"


def is_posko_operator(user) -> bool:
    role = access_of(user).role
    if role in ADMIN_ROLES:
        return True
    return role in (Role.COMMAND, Role.POLSEK) and user.has_perm(POSKO_PERMISSION)


def posko_operator_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_posko_operator(request.user):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def _posko_stations(user, person: Personnel) -> list[TPS]:
    return selectors.guard_stations(person, at=clock.now(), among=TPS.objects.visible_to(user))


def _posko_context(request: HttpRequest, person: Personnel | None, **forms) -> dict:
    stations = _posko_stations(request.user, person) if person else []
    return {
        "person": person,
        "stations": stations,
        "find_form": forms.get("find_form") or PersonForm(initial={}),
        "checkin_form": forms.get("checkin_form") or PoskoCheckInForm(stations=stations),
        "status_form": forms.get("status_form") or PoskoStatusForm(stations=stations),
        "report_form": forms.get("report_form") or PoskoReportForm(stations=stations),
    }


@posko_operator_required
@require_GET
def posko(request: HttpRequest) -> HttpResponse:
    person = None
    find_form = PersonForm(request.GET or None, people=Personnel.objects.visible_to(request.user))
    if request.GET and find_form.is_valid():
        person = find_form.cleaned_data["person"]
    return render(request, "field/posko.html", _posko_context(request, person, find_form=find_form))


def _posko_person(request: HttpRequest) -> Personnel:
    # The id comes from the page's hidden field: anything else names nobody (a 404, as an id
    # outside the operator's scope), rather than reaching the query and failing there.
    try:
        pk = int(request.POST.get("person", ""))
    except ValueError:
        raise Http404(_("Personel tidak ditemukan.")) from None
    return get_object_or_404(Personnel.objects.visible_to(request.user).active(), pk=pk)


def _posko_back(person: Personnel) -> str:
    return reverse("field:posko") + "?identifier=" + person.identifier + "&force=" + person.force


def _posko_invalid(request, person, **forms) -> HttpResponse:
    return render(
        request,
        "field/posko.html",
        _posko_context(request, person, **forms),
        status=422,
    )


def _station(stations: list[TPS], pk: int) -> TPS:
    station = next((t for t in stations if t.pk == pk), None)
    if station is None:
        raise ValidationError(_("TPS ini bukan tempat tugas petugas itu."))
    return station


@posko_operator_required
@require_POST
def posko_checkin(request: HttpRequest) -> HttpResponse:
    person = _posko_person(request)
    stations = _posko_stations(request.user, person)
    form = PoskoCheckInForm(request.POST, stations=stations)
    if form.is_valid():
        try:
            record, _created = services.checkin_record(
                person=person,
                tps=_station(stations, form.cleaned_data["tps"]),
                entered_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Check-in %(name)s di %(tps)s dicatat lewat Posko (tanpa posisi).")
                % {"name": person.name, "tps": record.tps},
            )
            return redirect(_posko_back(person))
    return _posko_invalid(request, person, checkin_form=form)


@posko_operator_required
@require_POST
def posko_status(request: HttpRequest) -> HttpResponse:
    person = _posko_person(request)
    stations = _posko_stations(request.user, person)
    form = PoskoStatusForm(request.POST, stations=stations)
    if form.is_valid():
        try:
            record, created = services.tps_status_step_record(
                person=person,
                tps=_station(stations, form.cleaned_data["tps"]),
                step=form.cleaned_data["step"],
                entered_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            text = _("%(step)s di %(tps)s dicatat lewat Posko.")
            if not created:
                text = _("%(step)s di %(tps)s sudah tercatat sebelumnya.")
            messages.success(request, text % {"step": record.get_step_display(), "tps": record.tps})
            return redirect(_posko_back(person))
    return _posko_invalid(request, person, status_form=form)


@posko_operator_required
@require_POST
def posko_report(request: HttpRequest) -> HttpResponse:
    person = _posko_person(request)
    stations = _posko_stations(request.user, person)
    form = PoskoReportForm(request.POST, stations=stations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tps = _station(stations, data["tps"]) if data.get("tps") else None
            services.situation_report_create(
                person=person,
                kind=data["kind"],
                text=data["text"],
                urgent=data["urgent"],
                idempotency_key=data["idempotency_key"],
                tps=tps,
                entered_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Laporan %(name)s dicatat lewat Posko.") % {"name": person.name}
            )
            return redirect(_posko_back(person))
    return _posko_invalid(request, person, report_form=form)
