"""The asta siap checklist: its items and how ready each unit is on each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models.base import CoordinationQuerySet
from deployments.models import Unit


class ReadinessItem(models.Model):
    """One of the asta siap, the eight readinesses of the operation, as a checklist line.

    No public source lists the eight: the defaults (DOMAIN.md) are our estimate and are shown as
    such until the command edits them in the admin.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("kesiapan"), max_length=150)
    description = models.TextField(_("uraian"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)
    is_estimate = models.BooleanField(
        _("perkiraan"),
        default=True,
        help_text=_("Butir bawaan yang belum ditetapkan komando; hilang setelah diubah di admin."),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("butir asta siap")
        verbose_name_plural = _("butir asta siap")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


READINESS_SYMBOLS = {"unknown": "?", "not_ready": "✗", "partial": "½", "ready": "✓"}


class UnitReadiness(models.Model):
    """How ready one unit is on one asta siap item, with the evidence and the last review."""

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Belum dinilai")
        NOT_READY = "not_ready", _("Belum siap")
        PARTIAL = "partial", _("Sebagian")
        READY = "ready", _("Siap")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="readiness", verbose_name=_("satuan")
    )
    item = models.ForeignKey(
        ReadinessItem,
        on_delete=models.CASCADE,
        related_name="unit_rows",
        verbose_name=_("butir asta siap"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNKNOWN
    )
    evidence = models.TextField(
        _("catatan bukti"), blank=True, help_text=_("Apa yang dilihat: dokumen, apel, pengecekan.")
    )
    reviewed_on = models.DateField(_("terakhir dinilai"), null=True, blank=True)
    reviewed_by = models.CharField(_("dinilai oleh"), max_length=150, blank=True)
    is_estimate = models.BooleanField(
        _("perkiraan"),
        default=True,
        help_text=_("Status contoh/perkiraan; hilang setelah komando menilainya di admin."),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kesiapan satuan")
        verbose_name_plural = _("kesiapan satuan (asta siap)")
        ordering = ["unit", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "item"], name="coordination_unitreadiness_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["unknown", "not_ready", "partial", "ready"]),
                name="coordination_unitreadiness_status_valid",
            ),
            # A judgement needs a date: "siap" without saying since when says nothing.
            models.CheckConstraint(
                condition=Q(status="unknown") | Q(reviewed_on__isnull=False),
                name="coordination_unitreadiness_judged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.item} ({self.get_status_display()})"

    @property
    def symbol(self) -> str:
        """A mark that tells the four statuses apart without colour."""
        return READINESS_SYMBOLS[self.status]

    def clean(self) -> None:
        if self.status != self.Status.UNKNOWN and self.reviewed_on is None:
            raise ValidationError({"reviewed_on": _("Isi tanggal penilaian.")})
