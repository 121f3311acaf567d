"""The field officer's pages: sign-in by link, /me/, check-in, TPS status, situation reports,
instructions, the service worker, and report photos.

Every URL reaches data through the officer's own duties (a TPS of another team is a 404), and
every write answers the phone's offline queue in JSON when it asks for JSON (Accept header),
and a plain browser with a redirect to /me/ and a message.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.formats import wib_time as wib
from core.http import field_officer_required
from deployments.models import Assignment
from field import selectors, services
from field.answers import done, form_errors, refused, wants_json
from field.forms import (
    CheckInForm,
    ReportForm,
    StatusStepForm,
    new_key,
)
from field.models import Instruction, SituationReport, TPSStatusStep
from field.notifications import webpush
from field.photos import PhotoBusy, request_too_large, too_large_message
from field.rollcall.selectors import may_lead_roll_call
from field.turnout.selectors import officer_form_state

ME = "field/me.html"
SEEN_COOKIE = "opsboard_seen"


# Sign-in by link


def _signin_invalid(request: HttpRequest, token: str) -> HttpResponse:
    """What an officer whose card no longer works must do: a new card from the Posko."""
    trouble = selectors.signin_link_trouble(token)
    return render(request, "field/signin_invalid.html", {"trouble": trouble}, status=404)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows whose link it is and changes nothing (chat apps and QR scanners fetch links
    to preview them); only the POST that follows signs in and uses the link up."""
    if request.method == "GET":
        link = services.signin_link_lookup(token)
        if link is None:
            return _signin_invalid(request, token)
        return render(request, "field/signin.html", {"person": link.person})
    person = services.signin_link_redeem(token=token)
    if person is None:
        return _signin_invalid(request, token)
    login(request, person.user, backend="opsboard.auth.OpsboardBackend")
    return redirect("opsboard:me")


# /me/


def _fingerprint(assignment: Assignment) -> str:
    tps = ",".join(str(pk) for pk in sorted(t.pk for t in assignment.stations))
    return "|".join(
        [
            assignment.kind,
            assignment.starts_at.isoformat(),
            assignment.ends_at.isoformat(),
            str(assignment.post_id or ""),
            tps,
        ]
    )


def _label(assignment: Assignment) -> str:
    where = ", ".join(str(t) for t in assignment.stations) or str(assignment.post or "")
    return f"{assignment.get_kind_display()} {where}".strip()


def _seen_on_this_phone(request: HttpRequest, person_pk: int) -> dict | None:
    """What this phone showed the officer on their last visit, from its signed cookie; None on
    a first visit, a tampered cookie, or another person's (a phone passed on)."""
    try:
        data = signing.loads(request.COOKIES.get(SEEN_COOKIE, ""), salt=SEEN_COOKIE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("person") != person_pk:
        return None
    seen = data.get("seen")
    return seen if isinstance(seen, dict) else None


def _changes_since_last_visit(seen: dict | None, assignments: list[Assignment], at):
    """Marks each assignment new or changed since this phone's last visit, and lists the ones
    that went away (cancelled or moved) before their end; a first visit marks nothing. Returns
    the list and what to remember for the next visit.

    The last visit lives in a signed cookie on the phone rather than in the session, so that
    opening /me/ writes nothing on the server."""
    now_seen = {str(a.pk): [_fingerprint(a), _label(a), a.ends_at.isoformat()] for a in assignments}
    gone = []
    for assignment in assignments:
        assignment.change = ""
        if seen is None:
            continue
        before = seen.get(str(assignment.pk))
        if before is None:
            assignment.change = "new"
        elif before[0] != now_seen[str(assignment.pk)][0]:
            assignment.change = "changed"
    for pk, before in (seen or {}).items():
        if pk not in now_seen and isinstance(before, list) and len(before) == 3:
            _fp, label, ends_at = before
            if str(ends_at) > at.isoformat():
                gone.append(label)
    return gone, now_seen


@require_GET
@field_officer_required
def me(request: HttpRequest) -> HttpResponse:
    """The officer's own duties, team, reporting forms and instructions: six queries (on top
    of the session, the user and the role that every page reads)."""
    person = request.user.personnel  # loaded, with the role, by field_officer_required
    at = clock.now()
    overview = selectors.field_officer_overview(person, at=at)
    seen = _seen_on_this_phone(request, person.pk)
    gone, now_seen = _changes_since_last_visit(seen, overview.assignments, at)
    for station in overview.stations:
        station.next_step = _next_step(station.last_step)
        station.checkin_key = new_key()
        station.indicator_list = overview.indicators.get(station.pk, [])
        officer_form_state(station, at=at)
        station.turnout_key = new_key() if station.turnout_shown else ""
    for duty in overview.dispatches:
        duty.step_keys = {step: new_key() for step in ("berangkat", "tiba", "selesai")}
    response = render(
        request,
        ME,
        {
            "o": overview,
            "gone": gone,
            "report_form": ReportForm(stations=overview.stations),
            "far_metres": settings.FIELD_CHECKIN_FAR_METRES,
            "tile_url": settings.OPSBOARD_TILE_URL,
            "photo_max_mb": settings.FIELD_PHOTO_MAX_BYTES // (1024 * 1024),
            "panic_key": new_key(),
            "push_key": webpush.application_server_key(),
            "roll_call_open": may_lead_roll_call(person, overview.assignments, at=at),
        },
    )
    # The service worker keeps its own copy for offline use; the browser cache must not
    # show an old page while online.
    patch_cache_control(response, private=True, no_cache=True)
    if now_seen != seen:
        response.set_cookie(
            SEEN_COOKIE,
            signing.dumps({"person": person.pk, "seen": now_seen}, salt=SEEN_COOKIE, compress=True),
            max_age=int(settings.FIELD_SESSION_MAX.total_seconds()),
            path=reverse("opsboard:me"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _next_step(last_step: int | None):
    value = (last_step or 0) + 1
    if value > TPSStatusStep.Step.TO_PPK:
        return None
    return TPSStatusStep.Step(value)


@field_officer_required
@require_POST
def checkin(request: HttpRequest) -> HttpResponse:
    person = request.user.personnel
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return refused(request, form_errors(form))
    tps = selectors.guard_tps_or_none(person, form.cleaned_data["tps"], at=clock.now())
    if tps is None:
        raise Http404(_("TPS ini bukan tempat tugas Anda."))
    data = form.cleaned_data
    try:
        record, created = services.checkin_record(
            person=person,
            tps=tps,
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy_m=data["accuracy_m"],
            idempotency_key=data["idempotency_key"],
        )
    except ValidationError as exc:
        return refused(request, {"__all__": exc.messages})
    return done(
        request,
        checkin_message(record),
        created=created,
        record_id=record.pk,
        anchor=f"#tps-{tps.pk}",
    )


def checkin_message(record) -> str:
    when = wib(record.at)
    if record.distance_m is None:
        return _(
            "Check-in %(when)s tercatat tanpa posisi (belum terverifikasi). Bila bisa, izinkan "
            "lokasi di ponsel dan check-in lagi."
        ) % {"when": when}
    if record.far:
        return _(
            "Check-in %(when)s tercatat, tetapi posisi Anda %(m)s m dari TPS (lebih dari %(far)s "
            "m): ditandai di dasbor."
        ) % {"when": when, "m": record.distance_m, "far": settings.FIELD_CHECKIN_FAR_METRES}
    return _("Check-in %(when)s tercatat: %(m)s m dari TPS.") % {
        "when": when,
        "m": record.distance_m,
    }


@field_officer_required
@require_http_methods(["GET", "POST"])
def tps_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The TPS's election-day timeline (GET) and a guard recording its next step (POST)."""
    person = request.user.personnel
    tps = selectors.guard_tps_or_none(person, pk, at=clock.now())
    if tps is None:
        raise Http404(_("TPS ini bukan tempat tugas Anda."))
    if request.method == "POST":
        form = StatusStepForm(request.POST)
        if not form.is_valid():
            return refused(request, form_errors(form))
        try:
            record, created = services.tps_status_step_record(
                person=person, tps=tps, step=form.cleaned_data["step"]
            )
        except ValidationError as exc:
            return refused(request, {"__all__": exc.messages})
        if created:
            message = _("%(step)s: tercatat %(when)s.") % {
                "step": record.get_step_display(),
                "when": wib(record.at),
            }
        else:
            message = _("%(step)s sudah dicatat %(when)s oleh %(who)s.") % {
                "step": record.get_step_display(),
                "when": wib(record.at),
                "who": record.person.name if record.person else _("petugas lain"),
            }
        return done(request, message, created=created, record_id=record.pk, anchor=f"#tps-{tps.pk}")
    return render(
        request,
        "field/tps_status.html",
        {"tps": tps, "timeline": selectors.tps_timeline(tps)},
    )


@csrf_exempt  # the size check must come before anything reads the body; see _report
@field_officer_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A situation report. A body too large for the photo limit is refused from its
    Content-Length before a byte of it is read; CSRF is checked right after that."""
    if request.method == "POST" and request_too_large(request.META.get("CONTENT_LENGTH")):
        # Reading nothing of the body leaves the connection unusable for a next request.
        request.close_connection = True
        return _report_too_large(request)
    return _report(request)


def _report_too_large(request: HttpRequest) -> HttpResponse:
    message = too_large_message()
    if wants_json(request):
        return JsonResponse({"errors": {"photo": [message]}}, status=413)
    person = request.user.personnel
    form = ReportForm(stations=selectors.guard_stations(person, at=clock.now()))
    return render(
        request,
        "field/report.html",
        {"form": form, "too_large": message, "photo_max_mb": _photo_max_mb()},
        status=413,
    )


def _photo_max_mb() -> int:
    return settings.FIELD_PHOTO_MAX_BYTES // (1024 * 1024)


@csrf_protect
def _report(request: HttpRequest) -> HttpResponse:
    person = request.user.personnel
    at = clock.now()
    stations = selectors.guard_stations(person, at=at)
    if request.method == "GET":
        return render(
            request,
            "field/report.html",
            {"form": ReportForm(stations=stations), "photo_max_mb": _photo_max_mb()},
        )
    requested = request.POST.get("tps") or ""
    if requested and requested not in {str(t.pk) for t in stations}:
        raise Http404(_("TPS ini bukan tempat tugas Anda."))
    form = ReportForm(request.POST, request.FILES, stations=stations)
    if not form.is_valid():
        if wants_json(request):
            return refused(request, form_errors(form))
        return render(
            request,
            "field/report.html",
            {"form": form, "photo_max_mb": _photo_max_mb()},
            status=422,
        )
    data = form.cleaned_data
    tps = next((t for t in stations if t.pk == data["tps"]), None)
    try:
        record, created = services.situation_report_create(
            person=person,
            kind=data["kind"],
            text=data["text"],
            urgent=data["urgent"],
            idempotency_key=data["idempotency_key"],
            tps=tps,
            photo=data.get("photo"),
        )
    except PhotoBusy as exc:
        # Nothing stored: the phone's queue keeps a 503 and sends it again (field.js).
        return _report_refused(request, form, {"photo": [str(exc)]}, status=503)
    except ValidationError as exc:
        errors = {"photo": exc.messages} if exc.code in ("too_large", "image") else {}
        if not errors:
            errors = {"__all__": exc.messages}
        return _report_refused(request, form, errors, status=422)
    message = _("Laporan %(kind)s terkirim %(when)s.") % {
        "kind": record.get_kind_display().lower(),
        "when": wib(record.at),
    }
    if not created:
        message = _("Laporan ini sudah diterima %(when)s; tidak disimpan dua kali.") % {
            "when": wib(record.at)
        }
    return done(request, message, created=created, record_id=record.pk, anchor="#lapor")


def _report_refused(request: HttpRequest, form, errors: dict[str, list[str]], *, status: int):
    if wants_json(request):
        return refused(request, errors, status=status)
    for name, lines in errors.items():
        for line in lines:
            form.add_error(None if name == "__all__" else name, line)
    return render(
        request,
        "field/report.html",
        {"form": form, "photo_max_mb": _photo_max_mb()},
        status=status,
    )


@field_officer_required
@require_POST
def instruction_ack(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.user.personnel
    kecamatan_ids, desa_ids = selectors.areas_of(person, at=clock.now())
    instruction = get_object_or_404(
        Instruction.objects.filter(withdrawn_at=None).filter(
            Q(kecamatan_id__in=kecamatan_ids) | Q(desa_id__in=desa_ids)
        ),
        pk=pk,
    )
    ack = services.instruction_acknowledge(instruction=instruction, person=person)
    return done(
        request, _("Instruksi diterima."), created=True, record_id=ack.pk, anchor="#instruksi"
    )


# Photos and the service worker


@require_GET
def report_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's photo, to whoever may read the report: never from a public media URL."""
    report = get_object_or_404(SituationReport.objects.visible_to(request.user), pk=pk)
    if not report.photo:
        raise Http404(_("Laporan ini tanpa foto."))
    try:
        handle = report.photo.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the photo folder, a purge cut short).
        raise Http404(_("Foto laporan ini tidak ada lagi.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    response["Content-Disposition"] = f'inline; filename="laporan-{report.pk}.jpg"'
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/field/sw.js from a URL under /me/, so that its scope covers /me/ (a worker's
    scope is the folder it is served from, and /static/ would not do)."""
    path = finders.find("field/sw.js")
    if path is None:  # collected static only (production without the source tree)
        from django.contrib.staticfiles.storage import staticfiles_storage

        path = staticfiles_storage.path("field/sw.js")
    with open(path, encoding="utf-8") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/me/"
    patch_cache_control(response, no_cache=True)
    return response
