"""The what-if form (docs/what-if.md): who moves (the reserve, a BKO contingent, a unit, a list
of NRP), where
(a post, or TPS by their KPU codes) and for which window. Every refusal is Indonesian and by
field; the move itself is checked by deployments.services.what_if."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from deployments.models import Phase, Post, Unit
from deployments.services.what_if import (
    MAX_PEOPLE,
    Move,
    bko_contingent_at,
    bko_contingents,
    people_by_identifier,
    people_of_unit,
    reserve_at,
)
from tps.models import TPS

TPS_CODE = re.compile(r"^(\d{10})(\d{3})$")
_WHEN = {"invalid": _lazy("Tulis waktu seperti 2024-11-27 10:30.")}


class MoveForm(forms.Form):
    class Source:
        RESERVE = "cadangan"
        BKO = "bko"
        UNIT = "satuan"
        LIST = "nrp"

    source = forms.ChoiceField(
        label=_lazy("Siapa yang digerakkan"),
        choices=[
            (Source.RESERVE, _lazy("Cadangan yang bertugas pada waktu mulai")),
            (Source.BKO, _lazy("Satu kontingen BKO masuk (menurut Sprin-nya)")),
            (Source.UNIT, _lazy("Personel satu satuan")),
            (Source.LIST, _lazy("Daftar NRP / nomor register")),
        ],
        initial=Source.RESERVE,
    )
    bko_sprin = forms.ChoiceField(label=_lazy("Kontingen BKO"), required=False)
    unit = forms.ModelChoiceField(
        label=_lazy("Satuan"), queryset=Unit.objects.order_by("force", "name"), required=False
    )
    identifiers = forms.CharField(
        label=_lazy("NRP / nomor register"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Satu per baris, atau dipisah koma."),
    )
    post = forms.ModelChoiceField(
        label=_lazy("Ke pos / obyek"),
        queryset=Post.objects.order_by("kind", "name"),
        required=False,
    )
    tps_codes = forms.CharField(
        label=_lazy("Atau ke TPS (kode 13 angka)"),
        required=False,
        max_length=2_000,
        help_text=_lazy("Kode desa 10 angka dan nomor TPS 3 angka, dipisah koma."),
    )
    starts_at = forms.DateTimeField(
        label=_lazy("Mulai (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages=_WHEN,
    )
    ends_at = forms.DateTimeField(
        label=_lazy("Selesai (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages=_WHEN,
    )

    def __init__(self, *args, operation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.fields["bko_sprin"].choices = [("", "—"), *bko_contingents()]
        self.people = []
        self.phase = None
        self.tps = []

    def clean_tps_codes(self) -> str:
        raw = [c.strip() for c in re.split(r"[\s,;]+", self.cleaned_data["tps_codes"]) if c.strip()]
        codes = list(dict.fromkeys(raw))
        wrong = [c for c in codes if not TPS_CODE.match(c)]
        if wrong:
            raise ValidationError(_("Kode TPS tidak sah: %s.") % ", ".join(wrong[:5]))
        found = []
        for code in codes:
            desa, number = TPS_CODE.match(code).groups()
            found.append((desa, int(number), code))
        stations = {
            (t.desa.code, t.number): t
            for t in TPS.objects.filter(
                desa__code__in={d for d, _n, _c in found}, number__in={n for _d, n, _c in found}
            )
            .select_related("desa")
            .defer("desa__boundary")
        }
        missing = [c for d, n, c in found if (d, n) not in stations]
        if missing:
            raise ValidationError(_("TPS tidak dikenal: %s.") % ", ".join(missing[:5]))
        self.tps = [stations[(d, n)] for d, n, _c in found]
        return self.cleaned_data["tps_codes"]

    def clean(self):
        data = super().clean()
        post, starts_at, ends_at = data.get("post"), data.get("starts_at"), data.get("ends_at")
        if post is not None and self.tps:
            self.add_error("tps_codes", _("Pilih pos atau TPS, tidak keduanya."))
        elif post is None and not self.tps and "tps_codes" not in self.errors:
            self.add_error("post", _("Pilih pos tujuan atau tulis kode TPS tujuan."))
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", _("Selesai harus sesudah mulai."))
            else:
                self.phase = self._phase(starts_at, ends_at)
        if "source" in data and starts_at:
            self._people(data, starts_at)
        return data

    def _phase(self, starts_at, ends_at) -> Phase | None:
        phase = (
            Phase.objects.filter(
                operation=self.operation, starts_at__lte=starts_at, ends_at__gte=ends_at
            )
            .order_by("starts_at")
            .first()
        )
        if phase is None:
            self.add_error("starts_at", _("Waktu itu tidak berada di dalam satu tahapan operasi."))
        return phase

    def _people(self, data, starts_at) -> None:
        source = data["source"]
        if source == self.Source.RESERVE:
            self.people = reserve_at(starts_at)
        elif source == self.Source.BKO:
            if not data.get("bko_sprin"):
                self.add_error("bko_sprin", _("Pilih kontingen BKO-nya."))
                return
            self.people = bko_contingent_at(data["bko_sprin"], starts_at)
        elif source == self.Source.UNIT:
            if data.get("unit") is None:
                self.add_error("unit", _("Pilih satuannya."))
                return
            self.people = people_of_unit(data["unit"].pk)
        else:
            raw = re.split(r"[\s,;]+", data.get("identifiers", ""))
            self.people, missing = people_by_identifier(raw)
            if missing:
                self.add_error(
                    "identifiers",
                    _("Tidak dikenal atau tidak aktif: %s.") % ", ".join(missing[:10]),
                )
                return
        if not self.people:
            self.add_error("source", _("Tidak ada personel yang dapat digerakkan dari sumber itu."))
        elif len(self.people) > MAX_PEOPLE:
            self.add_error(
                "source",
                _("Lebih dari %(n)s personel sekaligus: pecah menjadi beberapa gerakan.")
                % {"n": MAX_PEOPLE},
            )

    def move(self) -> Move:
        return Move(
            people=self.people,
            phase=self.phase,
            starts_at=self.cleaned_data["starts_at"],
            ends_at=self.cleaned_data["ends_at"],
            post=self.cleaned_data.get("post"),
            tps=self.tps,
        )
