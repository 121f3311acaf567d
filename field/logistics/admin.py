"""The admin of logistics custody: admins enter the places, the batches with their vehicles,
escorts and planned legs (docs/logistics.md); command staff read them. What happens on the way
(departure, arrival, handover) is recorded on the batch's page (field:logistics_batch), whose
services raise the flags and incidents: here those fields are read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_input import ReadableInputAdminMixin
from field.logistics.models import (
    LogisticsBatch,
    LogisticsLeg,
    LogisticsPlace,
    LogisticsVehicle,
    normalise_plate,
)

RECORDED = (
    "departed_at",
    "sent_boxes",
    "sent_ballots",
    "arrived_at",
    "handed_over_at",
    "received_boxes",
    "received_ballots",
    "received_by_name",
    "received_by_role",
)


@admin.register(LogisticsPlace)
class LogisticsPlaceAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "kecamatan", "desa", "tps"]
    list_filter = ["kind"]
    list_select_related = ["kecamatan", "desa", "tps__desa"]
    search_fields = ["name"]
    raw_id_fields = ["desa", "tps"]


class LogisticsVehicleForm(forms.ModelForm):
    """A plate as people type it ("ag  1234 xy") is stored as the plate reads ("AG 1234 XY"):
    normalised before the model's shape check runs."""

    class Meta:
        model = LogisticsVehicle
        fields = ["plate", "description"]

    def clean_plate(self) -> str:
        return normalise_plate(self.cleaned_data["plate"])


class LogisticsVehicleInline(admin.TabularInline):
    model = LogisticsVehicle
    form = LogisticsVehicleForm
    extra = 1


class LogisticsLegInline(admin.TabularInline):
    model = LogisticsLeg
    extra = 1
    fields = ["order", "origin", "destination", "planned_departure", "planned_arrival", *RECORDED]
    readonly_fields = RECORDED


@admin.register(LogisticsBatch)
class LogisticsBatchAdmin(ReadableInputAdminMixin, admin.ModelAdmin):
    list_display = ["code", "kecamatan", "direction", "boxes", "ballots"]
    list_filter = ["direction", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["code"]
    filter_horizontal = ["escorts"]
    inlines = [LogisticsVehicleInline, LogisticsLegInline]
    fieldsets = [
        (None, {"fields": ["code", "kecamatan", "direction"]}),
        (_("Muatan"), {"fields": ["boxes", "ballots"]}),
        (_("Pengawalan"), {"fields": ["escorts", "note"]}),
    ]
