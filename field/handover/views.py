"""One small page per shift the officer holds: /me/regu/<shift>/serah-terima/. Another
officer's shift is a 404 (the shift is looked up among the officer's own duties)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import clock
from core.http import field_officer_required
from deployments.models import Assignment, HandoverNote
from deployments.services.handover import handover_acknowledge, handover_write, next_shift
from field.answers import refused

PAGE = "field/handover.html"


def _my_shift(person, pk: int):
    duty = (
        Assignment.objects.not_cancelled()
        .filter(personnel=person, shift_id=pk)
        .select_related("shift__post")
        .first()
    )
    if duty is None:
        raise Http404
    return duty.shift


@field_officer_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.user.personnel
    shift = _my_shift(person, pk)
    at = clock.now()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "ack":
                note = (
                    HandoverNote.objects.filter(to_shift=shift).select_related("to_shift").first()
                )
                if note is None:
                    raise ValidationError(_("Belum ada catatan untuk regu ini."))
                handover_acknowledge(note=note, by=person, at=at)
                messages.success(request, _("Catatan serah terima diterima."))
            else:
                handover_write(shift=shift, text=request.POST.get("text", ""), by=person, at=at)
                messages.success(request, _("Catatan serah terima disimpan."))
        except ValidationError as exc:
            return refused(request, {"__all__": exc.messages})
        return redirect(reverse("field:handover", kwargs={"pk": shift.pk}))
    context = {
        "shift": shift,
        "outgoing": HandoverNote.objects.filter(from_shift=shift).first(),
        "incoming": HandoverNote.objects.filter(to_shift=shift)
        .select_related("written_by", "from_shift")
        .first(),
        "next_shift": next_shift(shift),
    }
    return render(request, PAGE, context)
