"""The command's side of field reporting: the incident feed, check-ins per kecamatan and TPS
status for the dashboard (pages that are also htmx parts), instructions to the guards, the
printable assignment cards (the Posko operator's entries are in field/posko.py).

Who may do what (docs/field.md):
- incident feed, check-ins, TPS status, instructions: command staff, Polsek staff (their
  kecamatan), admins; marking a report handled too;
- assignment cards, revoking sign-in links and signing phones out: admins;
- Posko entry: admins, and command or Polsek staff given the permission
  ``field.record_via_posko`` ("operator Posko"), Polsek staff within their kecamatan.
A field officer gets 403 on all of them.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import log as audit
from core import clock
from core.access import DASHBOARD_ROLES, Role, access_of
from core.formats import iso
from core.http import HtmxHttpRequest, api_view
from field import selectors, services
from field.access import ADMIN_ROLES
from field.forms import (
    CardRunForm,
    InstructionForm,
    PersonForm,
)
from field.models import Instruction, SituationReport, TPSStatusStep
from field.public_url import public_url_problem
from field.qr import qr_svg
from field.turnout.selectors import turnout_by_area, turnout_day_by_area


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "field/forbidden.html", status=403)


def roles_required(roles: frozenset[Role]) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if access_of(request.user).role not in roles:
                return _forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


command_required = roles_required(DASHBOARD_ROLES)
admin_required = roles_required(ADMIN_ROLES)


# Dashboard parts: each URL is a page of its own and, for htmx, the part alone.

INCIDENTS = "field/incidents.html"
CHECKINS = "field/checkins.html"
TURNOUT = "field/turnout.html"


def _part(request: HtmxHttpRequest, template: str, part: str, context: dict) -> HttpResponse:
    name = template + "#" + part if request.htmx else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@command_required
@require_GET
def incidents(request: HtmxHttpRequest) -> HttpResponse:
    """Situation reports newest first, filtered by kind and open/handled."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SituationReport.Kind.values:
        # Plain text: the value comes back as sent, and must not be read as markup.
        return HttpResponse(
            _("Jenis laporan tidak dikenal: %s") % kind,
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    open_only = request.GET.get("open") == "1"
    reports = selectors.incident_feed(request.user, kind=kind, open_only=open_only)
    return _part(
        request,
        INCIDENTS,
        "incident-feed",
        {"reports": reports, "kind": kind, "open_only": open_only, "kinds": SituationReport.Kind},
    )


@command_required
@require_POST
def incident_handle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(SituationReport.objects.visible_to(request.user), pk=pk)
    report = services.situation_report_mark_handled(report=report, by=request.user)
    if request.htmx:
        report = (
            SituationReport.objects.select_related(
                "person", "tps__desa__kecamatan", "entered_by", "handled_by"
            )
            .defer("tps__desa__boundary", "tps__desa__kecamatan__boundary")
            .get(pk=report.pk)
        )
        return render(request, INCIDENTS + "#incident", {"report": report})
    messages.success(request, _("Laporan ditandai sudah ditangani."))
    return HttpResponseRedirect(_back_to(request, reverse("field:incidents")))


def _back_to(request: HttpRequest, fallback: str) -> str:
    """The page a form came from (its hidden "next"), when it is a page of this site; else
    `fallback`. Whatever else "next" says (another site, a view name, garbage) is ignored."""
    next_url = request.POST.get("next", "")
    on_site = next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if on_site else fallback


@command_required
@require_GET
def checkins(request: HtmxHttpRequest) -> HttpResponse:
    """Check-ins per kecamatan, and the latest ones far from their TPS or without a position."""
    return _part(request, CHECKINS, "field-checkins", selectors.checkins_by_kecamatan(request.user))


@command_required
@require_GET
def turnout(request: HtmxHttpRequest) -> HttpResponse:
    """Turnout per kecamatan: laporan petugas (latest per TPS), KPU beside it, the hourly counts
    over the day and the TPS still open or counting (issue #19)."""
    context = {
        "rows": turnout_by_area(user=request.user),
        "day": turnout_day_by_area(user=request.user),
    }
    return _part(request, TURNOUT, "field-turnout", context)


@api_view(*DASHBOARD_ROLES)
@require_GET
def tps_field_status(request: HttpRequest) -> JsonResponse:
    """GET /api/tps-field-status.json (docs/api-additions.md): TPS status steps and check-ins
    by TPS id, to colour the dashboard map's markers."""
    data = selectors.tps_field_status(request.user)
    phase = data["phase"]
    response = JsonResponse(
        {
            "clock": iso(clock.now()),
            "phase": phase.code if phase is not None else None,
            "steps": {
                str(value): {"code": TPSStatusStep.Step(value).name.lower(), "label": str(label)}
                for value, label in TPSStatusStep.Step.choices
            },
            "status": {
                tps_id: {"step": row["step"], "at": iso(row["at"])}
                for tps_id, row in data["status"].items()
            },
            "checkins": {
                tps_id: {
                    "guards": row["guards"],
                    "far": row["far"],
                    "unverified": row["unverified"],
                    "last": iso(row["last"]),
                }
                for tps_id, row in data["checkins"].items()
            },
            "incidents": {
                tps_id: {"open": row["open"], "severity": row["severity"]}
                for tps_id, row in data["incidents"].items()
            },
        }
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response


# Instructions


@command_required
@require_http_methods(["GET", "POST"])
def instructions(request: HttpRequest) -> HttpResponse:
    form = InstructionForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.instruction_create(
                    text=data["text"],
                    by=request.user,
                    kecamatan=data.get("kecamatan"),
                    desa=data.get("desa"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Instruksi dikirim ke petugas di wilayah itu."))
                return redirect("field:instructions")
        status = 422
    recent = _recent_instructions(request.user)
    return render(
        request,
        "field/instructions.html",
        {"form": form, "instructions": recent},
        status=status,
    )


def _recent_instructions(user) -> list[Instruction]:
    """The latest instructions in scope with how many guards acknowledged each. One query."""
    return list(
        Instruction.objects.visible_to(user)
        .select_related("kecamatan", "desa", "created_by")
        .defer("kecamatan__boundary", "desa__boundary")
        .annotate(ack_count=Count("acks"))
        .order_by("-created_at", "-pk")[:30]
    )


@command_required
@require_POST
def instruction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(Instruction.objects.visible_to(request.user), pk=pk)
    services.instruction_withdraw(instruction=instruction)
    messages.success(request, _("Instruksi ditarik; tidak lagi tampil di ponsel petugas."))
    return redirect("field:instructions")


# Assignment cards


def _cards_context(**forms) -> dict:
    return {
        "public_url_problem": public_url_problem(),
        "form": forms.get("form") or CardRunForm(),
        "revoke_form": forms.get("revoke_form") or PersonForm(prefix="revoke"),
        "signout_form": forms.get("signout_form") or PersonForm(prefix="signout"),
    }


@admin_required
@require_GET
def cards(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "field/cards.html",
        _cards_context(),
    )


@admin_required
@require_POST
@never_cache
def cards_print(request: HttpRequest) -> HttpResponse:
    """Issue a print run of cards (each with a new one-time link) and show them for printing.

    A POST, because it issues links and revokes the earlier unused ones; the page is the only
    place the new links exist (the database keeps their digests), so it is not cached.
    """
    if public_url_problem():
        # A loopback address on a card leads nowhere from a phone: issue nothing (the earlier
        # links stay usable) and say which setting to fix.
        return render(request, "field/cards.html", _cards_context(), status=409)
    form = CardRunForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "field/cards.html",
            _cards_context(form=form),
            status=422,
        )
    at = clock.now()
    data = form.cleaned_data
    people = list(
        selectors.card_run_people(kecamatan=data.get("kecamatan"), desa=data.get("desa"), at=at)
    )
    issued = services.signin_links_issue(people=people, by=request.user)
    cards = selectors.cards_for([p for p in people if p.pk in issued.tokens], at=at)
    for card in cards:
        card.url = services.signin_url(issued.tokens[card.person.pk])
        card.qr = qr_svg(card.url)
    run = data.get("kecamatan") or data.get("desa")
    # Each card says who printed it and when (a card found in the street tells whose run it
    # was); the audit log has the run.
    stamp = audit.export_stamp(request)
    audit.record_export(
        request,
        stamp,
        detail={
            "run": f"{run._meta.model_name}:{run.code}",
            "cards": len(cards),
            "refused": len(issued.refused),
        },
    )
    return render(
        request,
        "field/cards_print.html",
        {
            "cards": cards,
            "refused": issued.refused,
            "run": run,
            "is_polsek": bool(data.get("kecamatan")),
            "stamp": stamp,
        },
    )


@admin_required
@require_POST
def links_revoke(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST, prefix="revoke")
    if not form.is_valid():
        return render(
            request,
            "field/cards.html",
            _cards_context(revoke_form=form),
            status=422,
        )
    person = form.cleaned_data["person"]
    links, sessions = services.signin_links_revoke(person=person)
    messages.success(
        request,
        _("%(count)s tautan masuk %(name)s dicabut; %(sessions)s ponsel dikeluarkan.")
        % {"count": links, "name": person.name, "sessions": sessions},
    )
    return redirect("field:cards")


@admin_required
@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """ "Keluarkan ponsel": the person's phones are signed out, their card keeps working (a
    phone lost, or passed on, while the card is safe)."""
    form = PersonForm(request.POST, prefix="signout")
    if not form.is_valid():
        return render(request, "field/cards.html", _cards_context(signout_form=form), status=422)
    person = form.cleaned_data["person"]
    sessions = services.field_sessions_end(person=person)
    messages.success(
        request,
        _("%(sessions)s ponsel %(name)s dikeluarkan; tautan yang belum dipakai tetap berlaku.")
        % {"sessions": sessions, "name": person.name},
    )
    return redirect("field:cards")
