"""Who is told of an urgent incident, in what order, and what each was told.

The demo has no Padal/Kapolsek/Kabag Ops mapping of accounts, so the chain is data: an
EscalationRule per level (optionally per incident class) names an audience and how long to wait
for an acknowledgement before the next level is told.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of
from field.incidents.models import IncidentClass


class Audience(models.TextChoices):
    # The Polsek accounts of the incident's kecamatan (its Padal and Kapolsek).
    POLSEK = "polsek", _("Polsek wilayah (Padal, Kapolsek)")
    # The command staff of the Polres (Kabag Ops, Kapolres).
    COMMAND = "command", _("Komando Polres")


class EscalationRule(models.Model):
    incident_class = models.CharField(
        _("golongan"),
        max_length=24,
        choices=IncidentClass.choices,
        blank=True,
        help_text=_("Kosong: berlaku untuk semua golongan tanpa aturan sendiri."),
    )
    level = models.PositiveSmallIntegerField(_("tingkat eskalasi"))
    role_label = models.CharField(_("jabatan"), max_length=60)
    audience = models.CharField(_("penerima"), max_length=10, choices=Audience.choices)
    wait_minutes = models.PositiveSmallIntegerField(
        _("menit menunggu"),
        help_text=_("Menit tanpa tanggapan sebelum tingkat ini diberi tahu (tingkat 1: 0)."),
    )

    class Meta:
        verbose_name = _("aturan eskalasi")
        verbose_name_plural = _("aturan eskalasi")
        ordering = ["incident_class", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident_class", "level"], name="field_escalationrule_one_per_level"
            ),
            models.CheckConstraint(condition=Q(level__gte=1), name="field_escalationrule_level"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_class or '*'} {self.level}: {self.role_label}"


class EscalationStep(models.Model):
    """A level of an incident's chain that has been told: one row per (incident, level) is
    what makes escalate_due idempotent when two runs overlap."""

    incident = models.ForeignKey(
        "field.Incident", on_delete=models.CASCADE, related_name="escalation_steps"
    )
    level = models.PositiveSmallIntegerField(_("tingkat eskalasi"))
    role_label = models.CharField(_("jabatan"), max_length=60)
    notified_at = models.DateTimeField(_("diberi tahu"), help_text=_("Waktu operasi."))

    class Meta:
        verbose_name = _("langkah eskalasi")
        verbose_name_plural = _("langkah eskalasi")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "level"], name="field_escalationstep_one_per_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.level}: {self.role_label}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A user's own notifications; Polsek staff only within their kecamatan, field
        officers none."""
        access = access_of(user)
        if access.sees_everything:
            return self.filter(recipient=user)
        if access.role is Role.POLSEK:
            return self.filter(recipient=user, incident__kecamatan_id=access.kecamatan_id)
        return self.none()


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    incident = models.ForeignKey(
        "field.Incident", on_delete=models.CASCADE, related_name="notifications"
    )
    level = models.PositiveSmallIntegerField(_("tingkat eskalasi"))
    created_at = models.DateTimeField(_("dikirim"), help_text=_("Waktu operasi."))
    acknowledged_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "acknowledged_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "level", "recipient"], name="field_notification_once"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at=None) | Q(acknowledged_at__gte=models.F("created_at")),
                name="field_notification_ack_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.level} → {self.recipient_id}"
