"""The follow-ups (tindak lanjut) a meeting sets, with an owner and a due date."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models.agency import Agency
from coordination.models.base import CoordinationQuerySet
from coordination.models.meeting import Meeting
from deployments.models import Unit
from tps.models import TPS, Desa, Kecamatan


class ActionItemQuerySet(CoordinationQuerySet):
    def not_done(self) -> "ActionItemQuerySet":
        """Open or in progress: neither done nor dropped."""
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def overdue(self, today: date) -> "ActionItemQuerySet":
        return self.not_done().filter(due_on__lt=today)


class ActionItem(models.Model):
    """A follow-up (tindak lanjut) with an owner and a due date, so that nothing agreed vanishes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        IN_PROGRESS = "in_progress", _("Dikerjakan")
        DONE = "done", _("Selesai")
        DROPPED = "dropped", _("Dibatalkan")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("rapat")
    )
    what = models.TextField(_("tindak lanjut"))
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("instansi penanggung jawab"),
    )
    person = models.CharField(_("penanggung jawab"), max_length=150, blank=True)
    due_on = models.DateField(_("batas waktu"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    dropped_reason = models.TextField(_("alasan dibatalkan"), blank=True)
    status_changed_at = models.DateTimeField(
        _("status diubah pada"),
        null=True,
        blank=True,
        help_text=_("Waktu operasi saat status terakhir diubah; dasar ringkasan perubahan."),
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    tps = models.ForeignKey(
        TPS,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("TPS"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("satuan"),
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="coordination_actionitem_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "dropped"]),
                name="coordination_actionitem_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    def clean(self) -> None:
        if self.status == self.Status.DROPPED and not self.dropped_reason.strip():
            raise ValidationError(
                {"dropped_reason": _("Tuliskan alasan tindak lanjut dibatalkan.")}
            )
