"""The forms of the deployments admin: change forms, inline rules, the intermediate pages of the
bulk actions, the upload."""

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deployments.imports.sheets import (
    BACKGROUND_ROW_LIMIT,
    INTERACTIVE_ROW_LIMIT,
    MAX_FILE_BYTES,
    SheetError,
    check_size,
    thousands,
)
from deployments.models import (
    Assignment,
    ImportJob,
    Personnel,
    Phase,
    Post,
    PostKind,
    Sprin,
    Unavailability,
)
from deployments.selectors import current_operation
from deployments.services import FutureAction
from tps.models import TPS


class GuardForm(forms.ModelForm):
    class Meta:
        model = Assignment.tps.through
        fields = ["assignment"]


class GuardFormSet(forms.BaseInlineFormSet):
    """Adding a guard to a TPS adds the TPS to that assignment's set: the same rules apply."""

    def clean(self):
        super().clean()
        for form in self.forms:
            assignment = form.cleaned_data.get("assignment") if form.cleaned_data else None
            if assignment is None or self._should_delete_form(form):
                continue
            if form.instance.pk and form.instance.assignment_id == assignment.pk:
                continue
            if assignment.status == Assignment.Status.CANCELLED:
                form.add_error("assignment", _("Penugasan ini sudah dibatalkan."))
                continue
            try:
                assignment.validate_tps_set([*assignment.tps.all(), self.instance])
            except ValidationError as exc:
                form.add_error("assignment", exc.messages)


class PersonnelAdminForm(forms.ModelForm):
    # Typed as people write them ("+62 812-3456-7890"); Personnel.clean() stores +62….
    phone = forms.CharField(
        label=gettext_lazy("telepon"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Boleh 0812…, 62812… atau +62 812…; disimpan sebagai +62…"),
    )

    class Meta:
        model = Personnel
        fields = [
            "force",
            "unit",
            "rank",
            "corps",
            "identifier",
            "name",
            "phone",
            "home_desa",
            "user",
            "active",
        ]

    def clean_identifier(self):
        # "8506 1234" as the Sprin annex prints it; the register has no spaces.
        return "".join(self.cleaned_data["identifier"].split())

    def clean_phone(self):
        return "".join(self.cleaned_data["phone"].split())


def lock_person(data: dict) -> dict:
    """Lock the form's person for the rest of the admin's transaction, before the model's own
    checks run: two admins giving the same officer a duty, or a duty and a period of leave, at
    once must not both pass them."""
    person = data.get("personnel")
    if person is not None and transaction.get_connection().in_atomic_block:
        list(Personnel.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
    return data


class UnavailabilityAdminForm(forms.ModelForm):
    """The period's check against the person's duties (Unavailability.clean) under their lock."""

    class Meta:
        model = Unavailability
        fields = ["personnel", "kind", "starts_at", "ends_at", "reason"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # BKO keluar is recorded on its own page, with its destination and order.
        kind = self.fields.get("kind")  # a read-only page has none
        if kind is not None:
            kind.choices = [c for c in kind.choices if c[0] != Unavailability.Kind.BKO_OUT]

    def clean(self):
        return lock_person(super().clean())


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "personnel",
            "phase",
            "kind",
            "tps",
            "post",
            "starts_at",
            "ends_at",
            "sprin",
            "status",
            "linmas_other_desa",
            "linmas_other_desa_reason",
        ]

    def clean(self):
        return lock_person(super().clean())

    def _post_clean(self):
        super()._post_clean()  # the model's clean(): overlap naming the other, phase, post
        if "tps" in self.fields and "tps" in self.cleaned_data:
            try:
                self.instance.validate_tps_set(list(self.cleaned_data["tps"]))
            except ValidationError as exc:
                self.add_error(None, exc)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportJob.Kind.choices, label=gettext_lazy("Data"))
    upload = forms.FileField(
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy("XLSX atau CSV (UTF-8) dengan judul kolom template, maks. %s MB.")
        % (MAX_FILE_BYTES // 1024 // 1024),
    )
    background = forms.BooleanField(
        required=False,
        # format_lazy, not %: the label is built at import, and must follow each request's
        # language.
        label=format_lazy(
            gettext_lazy("Berkas besar (hingga {limit} baris)"),
            limit=thousands(BACKGROUND_ROW_LIMIT),
        ),
        help_text=format_lazy(
            gettext_lazy(
                "Tanpa centang, berkas dibatasi {interactive} baris dan pratinjaunya ditunggu di "
                "halaman ini. Dengan centang, boleh hingga {background} baris (satu roster "
                "Polda); kemajuannya tampil di halaman impor dan Anda boleh meninggalkannya."
            ),
            interactive=thousands(INTERACTIVE_ROW_LIMIT),
            background=thousands(BACKGROUND_ROW_LIMIT),
        ),
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_size(upload.size)  # before a single byte is parsed
        except SheetError as exc:
            raise ValidationError(str(exc)) from exc
        return upload


def _use_autocomplete(form_field, name: str, admin_site, *, multiple: bool = False) -> None:
    """The admin's select2 search for the field, as on the assignment form itself."""
    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    form_field.widget = widget(Assignment._meta.get_field(name), admin_site)
    form_field.widget.choices = form_field.choices


class BulkAssignForm(forms.Form):
    phase = forms.ModelChoiceField(queryset=Phase.objects.none(), label=gettext_lazy("Tahapan"))
    kind = forms.ChoiceField(
        choices=PostKind.choices, initial=PostKind.PAM_TPS, label=gettext_lazy("Jenis pos")
    )
    tps = forms.ModelMultipleChoiceField(
        queryset=TPS.objects.none(), required=False, label=gettext_lazy("TPS")
    )
    post = forms.ModelChoiceField(queryset=Post.objects.none(), required=False, label="Pos")
    starts_at = forms.SplitDateTimeField(label=gettext_lazy("Mulai"), widget=AdminSplitDateTime)
    ends_at = forms.SplitDateTimeField(label=gettext_lazy("Selesai"), widget=AdminSplitDateTime)
    sprin = forms.ModelChoiceField(queryset=Sprin.objects.none(), required=False, label="Sprin")
    linmas_other_desa = forms.BooleanField(
        required=False, label=gettext_lazy("Linmas menjaga TPS desa lain (pengecualian)")
    )
    linmas_other_desa_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Alasan")
    )

    def __init__(self, *args, admin_site, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        operation = current_operation()
        self.fields["phase"].queryset = Phase.objects.filter(operation=operation)
        self.fields["tps"].queryset = TPS.objects.visible_to(user).with_places()
        self.fields["post"].queryset = Post.objects.visible_to(user)
        self.fields["sprin"].queryset = Sprin.objects.all()
        _use_autocomplete(self.fields["tps"], "tps", admin_site, multiple=True)
        _use_autocomplete(self.fields["post"], "post", admin_site)
        _use_autocomplete(self.fields["sprin"], "sprin", admin_site)


class MoveForm(forms.Form):
    """Where the person goes and from when: the old duty ends at "Pindah pada"."""

    at = forms.SplitDateTimeField(
        label=gettext_lazy("Pindah pada"),
        widget=AdminSplitDateTime,
        help_text=gettext_lazy(
            "Tugas lama berakhir dan tugas baru mulai pada waktu ini. Tugas lama yang belum "
            "mulai dibatalkan."
        ),
    )
    kind = forms.ChoiceField(
        choices=PostKind.choices, initial=PostKind.PAM_TPS, label=gettext_lazy("Jenis pos baru")
    )
    tps = forms.ModelMultipleChoiceField(
        queryset=TPS.objects.none(), required=False, label=gettext_lazy("TPS baru")
    )
    post = forms.ModelChoiceField(
        queryset=Post.objects.none(), required=False, label=gettext_lazy("Pos baru")
    )
    ends_at = forms.SplitDateTimeField(
        label=gettext_lazy("Tugas baru selesai"), widget=AdminSplitDateTime
    )
    sprin = forms.ModelChoiceField(
        queryset=Sprin.objects.none(),
        required=False,
        label="Sprin",
        help_text=gettext_lazy("Kosong: Sprin tugas lama."),
    )
    linmas_other_desa = forms.BooleanField(
        required=False, label=gettext_lazy("Linmas menjaga TPS desa lain (pengecualian)")
    )
    linmas_other_desa_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Alasan")
    )

    def __init__(self, *args, admin_site, user, operation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tps"].queryset = TPS.objects.visible_to(user).with_places()
        self.fields["post"].queryset = Post.objects.visible_to(user)
        self.fields["sprin"].queryset = Sprin.objects.filter(operation=operation)
        _use_autocomplete(self.fields["tps"], "tps", admin_site, multiple=True)
        _use_autocomplete(self.fields["post"], "post", admin_site)
        _use_autocomplete(self.fields["sprin"], "sprin", admin_site)


class ReplacementForm(forms.Form):
    replacement = forms.ModelChoiceField(
        queryset=Personnel.objects.none(), label=gettext_lazy("Personel pengganti")
    )

    def __init__(self, *args, admin_site, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = Personnel.objects.visible_to(user).active()
        _use_autocomplete(self.fields["replacement"], "personnel", admin_site)


class DeactivationForm(ReplacementForm):
    future = forms.ChoiceField(
        choices=FutureAction.CHOICES,
        widget=forms.RadioSelect,
        label=gettext_lazy("Penugasan mendatangnya"),
    )

    field_order = ["future", "replacement"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement"].required = False

    def clean(self):
        data = super().clean()
        if data.get("future") == FutureAction.REPLACE and not data.get("replacement"):
            self.add_error("replacement", _("Pilih personel pengganti."))
        return data
