"""Forms of the reports: the text sections, a correction's reason, a day, the Anev range,
an incident."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsboard.reports.models import DailyReport, SpecialReport

ANEV_MAX_DAYS = 62  # two months side by side: the whole operation's busy part fits
BAD_DATE = _("Tanggal tidak terbaca; gunakan format TTTT-BB-HH.")


class DateInput(forms.DateInput):
    input_type = "date"


class DailyReportForm(forms.ModelForm):
    class Meta:
        model = DailyReport
        fields = ["summary", "activities_note", "traffic_accidents", "traffic_note"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "activities_note": forms.Textarea(attrs={"rows": 3}),
            "traffic_note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "traffic_accidents": {
                "invalid": _("Jumlah kecelakaan harus bilangan bulat."),
                "min_value": _("Jumlah kecelakaan tidak boleh negatif."),
            }
        }


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan koreksi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan alasan koreksi.")},
    )


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Tanggal"),
        widget=DateInput,
        error_messages={"required": _("Pilih tanggal laporan."), "invalid": BAD_DATE},
    )


class AnevForm(forms.Form):
    dari = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": BAD_DATE},
    )
    sampai = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": BAD_DATE},
    )

    def __init__(self, data, *, today) -> None:
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("sampai") or self.today
        start = cleaned.get("dari") or end - timedelta(days=6)
        if end < start:
            raise ValidationError(_("Tanggal akhir lebih awal dari tanggal awal."))
        if (end - start).days + 1 > ANEV_MAX_DAYS:
            raise ValidationError(
                _("Anev paling banyak %(n)s hari berdampingan.") % {"n": ANEV_MAX_DAYS}
            )
        cleaned["dari"], cleaned["sampai"] = start, end
        return cleaned


class SpecialReportForm(forms.ModelForm):
    class Meta:
        model = SpecialReport
        fields = ["subject", "summary", "casualties", "actions_note", "analysis", "recommendation"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "casualties": forms.Textarea(attrs={"rows": 2}),
            "actions_note": forms.Textarea(attrs={"rows": 3}),
            "analysis": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"subject": {"required": _("Tuliskan perihal laporan.")}}


class IncidentChoiceForm(forms.Form):
    kejadian = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": _("Pilih kejadian."),
            "invalid": _("Kejadian tidak dikenal."),
            "min_value": _("Kejadian tidak dikenal."),
            "max_value": _("Kejadian tidak dikenal."),
        },
    )
