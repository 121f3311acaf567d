"""Turnout entry (issue #19): the guard's closing figure or hourly count from /me/, through the
phone's offline queue (JSON when asked), and the Posko's entry for a TPS in its scope.

Both reach the TPS through the caller's scope first: a TPS of another team is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.access import DASHBOARD_ROLES
from core.formats import iso
from core.formats import wib_time as wib
from core.http import api_view, field_officer_required
from field import selectors
from field.answers import done, form_errors, refused
from field.command import admin_required
from field.posko import (
    _posko_back,
    _posko_invalid,
    _posko_person,
    _posko_stations,
    _station,
    posko_operator_required,
)
from field.turnout.forms import KpuImportForm, PoskoTurnoutForm, TurnoutForm
from field.turnout.imports import COLUMNS, turnout_kpu_import
from field.turnout.models import TurnoutReport
from field.turnout.selectors import turnout_by_tps
from field.turnout.services import turnout_count_record, turnout_report


def _record(*, tps, data: dict, source: str, by, person=None):
    """The closing figure (no hour) or the hourly count; returns the row, whether it is new and
    what to tell the sender."""
    common = {
        "tps": tps,
        "source": source,
        "by": by,
        "idempotency_key": data["idempotency_key"],
        "person": person,
    }
    if data.get("hour") is None:
        record, created = turnout_report(voters_used=data["voters"], **common)
        what = _("Pengguna hak pilih %(tps)s: %(n)s dari DPT %(dpt)s") % {
            "tps": tps,
            "n": record.voters_used,
            "dpt": record.dpt,
        }
    else:
        record, created = turnout_count_record(
            hour=data["hour"], voters_so_far=data["voters"], **common
        )
        what = _("Pemilih %(tps)s pukul %(h)02d.00: %(n)s") % {
            "tps": tps,
            "h": record.hour,
            "n": record.voters_so_far,
        }
    if created:
        message = _("%(what)s, tercatat %(when)s.") % {
            "what": what,
            "when": wib(record.reported_at),
        }
    else:
        message = _("%(what)s, sudah diterima %(when)s; tidak disimpan dua kali.") % {
            "what": what,
            "when": wib(record.reported_at),
        }
    return record, created, message


@field_officer_required
@require_POST
def turnout_send(request: HttpRequest, pk: int) -> HttpResponse:
    """POST /me/tps/<pk>/kehadiran/: the guard's figure for their own TPS."""
    person = request.user.personnel
    tps = selectors.guard_tps_or_none(person, pk, at=clock.now())
    if tps is None:
        raise Http404(_("TPS ini bukan tempat tugas Anda."))
    form = TurnoutForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form))
    try:
        record, created, message = _record(
            tps=tps,
            data=form.cleaned_data,
            source=TurnoutReport.Source.OFFICER,
            by=request.user,
            person=person,
        )
    except ValidationError as exc:
        return refused(request, {"__all__": exc.messages})
    return done(request, message, created=created, record_id=record.pk, anchor=f"#tps-{tps.pk}")


@posko_operator_required
@require_POST
def posko_turnout(request: HttpRequest) -> HttpResponse:
    """POST /posko/kehadiran/: a TPS's figure phoned in, for a TPS of the person in scope."""
    person = _posko_person(request)
    stations = _posko_stations(request.user, person)
    form = PoskoTurnoutForm(request.POST, stations=stations)
    if form.is_valid():
        try:
            _row, _created, message = _record(
                tps=_station(stations, form.cleaned_data["tps"]),
                data=form.cleaned_data,
                source=TurnoutReport.Source.POSKO,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, message)
            return redirect(_posko_back(person))
    return _posko_invalid(request, person, turnout_form=form)


ERRORS_SHOWN = 200


@admin_required
@require_http_methods(["GET", "POST"])
def kpu_import(request: HttpRequest) -> HttpResponse:
    """GET /lapangan/kehadiran/impor/: the KPU's official figures from a file. "Periksa" checks
    every row and writes nothing; "Impor" checks again and writes all rows or none."""
    form = KpuImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": COLUMNS, "result": None}
    if request.method == "GET":
        return render(request, "field/turnout_import.html", context)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = turnout_kpu_import(
                content=upload.read(),
                file_name=upload.name,
                by=request.user,
                apply=request.POST.get("action") == "apply",
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            context |= {"result": result, "errors": result.errors[:ERRORS_SHOWN]}
            if result.ok:
                return render(request, "field/turnout_import.html", context)
    return render(request, "field/turnout_import.html", context, status=422)


TPS_COLUMNS = ["id", "lat", "lng", "percent", "source", "kpu_percent"]


@api_view(*DASHBOARD_ROLES)
@require_GET
def tps_turnout(request: HttpRequest) -> JsonResponse:
    """GET /api/tps-turnout.json (docs/api-additions.md): the latest turnout per TPS in the
    caller's scope, as rows under `columns`, for the dashboard map's turnout layer."""
    response = JsonResponse(
        {
            "clock": iso(clock.now()),
            "columns": TPS_COLUMNS,
            "tps": turnout_by_tps(user=request.user),
        }
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response
