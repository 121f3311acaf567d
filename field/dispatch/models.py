"""The link between an incident and the duty of a person sent to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IncidentDispatch(models.Model):
    """A person the command sent to an incident: their temporary duty there (an Assignment of
    kind Penanganan kejadian) and the duty they were relieved of to go (its end is the moment
    they were sent). What the responder's /me/ will show as "your dispatch"."""

    incident = models.ForeignKey(
        "field.Incident",
        on_delete=models.CASCADE,
        related_name="dispatches",
        verbose_name=_("kejadian"),
    )
    duty = models.OneToOneField(
        "deployments.Assignment",
        on_delete=models.PROTECT,
        related_name="incident_dispatch",
        verbose_name=_("tugas penanganan"),
        help_text=_("Penugasan sementara di kejadian ini."),
    )
    relieved = models.ForeignKey(
        "deployments.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tugas yang ditinggalkan"),
        help_text=_("Tugas yang sedang dijalankan saat dikirim; berakhir pada saat itu."),
    )
    personnel = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.PROTECT,
        related_name="incident_dispatches",
        verbose_name=_("personel"),
    )
    at = models.DateTimeField(_("dikirim"), help_text=_("Waktu operasi."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikirim oleh"),
    )

    class Meta:
        verbose_name = _("pengiriman personel")
        verbose_name_plural = _("pengiriman personel")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["personnel", "at"])]
        constraints = [
            # The duty sent to is never the one left behind.
            models.CheckConstraint(
                condition=~Q(relieved=models.F("duty")),
                name="field_incidentdispatch_relieved_not_duty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.personnel_id}"
