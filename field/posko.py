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
from deployments.models import Personnel
from field import selectors, services
from field.access import is_posko_operator
from field.command import _forbidden
from field.forms import PoskoCheckInForm, PoskoFindForm, PoskoReportForm, PoskoStatusForm
from field.turnout.forms import PoskoTurnoutForm
from tps.models import TPS


def posko_operator_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_posko_operator(request.user):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def _posko_stations(user, person: Personnel) -> list[TPS]:
    return selectors.guard_stations(person, at=clock.now(), among=TPS.objects.visible_to(user))


def _posko_context(
    request: HttpRequest, person: Personnel | None, found: list[Personnel] = (), **forms
) -> dict:
    stations = _posko_stations(request.user, person) if person else []
    return {
        "person": person,
        "found": found[: selectors.RESULTS_SHOWN],
        "found_more": len(found) > selectors.RESULTS_SHOWN,
        "stations": stations,
        "find_form": forms.get("find_form") or PoskoFindForm(),
        "checkin_form": forms.get("checkin_form") or PoskoCheckInForm(stations=stations),
        "status_form": forms.get("status_form") or PoskoStatusForm(stations=stations),
        "report_form": forms.get("report_form") or PoskoReportForm(stations=stations),
        "turnout_form": forms.get("turnout_form") or PoskoTurnoutForm(stations=stations),
    }


@posko_operator_required
@require_GET
def posko(request: HttpRequest) -> HttpResponse:
    """Find the person: one match opens them, several are listed to choose from (each a link
    to ?person=<id>), none says so."""
    people = Personnel.objects.visible_to(request.user).active()
    if "person" in request.GET:
        person = get_object_or_404(people, pk=_person_id(request.GET.get("person")))
        return render(request, "field/posko.html", _posko_context(request, person))
    person, found = None, []
    find_form = PoskoFindForm(request.GET or None)
    if find_form.is_bound and find_form.is_valid():
        data = find_form.cleaned_data
        found = selectors.posko_people_find(
            people=people,
            stations=TPS.objects.visible_to(request.user),
            query=data["q"],
            force=data.get("force") or "",
        )
        if len(found) == 1:
            person, found = found[0], []
        elif not found:
            find_form.add_error(
                None,
                _(
                    "Tidak ada personel aktif dengan nama, nomor, telepon atau TPS “%(q)s” "
                    "dalam wilayah Anda."
                )
                % {"q": data["q"]},
            )
    context = _posko_context(request, person, found, find_form=find_form)
    return render(request, "field/posko.html", context)


def _person_id(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Http404(_("Personel tidak ditemukan.")) from None


def _posko_person(request: HttpRequest) -> Personnel:
    # The id comes from the page's hidden field: anything else names nobody (a 404, as an id
    # outside the operator's scope), rather than reaching the query and failing there.
    pk = _person_id(request.POST.get("person"))
    return get_object_or_404(Personnel.objects.visible_to(request.user).active(), pk=pk)


def _posko_back(person: Personnel) -> str:
    return reverse("field:posko") + f"?person={person.pk}"


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
