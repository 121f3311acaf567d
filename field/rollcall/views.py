"""The roll call's pages (docs/rollcall.md): the commander's on the phone (/me/apel/), the
Posko's (/posko/apel/) and the dashboard's strength present (/lapangan/apel/).

Writes are plain form POSTs answered with a redirect and a message (slow networks, no
JavaScript needed); a refusal is the problem page with the service's Indonesian message and
its 4xx status, and writes nothing.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.http import HtmxHttpRequest, field_officer_required
from deployments.models import Assignment, Post, Shift
from field.access import is_posko_operator
from field.answers import refused
from field.command import _part, command_required
from field.posko import posko_operator_required
from field.rollcall.models import RollCallStatus
from field.rollcall.panel import strength_present
from field.rollcall.selectors import commander_sheets, posko_sheet
from field.rollcall.services import RollCallRefused, record_roll_call
from tps.models import Kecamatan

PHONE = "field/rollcall.html"
POSKO = "field/rollcall_posko.html"
PANEL = "field/rollcall_panel.html"

_SAVED = {
    RollCallStatus.PRESENT: _("%(person)s: hadir."),
    RollCallStatus.ABSENT: _("%(person)s: tidak hadir."),
    RollCallStatus.LATE: _("%(person)s: terlambat %(minutes)s menit."),
}


def _record(request: HttpRequest, duty: Assignment, back: str) -> HttpResponse:
    raw = (request.POST.get("late_minutes") or "").strip()
    status = request.POST.get("status", "")
    minutes = None
    if status == RollCallStatus.LATE and raw:
        if not raw.isdigit():
            return refused(request, {"late_minutes": [_("Menit terlambat harus berupa angka.")]})
        minutes = int(raw)
    try:
        entry = record_roll_call(
            recorder=request.user, duty=duty, status=status, late_minutes=minutes
        )
    except RollCallRefused as refusal:
        return refused(request, {"status": [refusal.message]}, status=refusal.status)
    messages.success(
        request,
        _SAVED[entry.status] % {"person": duty.personnel.name, "minutes": entry.late_minutes},
    )
    return redirect(f"{back}#apel-{duty.pk}")


# The commander's phone


@require_GET
@field_officer_required
def roll_call(request: HttpRequest) -> HttpResponse:
    """The apels the officer commands now, one row per person with three buttons."""
    person = request.user.personnel
    at = clock.now()
    response = render(request, PHONE, {"sheets": commander_sheets(person, at=at), "at": at})
    patch_cache_control(response, private=True, no_cache=True)
    return response


@field_officer_required
@require_POST
def roll_call_record(request: HttpRequest, pk: int) -> HttpResponse:
    duty = Assignment.objects.select_related("personnel").filter(pk=pk).first()
    if duty is None:
        raise Http404(_("Penugasan tidak ditemukan."))
    return _record(request, duty, reverse("field:roll_call"))


# The Posko


def _posko_duties(request: HttpRequest):
    """The duties the Posko asked for, in its scope: a post (and shift), or the Pam TPS duties
    of a kecamatan; None when the query names neither."""
    scope = Assignment.objects.filter(
        pk__in=Assignment.objects.visible_to(request.user).values("pk")
    )
    if request.GET.get("post", "").isdigit():
        post = get_object_or_404(Post, pk=int(request.GET["post"]))
        duties = scope.filter(post=post)
        label = post.name
        if request.GET.get("shift", "").isdigit():
            shift = get_object_or_404(Shift, pk=int(request.GET["shift"]), post=post)
            shift.post = post  # its label names the post, read already
            duties, label = duties.filter(shift=shift), str(shift)
        return duties, label
    if request.GET.get("kecamatan", "").isdigit():
        kecamatan = get_object_or_404(Kecamatan, pk=int(request.GET["kecamatan"]))
        duties = scope.guarding().filter(
            pk__in=Assignment.tps.through.objects.filter(tps__desa__kecamatan=kecamatan).values(
                "assignment_id"
            )
        )
        return duties, _("Pam TPS Kec. %(name)s") % {"name": kecamatan.name}
    return None


@posko_operator_required
@require_GET
def posko_roll_call(request: HttpRequest) -> HttpResponse:
    """Without a post or kecamatan: the strength present, each row linking to its sheet."""
    at = clock.now()
    chosen = _posko_duties(request)
    context = {"at": at, "query": request.GET.urlencode()}
    if chosen is None:
        context["strength"] = strength_present(request.user, at=at)
        context["posko"] = True
    else:
        duties, label = chosen
        context["sheet"] = posko_sheet(duties, at=at, label=label)
    return render(request, POSKO, context)


@posko_operator_required
@require_POST
def posko_roll_call_record(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(
        Assignment.objects.select_related("personnel").filter(
            pk__in=Assignment.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    back = reverse("field:posko_roll_call")
    query = request.POST.get("query", "")
    if query and all(c.isalnum() or c in "=&" for c in query):
        back += "?" + query
    return _record(request, duty, back)


# The dashboard


@command_required
@require_GET
def roll_call_panel(request: HtmxHttpRequest) -> HttpResponse:
    """Kekuatan hadir: a page, and for htmx the dashboard's lazy part."""
    at = clock.now()
    context = {
        "s": strength_present(request.user, at=at),
        "posko": is_posko_operator(request.user),
    }
    return _part(request, PANEL, "roll-call", context)
