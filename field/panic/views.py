"""The panic button's press on /me/ (docs/incidents.md, "Panic"); the command's alarm is
field.incidents.views.panic_alarm."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.formats import wib_time as wib
from core.http import field_officer_required
from field.answers import done, form_errors, refused
from field.forms import PanicForm, new_key
from field.panic.services import panic_raise


@field_officer_required
@require_http_methods(["GET", "POST"])
def panic(request: HttpRequest) -> HttpResponse:
    """The panic button, for the signed-in officer only (no person is read from the request).
    A GET, or a POST not yet confirmed (the button without JavaScript), shows the confirm step;
    a confirmed POST (field.js after its countdown, or the confirm step) raises the panic."""
    form = PanicForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or (form.is_valid() and not form.cleaned_data["confirm"]):
        return render(request, "field/panic_confirm.html", {"panic_key": new_key()})
    if not form.is_valid():
        return refused(request, form_errors(form))
    data = form.cleaned_data
    try:
        result = panic_raise(
            person=request.user.personnel,
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy=data["accuracy_m"],
            idempotency_key=data["idempotency_key"],
        )
    except ValidationError as exc:
        return refused(request, {"__all__": exc.messages})
    return done(
        request,
        panic_message(result),
        created=result.opened,
        record_id=result.incident.pk,
        anchor="#darurat",
    )


def panic_message(result) -> str:
    when = wib(result.signal.at)
    if result.repeated:
        text = _("Tanda darurat ini sudah diterima %(when)s (%(number)s).")
    elif result.opened:
        text = _(
            "Tanda darurat terkirim %(when)s (%(number)s): komando, tim dan cadangan terdekat "
            "diberi tahu. Cari tempat aman."
        )
    else:
        text = _("Tanda darurat diperbarui %(when)s (%(number)s): komando sudah diberi tahu.")
    text %= {"when": when, "number": result.incident.number}
    if result.signal.latitude is None:
        text += " " + _("Tanpa posisi ponsel: sebutkan lokasi Anda bila ditelepon.")
    return text
