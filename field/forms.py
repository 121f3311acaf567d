"""Forms of field reporting: what a phone (or a Posko operator) may send, with Indonesian
messages. Each keeps to parsing; the services decide."""

import uuid

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from deployments.models import Force, Personnel
from field.models import SituationReport, TPSStatusStep
from field.selectors.posko import identifier_key
from tps.models import Desa, Kecamatan

ACCURACY_MAX_METRES = 1_000_000


def new_key() -> str:
    return str(uuid.uuid4())


class CheckInForm(forms.Form):
    tps = forms.IntegerField(widget=forms.HiddenInput)
    latitude = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        required=False,
        max_digits=10,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        widget=forms.HiddenInput,
    )
    # A phone's fix is good to metres, a cell tower's to kilometres; past this bound the value
    # is not a measurement, and it would not fit the database's integer column either.
    accuracy = forms.FloatField(
        required=False,
        min_value=0,
        max_value=ACCURACY_MAX_METRES,
        widget=forms.HiddenInput,
        error_messages={"max_value": _("Akurasi posisi tidak masuk akal; coba lagi.")},
    )
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        # The phone rounds to whatever it likes; the database keeps six decimals (≈ 11 cm).
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = round(data[name], 6)
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Posisi tidak lengkap; coba lagi."))
        accuracy = data.get("accuracy")
        data["accuracy_m"] = round(accuracy) if accuracy is not None else None
        return data


class PanicForm(CheckInForm):
    """The panic button's press: the phone's position if it had one, the key of the press,
    and whether the officer confirmed (the countdown of field.js, or the page without JS)."""

    tps = None
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Kunci kiriman tidak ada; muat ulang halaman."),
            "invalid": _("Kunci kiriman tidak sah; muat ulang halaman."),
        },
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class StatusStepForm(forms.Form):
    step = forms.TypedChoiceField(choices=TPSStatusStep.Step.choices, coerce=int)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Situasi"),
        choices=SituationReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih situasinya: aman, gangguan, hoaks atau lainnya.")},
    )
    text = forms.CharField(
        label=_("Keterangan singkat"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(label=_("Mendesak: perlu tindakan segera"), required=False)
    photo = forms.FileField(
        label=_("Foto (tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    tps = forms.TypedChoiceField(label=_("TPS"), required=False, coerce=int, empty_value=None)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tps"].choices = [(t.pk, str(t)) for t in stations]
        if len(stations) <= 1:
            self.fields["tps"].widget = forms.HiddenInput()
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())
            if stations:
                self.initial.setdefault("tps", stations[0].pk)

    def clean(self):
        data = super().clean()
        if (
            data.get("kind")
            and data["kind"] != SituationReport.Kind.AMAN
            and not (data.get("text") or "").strip()
        ):
            self.add_error("text", _("Tuliskan singkat apa yang terjadi."))
        return data


class InstructionForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), required=False
    )
    desa = forms.ModelChoiceField(
        label=_("atau desa/kelurahan"), queryset=Desa.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Instruksi"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.visible_to(user).defer("boundary")
        self.fields["desa"].queryset = (
            Desa.objects.visible_to(user).defer("boundary").order_by("kecamatan__code", "name")
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("kecamatan")) == bool(data.get("desa")):
            raise forms.ValidationError(_("Pilih satu wilayah: kecamatan atau desa/kelurahan."))
        return data


class DesaSelect(forms.Select):
    """Desa options that name their kecamatan, so that the cards page's script can list only
    the desa of the Polsek chosen first (the form still works, and checks, without it)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        desa = getattr(value, "instance", None)
        if desa is not None:
            option["attrs"]["data-kecamatan"] = str(desa.kecamatan_id)
        return option


class CardRunForm(forms.Form):
    """One run of cards: a Polsek, or one desa/kelurahan of it. The officer picks the Polsek
    first and then, to print less, one of its desa."""

    kecamatan = forms.ModelChoiceField(
        label=_("Polsek (kecamatan)"),
        queryset=Kecamatan.objects.defer("boundary"),
        required=False,
        empty_label=_("— pilih —"),
    )
    desa = forms.ModelChoiceField(
        label=_("lalu desa/kelurahan (kosong: seluruh Polsek)"),
        queryset=Desa.objects.defer("boundary")
        .select_related("kecamatan")
        .order_by("kecamatan__code", "name"),
        required=False,
        empty_label=_("— seluruh Polsek —"),
        widget=DesaSelect,
    )

    def clean(self):
        data = super().clean()
        kecamatan, desa = data.get("kecamatan"), data.get("desa")
        if self.errors:
            return data
        if kecamatan is None and desa is None:
            raise forms.ValidationError(
                _("Pilih Polsek (kecamatan), lalu bila perlu satu desa/kelurahan di dalamnya.")
            )
        if kecamatan is not None and desa is not None:
            if desa.kecamatan_id != kecamatan.pk:
                raise forms.ValidationError(
                    _("Desa/kelurahan %(desa)s tidak termasuk Polsek %(kecamatan)s.")
                    % {"desa": desa.name, "kecamatan": kecamatan.name}
                )
            # A desa narrows the Polsek's run to that desa.
            data["kecamatan"] = None
        return data


class PersonForm(forms.Form):
    """Find one person by identifier (NRP or Satlinmas register number), within a scope."""

    identifier = forms.CharField(label=_("NRP / No. registrasi"), max_length=32)
    force = forms.ChoiceField(
        label=_("Matra"), choices=[("", _("— semua —")), *Force.choices], required=False
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people if people is not None else Personnel.objects.all()

    def clean(self):
        data = super().clean()
        identifier = " ".join((data.get("identifier") or "").split())
        if not identifier_key(identifier):
            return data
        # Spaces, dots and dashes do not count, on either side: "LM 3571011001 01" is found.
        matches = self.people.filter(identifier_key=identifier_key(identifier), active=True)
        if data.get("force"):
            matches = matches.filter(force=data["force"])
        found = list(matches[:2])
        if not found:
            raise forms.ValidationError(
                _("Tidak ada personel aktif dengan nomor %(id)s.") % {"id": identifier}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Nomor %(id)s dipakai lebih dari satu matra; pilih matranya.")
                % {"id": identifier}
            )
        data["person"] = found[0]
        return data


class PoskoFindForm(forms.Form):
    """The Posko's search: whoever phoned in, by whatever they gave (field.selectors.posko)."""

    q = forms.CharField(
        label=_("Nama, NRP / No. registrasi, telepon atau TPS"),
        max_length=100,
        help_text=_("Contoh: Anang, 8506 1234, 0812 3456 7890, TPS 006 Bandar Lor."),
    )
    force = forms.ChoiceField(
        label=_("Matra"), choices=[("", _("— semua —")), *Force.choices], required=False
    )

    def __init__(self, data=None, **kwargs):
        # Links of before (…?identifier=…) still find the person.
        if data is not None and "q" not in data and "identifier" in data:
            data = data.copy()
            data["q"] = data["identifier"]
        super().__init__(data, **kwargs)


class PoskoCheckInForm(forms.Form):
    tps = forms.TypedChoiceField(label=_("TPS"), coerce=int)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tps"].choices = [(t.pk, str(t)) for t in stations]


class PoskoStatusForm(PoskoCheckInForm):
    step = forms.TypedChoiceField(label=_("Tahap"), choices=TPSStatusStep.Step.choices, coerce=int)


class PoskoReportForm(ReportForm):
    photo = None  # a report phoned or radioed in comes without a photo


class DispatchStepForm(forms.Form):
    """Berangkat, Tiba or Selesai from the responder's dispatch card on /me/; the service
    decides whether the step may be recorded (and that Selesai says what was done)."""

    step = forms.ChoiceField(
        choices=[("berangkat", _("Berangkat")), ("tiba", _("Tiba")), ("selesai", _("Selesai"))],
        error_messages={"invalid_choice": _("Langkah tidak dikenal.")},
    )
    note = forms.CharField(required=False, max_length=2000, strip=True)
    idempotency_key = forms.UUIDField(
        error_messages={
            "required": _("Kunci kiriman tidak ada; muat ulang halaman."),
            "invalid": _("Kunci kiriman tidak sah; muat ulang halaman."),
        }
    )
