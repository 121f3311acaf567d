"""The tables of area alert levels: the history of levels set per kecamatan, the contingency
steps of each level (data, edited in the admin), and the checklist a raise starts.

The current level of a kecamatan is its latest ``AreaAlert`` (none yet: hijau). Times are the
operation clock's (core.clock). The services (field/alerts/services.py) are the only writers;
the check constraints refuse what they never write.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of

REASON_MAX = 1000


class AlertLevel(models.TextChoices):
    """Sispamkota's levels of an area's situation, lowest first."""

    HIJAU = "hijau", _("Hijau (aman)")
    KUNING = "kuning", _("Kuning (waspada)")
    MERAH = "merah", _("Merah (bahaya)")


LEVEL_ORDER = ("hijau", "kuning", "merah")
# Hijau is the calm state: it has no contingency steps.
CHECKLIST_LEVELS = ("kuning", "merah")


class AreaAlertQuerySet(models.QuerySet):
    """Scope: the command and admins see every kecamatan's, Polsek staff their own, field
    officers none."""

    kecamatan_path = "kecamatan_id"

    def visible_to(self, user):
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            return self.filter(**{self.kecamatan_path: access.kecamatan_id})
        return self.none()


class AreaAlert(models.Model):
    """One setting of a kecamatan's alert level by the command: who, when, why. Rows are only
    added; the latest is the level in force."""

    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.CASCADE,
        related_name="area_alerts",
        verbose_name=_("kecamatan"),
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=AlertLevel.choices)
    previous_level = models.CharField(
        _("tingkat sebelumnya"), max_length=10, choices=AlertLevel.choices
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    set_at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi saat ditetapkan."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now_add=True)
    reason = models.TextField(
        _("alasan"), max_length=REASON_MAX, help_text=_("Mengapa tingkat ini ditetapkan.")
    )

    objects = AreaAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("tingkat siaga wilayah")
        verbose_name_plural = _("tingkat siaga wilayah")
        ordering = ["-set_at", "-pk"]
        indexes = [models.Index(fields=["kecamatan", "-set_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=LEVEL_ORDER), name="field_areaalert_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(previous_level__in=LEVEL_ORDER),
                name="field_areaalert_previous_level_valid",
            ),
            # A setting changes the level: the same level again is no event.
            models.CheckConstraint(
                condition=~Q(level=models.F("previous_level")),
                name="field_areaalert_level_changes",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="field_areaalert_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan_id}: {self.level} @ {self.set_at:%Y-%m-%d %H:%M}"


class ContingencyStep(models.Model):
    """A step of a level's contingency plan ("Siagakan Dalmas", "Laporkan ke Polda"): what the
    command does when an area is raised to that level. Edited in the admin; each raise copies
    the active steps into its own checklist, so a later edit does not rewrite a past one."""

    level = models.CharField(
        _("tingkat"),
        max_length=10,
        choices=[c for c in AlertLevel.choices if c[0] in CHECKLIST_LEVELS],
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    text = models.CharField(_("langkah"), max_length=200)
    active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_("Langkah tidak aktif tidak masuk daftar periksa baru."),
    )

    class Meta:
        verbose_name = _("langkah kontijensi")
        verbose_name_plural = _("langkah kontijensi")
        ordering = ["level", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=CHECKLIST_LEVELS), name="field_contingencystep_level_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="field_contingencystep_text_given"),
            models.UniqueConstraint(
                fields=["level", "text"], name="field_contingencystep_unique_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.text}"


class ChecklistItem(models.Model):
    """One contingency step to be done after one raise, ticked with who and when."""

    alert = models.ForeignKey(
        AreaAlert, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("siaga")
    )
    step = models.ForeignKey(
        ContingencyStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("langkah"),
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=AlertLevel.choices)
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.CharField(_("langkah"), max_length=200)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicentang oleh"),
    )
    ticked_at = models.DateTimeField(_("dicentang"), null=True, blank=True)

    class Meta:
        verbose_name = _("butir daftar periksa")
        verbose_name_plural = _("butir daftar periksa")
        ordering = ["alert", "level", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticked_by__isnull=True, ticked_at__isnull=True)
                | Q(ticked_by__isnull=False, ticked_at__isnull=False),
                name="field_checklistitem_ticked_together",
            ),
            models.CheckConstraint(
                condition=Q(level__in=CHECKLIST_LEVELS), name="field_checklistitem_level_valid"
            ),
            # A raise lists each step once (a doubled POST starts no second list).
            models.UniqueConstraint(fields=["alert", "step"], name="field_checklistitem_once"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def ticked(self) -> bool:
        return self.ticked_at is not None
