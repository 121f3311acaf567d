"""The operation and its phases (tahapan), the frame every assignment sits in."""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    """A police operation, e.g. Operasi Mantap Praja Semeru 2024 (19 Aug – 31 Dec 2024)."""

    name = models.CharField(_("nama"), max_length=200, unique=True)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    commander = models.ForeignKey(
        "Personnel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kepala operasi"),
    )

    class Meta:
        verbose_name = _("operasi")
        verbose_name_plural = _("operasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="deployments_operation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A stage (tahapan) of the operation, from pra-operasi to pasca (DOMAIN.md)."""

    class Code(models.TextChoices):
        PRA_OPERASI = "pra_operasi", _("Pra-operasi")
        PENCALONAN = "pencalonan", _("Pendaftaran & penetapan paslon")
        KAMPANYE = "kampanye", _("Kampanye")
        MASA_TENANG = "masa_tenang", _("Masa tenang")
        PEMUNGUTAN = "pemungutan", _("Pemungutan & penghitungan")
        REKAPITULASI = "rekapitulasi", _("Rekapitulasi")
        PASCA = "pasca", _("Penetapan & pasca-operasi")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="phases", verbose_name=_("operasi")
    )
    code = models.CharField(_("kode"), max_length=20, choices=Code.choices)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"), help_text=_("Batas akhir, tidak termasuk."))

    class Meta:
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")
        ordering = ["operation", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "code"], name="deployments_phase_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_phase_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def contains(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at <= starts_at and ends_at <= self.ends_at
