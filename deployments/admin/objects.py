"""The guard norms of the guarded objects (obyek pengamanan), edited as data like the TPS
pattern: per operation, kind of object, kerawanan and the remote modifier (docs/coverage.md,
"Guarded objects"). Rows of the whole Polres: read-only for Polsek staff (OpsboardAdmin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from deployments.admin.base import OpsboardHistoryAdmin
from deployments.models import GUARDED_KINDS, GuardNorm


@admin.register(GuardNorm)
class GuardNormAdmin(OpsboardHistoryAdmin):
    list_display = [
        "post_kind",
        "kerawanan_display",
        "remote",
        "force",
        "personnel_per_shift",
        "operation",
    ]
    list_filter = ["operation", "post_kind", "kerawanan", "remote", "force"]
    list_select_related = ["operation"]
    fields = ["operation", "post_kind", "kerawanan", "remote", "force", "personnel_per_shift"]

    @admin.display(description=GuardNorm._meta.get_field("kerawanan").verbose_name)
    def kerawanan_display(self, norm):
        return norm.get_kerawanan_display() if norm.kerawanan else gettext_lazy("semua kelas")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Only the guarded kinds have norms (the database refuses the others too).
        if db_field.name == "post_kind":
            kwargs["choices"] = [(k.value, k.label) for k in GUARDED_KINDS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
