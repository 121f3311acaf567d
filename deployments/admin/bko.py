"""The BKO admin: people attached here from outside (BKO masuk) and ours lent out (BKO keluar),
each checked against the person's duties under their row lock, as the period form is."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import access_of
from core.formats import wib_stamp
from deployments.admin.base import OpsboardAdmin
from deployments.admin.forms import lock_person
from deployments.admin.sheets import SheetAdminMixin
from deployments.models import BkoIn, BkoOut, ImportJob, Personnel, Unavailability


class BkoInAdminForm(forms.ModelForm):
    """The period's checks (BkoIn.clean: no other BKO period met, no duty left outside) under
    the person's lock."""

    class Meta:
        model = BkoIn
        fields = [
            "personnel",
            "origin_unit",
            "starts_at",
            "ends_at",
            "sprin_number",
            "sprin_date",
            "note",
        ]

    def clean(self):
        return lock_person(super().clean())


class BkoOutAdminForm(forms.ModelForm):
    """A BKO keluar is a period of unavailability of that kind: Unavailability.clean refuses
    it over a duty the person holds, under the person's lock."""

    class Meta:
        model = BkoOut
        fields = [
            "personnel",
            "destination",
            "starts_at",
            "ends_at",
            "sprin_number",
            "sprin_date",
            "reason",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.kind = Unavailability.Kind.BKO_OUT
        for name in ("destination", "sprin_number"):
            if name in self.fields:  # a read-only page has none
                self.fields[name].required = True

    def clean(self):
        return lock_person(super().clean())


class PersonScopedAdmin(SheetAdminMixin, OpsboardAdmin):
    """Rows of a person: Polsek staff given edit rights keep to their kecamatan's people. Both
    lists export in the BKO sheet's columns, and its template is offered beside them."""

    sheet_kind = ImportJob.Kind.BKO

    list_select_related = ["personnel__unit"]
    search_fields = ["personnel__name", "personnel__identifier", "sprin_number"]
    raw_id_fields = ["personnel"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access_of(request.user).sees_everything:
            return queryset
        return queryset.filter(personnel__in=Personnel.objects.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A raw id is checked against this queryset: another kecamatan's person is refused.
        if db_field.name == "personnel":
            kwargs["queryset"] = Personnel.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("satuan"), ordering="personnel__unit__name")
    def unit(self, row):
        return row.personnel.unit.name


@admin.register(BkoIn)
class BkoInAdmin(PersonScopedAdmin):
    """BKO masuk (docs/strength.md): outside their periods the person cannot be assigned."""

    form = BkoInAdminForm
    list_display = ["personnel", "unit", "origin_unit", "starts_at", "ends_at", "sprin_number"]
    list_filter = ["origin_unit"]
    search_fields = [*PersonScopedAdmin.search_fields, "origin_unit"]

    def delete_view(self, request, object_id, extra_context=None):
        # Removing a period that a duty lies in would leave the duty outside every period:
        # the database refuses it; say so instead of an error page.
        if request.method == "POST":
            period = self.get_object(request, object_id)
            if period is not None and self._blocked(request, [period]):
                return self.response_post_save_change(request, period)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one period at a time: each is checked
        return actions

    def _blocked(self, request, periods) -> bool:
        blocked = False
        for period in periods:
            duties = period.deletion_blockers()
            if duties:
                blocked = True
                self.message_user(
                    request,
                    _(
                        "%(period)s tidak dapat dihapus: %(person)s memegang tugas di dalamnya "
                        "(%(duties)s). Pindahkan atau batalkan tugas itu lebih dahulu."
                    )
                    % {
                        "period": period,
                        "person": period.personnel.name,
                        "duties": "; ".join(
                            f"{wib_stamp(d.starts_at)} – {wib_stamp(d.ends_at)}" for d in duties
                        ),
                    },
                    messages.ERROR,
                )
        return blocked


@admin.register(BkoOut)
class BkoOutAdmin(PersonScopedAdmin):
    """BKO keluar (docs/strength.md): for the period the person cannot be assigned."""

    form = BkoOutAdminForm
    list_display = ["personnel", "unit", "destination", "starts_at", "ends_at", "sprin_number"]
    list_filter = ["destination"]
    search_fields = [*PersonScopedAdmin.search_fields, "destination"]
