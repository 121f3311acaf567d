"""The command's logistics pages: the dashboard's panel (a page and its htmx part), one batch's
page where the Posko records departure, arrival and handover, and its printable custody record.

Who (docs/logistics.md): command staff and admins every batch; Polsek staff their kecamatan's
(another's is a 404); field officers 403, as on every command page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import log as audit
from core.http import HtmxHttpRequest
from field import command
from field.logistics import selectors, services
from field.logistics.forms import FORMS
from field.logistics.models import LogisticsBatch

PANEL = "field/logistics.html"
BATCH = "field/logistics_batch.html"
RECORD = "field/logistics_print.html"


def _batch(request, pk: int) -> LogisticsBatch:
    try:
        return selectors.batch_for_page(request.user, pk)
    except LogisticsBatch.DoesNotExist:
        raise Http404(_("Kloter logistik tidak ditemukan.")) from None


@command.command_required
@require_GET
def logistics(request: HtmxHttpRequest) -> HttpResponse:
    """Batches per kecamatan with the state of their legs and their flags."""
    template = PANEL + "#field-logistics" if request.htmx else PANEL
    response = render(request, template, {"rows": selectors.logistics_panel(request.user)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request, batch, *, failed=None, failed_leg=None, status=200) -> HttpResponse:
    return render(
        request,
        BATCH,
        {"batch": batch, "failed": failed, "failed_leg": failed_leg},
        status=status,
    )


@command.command_required
@require_GET
def batch_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _batch(request, pk))


@command.command_required
@require_POST
def batch_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One step of one leg: ``action`` depart, arrive or handover, with its fields."""
    batch = _batch(request, pk)
    form_class = FORMS.get(request.POST.get("action", ""))
    if form_class is None:
        return HttpResponse(
            _("Langkah tidak dikenal: pilih berangkat, tiba atau serah terima."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, batch, failed=form, status=422)
    data = form.cleaned_data
    leg = next((leg for leg in batch.legs.all() if leg.pk == data["leg"]), None)
    if leg is None:
        raise Http404(_("Perjalanan ini bukan bagian dari kloter ini."))
    action = request.POST["action"]
    try:
        if action == "depart":
            services.leg_depart(
                leg=leg,
                by=request.user,
                boxes=data["boxes"],
                ballots=data["ballots"],
                at=data["at"],
            )
            done = _("Keberangkatan dicatat.")
        elif action == "arrive":
            services.leg_arrive(leg=leg, by=request.user, at=data["at"])
            done = _("Kedatangan dicatat.")
        else:
            services.leg_handover(
                leg=leg,
                by=request.user,
                boxes=data["boxes"],
                ballots=data["ballots"],
                name=data["name"],
                role=data["role"],
                at=data["at"],
            )
            done = _("Serah terima dicatat.")
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, batch, failed=form, failed_leg=leg.pk, status=422)
    messages.success(request, done)
    return redirect("field:logistics_batch", pk=batch.pk)


@command.command_required
@require_GET
def batch_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The custody record to print (A4) for the PPK and Bawaslu: a line in the audit log, and a
    foot saying who printed it and when."""
    batch = _batch(request, pk)
    stamp = audit.export_stamp(request)
    audit.record_export(request, stamp, detail={"logistics_batch": batch.pk, "code": batch.code})
    context = {"batch": batch, "duties": selectors.escort_duties(batch), "stamp": stamp}
    # An official record is Indonesian whatever language the reader's screen is set to.
    with translation.override("id"):
        return render(request, RECORD, context)
