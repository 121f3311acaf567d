"""The rotation form on an object's week view, and the swap's two duties."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deployments.models import Personnel, ShiftTemplate, Sprin, Unit
from deployments.services.shifts import MAX_DAYS


class RotationForm(forms.Form):
    template = forms.ModelChoiceField(
        ShiftTemplate.objects.all(), label=_("Pola regu jaga"), empty_label=None
    )
    starts_on = forms.DateField(label=_("Dari tanggal"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("Sampai tanggal"), widget=forms.DateInput({"type": "date"}))
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label=_("Personel dari satuan"),
        required=False,
        empty_label=_("Semua personel yang dapat Anda tugaskan"),
    )
    sprin = forms.ModelChoiceField(
        Sprin.objects.none(), label=_("Sprin"), required=False, empty_label=_("Tanpa Sprin")
    )

    def __init__(self, *args, user, operation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")
        self.fields["sprin"].queryset = Sprin.objects.filter(operation=operation).order_by(
            "-date", "-pk"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end:
            if end < start:
                raise ValidationError(_("Tanggal selesai harus sesudah tanggal mulai."))
            if end - start >= timedelta(days=MAX_DAYS):
                raise ValidationError(_("Paling lama %s hari sekali jalan.") % MAX_DAYS)
        return data

    def pool(self):
        people = Personnel.objects.visible_to(self.user).filter(active=True)
        unit = self.cleaned_data.get("unit")
        if unit is not None:
            people = people.filter(unit=unit)
        return people
