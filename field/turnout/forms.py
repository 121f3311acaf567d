"""Forms of turnout (issue #19): a closing figure or an hourly count, from a phone or the Posko.
Parsing only; the services check the bound and who may."""

from django import forms
from django.utils.translation import gettext_lazy as _

from field.forms import new_key
from field.turnout.models import COUNT_HOURS


def hour_choices(*, closing: bool = True, until: int = 13) -> list[tuple[str, str]]:
    """ "" is the closing figure; 7…13 an hourly count of voters so far."""
    hours = [(str(h), f"{h:02d}.00 WIB") for h in COUNT_HOURS if h <= until]
    return [("", _("Penutupan (akhir)"))] * closing + hours


class TurnoutForm(forms.Form):
    hour = forms.TypedChoiceField(
        label=_("Waktu"), required=False, coerce=int, empty_value=None, choices=hour_choices()
    )
    voters = forms.IntegerField(
        label=_("Pengguna hak pilih"),
        error_messages={
            "required": _("Isi jumlah pengguna hak pilih."),
            "invalid": _("Jumlah pengguna hak pilih harus bilangan bulat."),
        },
    )
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Kunci kiriman tidak ada; muat ulang halaman.")},
    )


class PoskoTurnoutForm(TurnoutForm):
    tps = forms.TypedChoiceField(label=_("TPS"), coerce=int)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tps"].choices = [(t.pk, str(t)) for t in stations]
        self.order_fields(["tps", "hour", "voters", "idempotency_key"])
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())


class KpuImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        help_text=_("Kolom: Kode Desa, No. TPS, Pengguna Hak Pilih (data resmi KPU)."),
        error_messages={"required": _("Pilih berkasnya.")},
    )
