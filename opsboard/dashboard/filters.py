"""The dashboard's filters, as the URL carries them (?kecamatan=357101&sort=kekurangan)."""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from core.access import Access
from deployments.models import CoverageStatus, Operation, Phase
from deployments.selectors import default_phase
from opsboard.forms import TPSFilterForm
from tps.models import Desa

MEASURES = ("required", "assigned", "fulfilled")
UNCOVERED = (CoverageStatus.SHORT, CoverageStatus.UNGUARDED)
STATUS_LABELS = {
    "covered": _("Terpenuhi"),
    "short": _("Kurang"),
    "unguarded": _("Tanpa penjaga"),
    "uncovered": _("Belum terpenuhi"),
}
# Gap table orders: the key is what the URL carries (?sort=kekurangan), "-" for descending.
GAP_SORTS: dict[str, tuple[str, ...]] = {
    "wilayah": ("desa__kecamatan__code", "desa__code", "tps__number"),
    "-wilayah": ("-desa__kecamatan__code", "-desa__code", "-tps__number"),
    "kekurangan": ("-lack", "desa__code", "tps__number"),
    "-kekurangan": ("lack", "desa__code", "tps__number"),
    "kerawanan": ("-severity", "-lack", "desa__code", "tps__number"),
    "-kerawanan": ("severity", "-lack", "desa__code", "tps__number"),
    "status": ("-status", "-lack", "desa__code", "tps__number"),  # unguarded first
    "-status": ("status", "-lack", "desa__code", "tps__number"),
    "pemilih": ("-tps__registered_voters", "desa__code", "tps__number"),
    "-pemilih": ("tps__registered_voters", "desa__code", "tps__number"),
}
GAP_SORT_DEFAULT = "kekurangan"


class DashboardFilterForm(TPSFilterForm):
    """The dashboard's filters: the read API's TPS filters plus the gap table's order and page.

    A narrower filter that contradicts a wider one is dropped rather than refused: choosing
    another kecamatan must not leave the previous kecamatan's desa selected.
    """

    sort = forms.ChoiceField(
        choices=[(key, key) for key in GAP_SORTS],
        required=False,
        error_messages={"invalid_choice": _("Urutan tabel tidak dikenal: %(value)s")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        error_messages={
            "invalid": _("Nomor halaman harus bilangan bulat positif."),
            "min_value": _("Nomor halaman harus bilangan bulat positif."),
            "max_value": _("Nomor halaman terlalu besar."),
        },
    )

    def __init__(self, data, *, user, operation: Operation | None, at: datetime) -> None:
        super().__init__(data, user=user, operation=operation, at=at)
        # The desa's kecamatan comes in the same query: it is checked against the kecamatan.
        self.fields["desa"].queryset = (
            Desa.objects.visible_to(user)
            .select_related("kecamatan")
            .defer("boundary", "kecamatan__boundary")
        )
        self.default_phase = default_phase(operation, at)

    def clean(self) -> dict:
        cleaned = super().clean()
        kabkota, kecamatan, desa = (cleaned.get(k) for k in ("kabkota", "kecamatan", "desa"))
        if kecamatan is not None and kabkota is not None and kecamatan.kabkota_id != kabkota.pk:
            cleaned["kecamatan"] = kecamatan = None
        if desa is not None:
            outside_kecamatan = kecamatan is not None and desa.kecamatan_id != kecamatan.pk
            outside_kabkota = kabkota is not None and desa.kecamatan.kabkota_id != kabkota.pk
            if outside_kecamatan or outside_kabkota:
                cleaned["desa"] = None
            elif kecamatan is None:
                cleaned["kecamatan"] = desa.kecamatan  # a desa link names its kecamatan too
        cleaned["sort"] = cleaned.get("sort") or GAP_SORT_DEFAULT
        cleaned["page"] = cleaned.get("page") or 1
        return cleaned

    def error_lines(self) -> list[str]:
        return [
            error["message"] for errors in self.errors.get_json_data().values() for error in errors
        ]


def filter_params(filters: dict, default_phase: Phase | None, **extra: Any) -> dict[str, str]:
    """The filters as URL parameters, empty ones left out: ``{"kecamatan": "357101"}``."""
    params: dict[str, str] = {}
    for name in ("kabkota", "kecamatan", "desa"):
        if filters.get(name) is not None:
            params[name] = filters[name].code
    for name in ("kerawanan", "status"):
        if filters.get(name):
            params[name] = filters[name]
    phase = filters.get("phase")
    if phase is not None and (default_phase is None or phase.pk != default_phase.pk):
        params["phase"] = phase.code
    for name, value in extra.items():
        if value not in (None, ""):
            params[name] = str(value)
    return params


def query_string(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def scope_key(access: Access) -> str:
    if access.sees_everything:
        return "all"
    return f"k{access.kecamatan_id}" if access.kecamatan_id is not None else "none"
