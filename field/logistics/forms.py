"""The Posko's forms on a batch's page: departure, arrival, handover of one leg.

Each form reads and bounds its input; the services decide whether the step is allowed now (and
say why not), so a refusal reads the same from the page, a resend or a test."""

from django import forms
from django.utils.translation import gettext_lazy as _

from field.logistics.services import NAME_MAX, ROLE_MAX

COUNT_MAX = 10_000_000
NOT_NEGATIVE = _("Jumlah tidak boleh negatif.")
TOO_LARGE = _("Jumlah terlalu besar.")


def _count(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=COUNT_MAX,
        error_messages={
            "min_value": NOT_NEGATIVE,
            "max_value": TOO_LARGE,
            "required": _("Isi jumlahnya."),
            "invalid": _("Tulis jumlah sebagai bilangan bulat."),
        },
    )


class LegStepForm(forms.Form):
    leg = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    at = forms.DateTimeField(
        label=_("Waktu (WIB)"),
        required=False,
        help_text=_("Kosong: jam operasi sekarang."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": _("Tulis waktu seperti 2024-11-27 10:30.")},
    )


class DepartForm(LegStepForm):
    boxes = _count(_("Kotak suara diberangkatkan"))
    ballots = _count(_("Surat suara diberangkatkan"))


class ArriveForm(LegStepForm):
    pass


class HandoverForm(LegStepForm):
    boxes = _count(_("Kotak suara diterima"))
    ballots = _count(_("Surat suara diterima"))
    name = forms.CharField(
        label=_("Nama penerima"),
        max_length=NAME_MAX,
        error_messages={"required": _("Nama penerima wajib diisi.")},
    )
    role = forms.CharField(label=_("Jabatan penerima"), max_length=ROLE_MAX, required=False)


FORMS = {"depart": DepartForm, "arrive": ArriveForm, "handover": HandoverForm}
