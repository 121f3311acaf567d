"""The command's one form for an incident's transitions: an action and what it needs.

The form reads and bounds the input; the services decide whether the transition is allowed
(and say why not), so a refusal reads the same from the board, the timeline page or a test.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from field.incidents.models import NOTE_MAX, Incident, IncidentClass, Severity
from field.models import SituationReport

ACTIONS = {
    "verify": _("Verifikasi"),
    "dispatch": _("Kirim unit"),
    "arrive": _("Unit tiba"),
    "resolve": _("Selesai"),
    "reject": _("Tolak"),
    "duplicate": _("Tandai duplikat"),
    "merge": _("Gabungkan laporan"),
    "note": _("Catatan"),
    "reclassify": _("Ubah golongan/tingkat"),
}
# The note is what these actions are about: without it they are refused.
NOTE_REQUIRED = {
    "dispatch": _("Tulis unit atau personel yang dikirim."),
    "resolve": _("Tulis hasil penanganan."),
    "reject": _("Tulis alasan penolakan."),
    "note": _("Tulis catatannya."),
}

# The fields each action reads: the others are not validated, so a stale field left in a form
# (the board's, the timeline's) cannot refuse an action that does not use it.
FIELDS_OF = {
    "verify": {"note", "incident_class", "severity"},
    "dispatch": {"note"},
    "arrive": {"note"},
    "resolve": {"note"},
    "reject": {"note"},
    "duplicate": {"note", "duplicate_of"},
    "merge": {"reports"},
    "note": {"note"},
    "reclassify": {"incident_class", "severity"},
}


class IncidentActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Tindakan"),
        choices=list(ACTIONS.items()),
        error_messages={"invalid_choice": _("Tindakan tidak dikenal.")},
    )
    note = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
        error_messages={
            "max_length": _(
                "Keterangan paling banyak %(limit_value)d karakter (terkirim %(show_value)d)."
            )
        },
    )
    incident_class = forms.ChoiceField(
        label=_("Golongan"),
        required=False,
        choices=[("", "—"), *IncidentClass.choices],
        error_messages={"invalid_choice": _("Golongan kejadian tidak dikenal.")},
    )
    severity = forms.TypedChoiceField(
        label=_("Tingkat"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Severity.choices],
        error_messages={"invalid_choice": _("Tingkat kejadian tidak dikenal.")},
    )
    duplicate_of = forms.ModelChoiceField(
        label=_("Duplikat dari"),
        required=False,
        queryset=Incident.objects.none(),
        widget=forms.NumberInput,
        error_messages={"invalid_choice": _("Kejadian asli tidak ditemukan.")},
    )
    reports = forms.ModelMultipleChoiceField(
        label=_("Laporan"),
        required=False,
        queryset=SituationReport.objects.none(),
        error_messages={
            "invalid_choice": _("Laporan tidak ditemukan atau sudah bagian dari kejadian."),
            "invalid_pk_value": _("Laporan tidak ditemukan atau sudah bagian dari kejadian."),
        },
    )

    def __init__(self, *args, user, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        action = self.data.get("action") if self.is_bound else None
        if action in FIELDS_OF:
            for name in set(self.fields) - FIELDS_OF[action] - {"action"}:
                del self.fields[name]
        if "duplicate_of" in self.fields:
            self.fields["duplicate_of"].queryset = Incident.objects.visible_to(user).exclude(
                pk=incident.pk
            )
        if "reports" in self.fields:
            self.fields["reports"].queryset = SituationReport.objects.visible_to(user).filter(
                incident_link__isnull=True
            )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in NOTE_REQUIRED and not data.get("note"):
            self.add_error("note", NOTE_REQUIRED[action])
        if (
            action == "duplicate"
            and not data.get("duplicate_of")
            and "duplicate_of" not in self.errors
        ):
            self.add_error("duplicate_of", _("Isi nomor kejadian aslinya."))
        if action == "merge" and not data.get("reports") and "reports" not in self.errors:
            self.add_error("reports", _("Pilih laporan yang akan digabung."))
        if (
            action == "reclassify"
            and not data.get("incident_class")
            and data.get("severity") is None
            and not self.errors
        ):
            self.add_error(None, _("Pilih golongan atau tingkat yang baru."))
        for name in ("note",):
            if "\x00" in (data.get(name) or ""):
                self.add_error(name, _("Keterangan berisi karakter yang tidak sah."))
        return data
