"""The read API's filters (API.md): parse the query string and refuse what is unknown.

Every bad value answers 400 with ``{"errors": {field: [message]}}``, never a 500. A code outside
the user's scope gets the same "tidak dikenal" as a code that does not exist, so the answer
never reveals what exists in another kecamatan. Empty values (``?kecamatan=``) mean "no filter";
parameters the API does not know are ignored.
"""

import math
from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deployments.models import Force, Operation, Phase, Unit
from deployments.selectors import default_phase
from opsboard import selectors
from tps.models import Desa, KabKota, Kecamatan, Kerawanan

COVERAGE_STATUSES = ("covered", "short", "unguarded", "uncovered")
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200


class APIFilterForm(forms.Form):
    """Bound to ``request.GET`` and to the user whose scope limits the codes they may name."""

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        self.user = user

    def error_body(self) -> dict[str, dict[str, list[str]]]:
        return {
            "errors": {
                field: [error["message"] for error in errors]
                for field, errors in self.errors.get_json_data().items()
            }
        }


def _code_field(message: str) -> forms.ModelChoiceField:
    # The queryset is set per request in __init__, from the user's scope.
    return forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": message},
    )


class TPSFilterForm(APIFilterForm):
    """Filters of ``/api/tps.geojson``. ``cleaned_data["phase"]`` is always resolved."""

    kabkota = _code_field(_("Kode kabupaten/kota tidak dikenal: %(value)s"))
    kecamatan = _code_field(_("Kode kecamatan tidak dikenal: %(value)s"))
    desa = _code_field(_("Kode desa/kelurahan tidak dikenal: %(value)s"))
    kerawanan = forms.ChoiceField(
        choices=Kerawanan.choices,
        required=False,
        error_messages={"invalid_choice": _("Kelas kerawanan tidak dikenal: %(value)s")},
    )
    status = forms.ChoiceField(
        choices=[(status, status) for status in COVERAGE_STATUSES],
        required=False,
        error_messages={"invalid_choice": _("Status cakupan tidak dikenal: %(value)s")},
    )
    phase = forms.CharField(required=False)
    bbox = forms.CharField(required=False)
    fields = forms.ChoiceField(
        choices=[("map", "map")],
        required=False,
        error_messages={"invalid_choice": _("Nilai fields tidak dikenal: %(value)s (gunakan map)")},
    )

    def __init__(self, data, *, user, operation: Operation | None, at: datetime) -> None:
        super().__init__(data, user=user)
        self.operation = operation
        self.at = at
        # The operation's phases come from the prefetch cache: no query per lookup.
        self.phases = {phase.code: phase for phase in operation.phases.all()} if operation else {}
        kecamatan = Kecamatan.objects.visible_to(user)
        # Boundaries are large GeoJSON documents that a filter never needs.
        self.fields["kecamatan"].queryset = kecamatan.defer("boundary")
        self.fields["kabkota"].queryset = KabKota.objects.filter(kecamatan__in=kecamatan).distinct()
        self.fields["desa"].queryset = Desa.objects.visible_to(user).defer("boundary")

    def clean_phase(self) -> Phase | None:
        code = self.cleaned_data["phase"]
        if not code:
            return None
        if code not in self.phases:
            raise ValidationError(gettext("Tahapan tidak dikenal: %(value)s") % {"value": code})
        return self.phases[code]

    def clean_bbox(self) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
        raw = self.cleaned_data["bbox"]
        if not raw:
            return None
        return parse_bbox(raw)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "phase" in cleaned and cleaned["phase"] is None:
            cleaned["phase"] = default_phase(self.operation, self.at)
        cleaned["snapshot"] = selectors.coverage_snapshot(cleaned.get("phase"))
        if cleaned.get("status") and cleaned["snapshot"] is None:
            self.add_error("status", gettext("Status cakupan belum dihitung."))
        return cleaned


def parse_bbox(raw: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """``min_lng,min_lat,max_lng,max_lat`` in degrees (WGS84), as Leaflet's toBBoxString gives."""
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ValidationError(
            gettext(
                "bbox harus berupa empat angka: min_lng,min_lat,max_lng,max_lat (diterima: %s)."
            )
            % raw
        )
    min_lng, min_lat, max_lng, max_lat = numbers
    if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
        raise ValidationError(gettext("Bujur bbox harus antara -180 dan 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise ValidationError(gettext("Lintang bbox harus antara -90 dan 90."))
    if not (min_lng < max_lng and min_lat < max_lat):
        raise ValidationError(gettext("Nilai minimum bbox harus lebih kecil daripada maksimumnya."))
    # Decimals, because the coordinates are DecimalFields: SQLite compares them exactly then.
    return tuple(Decimal(part.strip()) for part in parts)  # type: ignore[return-value]


class PersonnelFilterForm(APIFilterForm):
    """Filters and paging of ``/api/personnel.json``."""

    force = forms.ChoiceField(
        choices=Force.choices,
        required=False,
        error_messages={"invalid_choice": _("Matra tidak dikenal: %(value)s")},
    )
    unit = _code_field(_("Kode satuan tidak dikenal: %(value)s"))
    desa = _code_field(_("Kode desa/kelurahan tidak dikenal: %(value)s"))
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("Nomor halaman harus bilangan bulat positif."),
            "min_value": _("Nomor halaman harus bilangan bulat positif."),
        },
    )
    page_size = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=PAGE_SIZE_MAX,
        error_messages={
            "invalid": _("Ukuran halaman harus bilangan bulat 1 sampai 200."),
            "min_value": _("Ukuran halaman harus bilangan bulat 1 sampai 200."),
            "max_value": _("Ukuran halaman harus bilangan bulat 1 sampai 200."),
        },
    )

    def __init__(self, data, *, user) -> None:
        super().__init__(data, user=user)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        self.fields["desa"].queryset = Desa.objects.visible_to(user).defer("boundary")

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean_page_size(self) -> int:
        return self.cleaned_data["page_size"] or PAGE_SIZE_DEFAULT
