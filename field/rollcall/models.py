"""The roll call (apel) of a duty: at its start, present, absent or late (docs/rollcall.md).

One entry per duty (Assignment), written by the post's commander on the phone or by the Posko
(field.rollcall.services). A check-in by the person near the duty's start counts as present
while there is no entry; that is read in field.rollcall.selectors and never stored here, so a
later explicit entry is the only thing that can overrule it.

Corrections overwrite the entry; django-simple-history keeps every earlier version with who
wrote it (``history_user``), as for duties and shifts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RollCallStatus(models.TextChoices):
    PRESENT = "present", _("Hadir")
    ABSENT = "absent", _("Tidak hadir")
    LATE = "late", _("Terlambat")


class RollCall(models.Model):
    """A person's answer to the roll call at the start of one duty."""

    class Source(models.TextChoices):
        COMMANDER = "commander", _("Komandan pos")
        POSKO = "posko", _("Posko")

    Status = RollCallStatus

    duty = models.OneToOneField(
        "deployments.Assignment",
        on_delete=models.CASCADE,
        related_name="roll_call",
        verbose_name=_("penugasan"),
    )
    status = models.CharField(_("kehadiran"), max_length=10, choices=RollCallStatus.choices)
    late_minutes = models.PositiveSmallIntegerField(
        _("terlambat (menit)"),
        null=True,
        blank=True,
        help_text=_("Hanya untuk yang terlambat: menit sesudah apel dimulai."),
    )
    source = models.CharField(_("dicatat lewat"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi saat dicatat."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("riwayat apel"))

    class Meta:
        verbose_name = _("apel")
        verbose_name_plural = _("apel")
        ordering = ["-at", "-pk"]
        constraints = [
            # The one-to-one field is the "one entry per duty" rule (a unique index).
            models.CheckConstraint(
                condition=Q(status__in=["present", "absent", "late"]),
                name="field_rollcall_status_valid",
            ),
            models.CheckConstraint(
                # isnull spelt out: NULL >= 1 is unknown, which a CHECK lets through.
                condition=Q(status="late", late_minutes__isnull=False, late_minutes__gte=1)
                | (~Q(status="late") & Q(late_minutes__isnull=True)),
                name="field_rollcall_late_has_minutes",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["commander", "posko"]),
                name="field_rollcall_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id}: {self.get_status_display()}"

    @property
    def counts_present(self) -> bool:
        """Late is there: the strength present counts them."""
        return self.status != RollCallStatus.ABSENT
