"""Filters of the coordination pages, and the admin's form for a minutes revision.

A filter value that cannot be read re-renders the page with its message and status 422; it
never answers 500, and never silently shows everything.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coordination.models import ActionItem, Agency, Meeting, MinutesRevision
from coordination.services import minutes_check_publication


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Semua instansi"),
        error_messages={"invalid_choice": _("Instansi tidak dikenal.")},
    )
    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=[("", _("Semua jenis")), *Meeting.Kind.choices],
        required=False,
        error_messages={"invalid_choice": _("Jenis rapat tidak dikenal: %(value)s.")},
    )
    dari = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Tanggal tidak terbaca; gunakan format TTTT-BB-HH.")},
    )
    sampai = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Tanggal tidak terbaca; gunakan format TTTT-BB-HH.")},
    )

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        self.fields["agency"].queryset = Agency.objects.visible_to(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dari"), cleaned.get("sampai")
        if start and end and end < start:
            raise ValidationError(_("Tanggal akhir lebih awal dari tanggal awal."))
        return cleaned


class ActionItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Semua status")),
            ("not_done", _("Belum selesai")),
            *ActionItem.Status.choices,
        ],
        required=False,
        error_messages={"invalid_choice": _("Status tidak dikenal: %(value)s.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Semua instansi"),
        error_messages={"invalid_choice": _("Instansi tidak dikenal.")},
    )
    terlambat = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        self.fields["agency"].queryset = Agency.objects.visible_to(user).order_by("name")


class ChangesForm(forms.Form):
    """Two meetings to compare; without ``sampai`` the second moment is the operation clock."""

    dari = forms.ModelChoiceField(
        label=_("Sejak rapat"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Rapat terakhir"),
        error_messages={"invalid_choice": _("Rapat tidak dikenal.")},
    )
    sampai = forms.ModelChoiceField(
        label=_("Sampai rapat"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Sekarang (jam operasi)"),
        error_messages={"invalid_choice": _("Rapat tidak dikenal.")},
    )

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        meetings = Meeting.objects.visible_to(user).only("pk", "number", "title", "held_at")
        self.fields["dari"].queryset = meetings
        self.fields["sampai"].queryset = meetings

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dari"), cleaned.get("sampai")
        if start and end and end.held_at <= start.held_at:
            raise ValidationError(_("Rapat kedua harus sesudah rapat pertama."))
        return cleaned


class MinutesRevisionForm(forms.ModelForm):
    """The admin's "add revision": the first publication of a text, or a correction with why."""

    class Meta:
        model = MinutesRevision
        fields = ["meeting", "text", "reason"]

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting")
        if meeting is not None and not self.errors:
            minutes_check_publication(
                meeting=meeting, text=cleaned.get("text", ""), reason=cleaned.get("reason", "")
            )
        return cleaned
