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

# The level of the notifications told at once, outside the chain's levels 1, 2, 3: a panic's
# (the person's team and the nearest reserves, field.panic) and a dispatch's (the people sent,
# field.dispatch). Their kind tells them apart.
PANIC_LEVEL = 0
DISPATCH_LEVEL = 0


class NotificationKind(models.TextChoices):
    ESCALATION = "eskalasi", _("Eskalasi")
    PANIC = "darurat", _("Darurat")
    DISPATCH = "penugasan", _("Penugasan")


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
    kind = models.CharField(
        _("jenis"),
        max_length=10,
        choices=NotificationKind.choices,
        default=NotificationKind.ESCALATION,
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
            # A person told of a panic and then sent to it is told twice: once of each kind.
            models.UniqueConstraint(
                fields=["incident", "kind", "level", "recipient"],
                name="field_notification_once_per_kind",
            ),
            # The chain's levels start at 1; what is told at once is level 0.
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.ESCALATION, level__gte=1)
                | Q(kind__in=[NotificationKind.PANIC, NotificationKind.DISPATCH], level=0),
                name="field_notification_kind_level",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at=None) | Q(acknowledged_at__gte=models.F("created_at")),
                name="field_notification_ack_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.level} → {self.recipient_id}"


# Delivery outside the app (docs/incidents.md, "Notifications that reach phones"): each
# Notification is sent to every device and chat of its recipient, one NotificationDelivery row
# per target, so that a failure shows against the person it did not reach.


class Channel(models.TextChoices):
    WEBPUSH = "webpush", _("Web Push (peramban/ponsel)")
    TELEGRAM = "telegram", _("Telegram")


class PushSubscription(models.Model):
    """One browser or phone that asked to be woken for its account's notifications: the
    push service's endpoint and the keys (RFC 8291) that only that browser can decrypt with."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("akun"),
    )
    # The push service's capability URL: unique, since one browser profile has one endpoint
    # and it must not be told twice (or be told another account's notifications).
    endpoint = models.URLField(_("alamat layanan push"), max_length=1024, unique=True)
    p256dh = models.CharField(
        _("kunci publik P-256"), max_length=100, help_text=_("Kunci peramban (base64url).")
    )
    auth = models.CharField(
        _("rahasia autentikasi"), max_length=32, help_text=_("16 bita acak (base64url).")
    )
    user_agent = models.CharField(_("peramban"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("terakhir berhasil"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("terakhir gagal"), null=True, blank=True)
    deactivated_at = models.DateTimeField(
        _("dinonaktifkan"),
        null=True,
        blank=True,
        help_text=_("Layanan push menjawab 404/410: langganan ini tidak berlaku lagi."),
    )

    class Meta:
        verbose_name = _("langganan push")
        verbose_name_plural = _("langganan push")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "deactivated_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.endpoint[:60]}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    def as_subscription_info(self) -> dict:
        """The shape pywebpush and the browser's PushSubscription.toJSON() share."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class TelegramChat(models.Model):
    """The Telegram chat the bot writes to for one account (an admin enters its chat id, after
    the person has started a conversation with the bot)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="telegram_chat",
        verbose_name=_("akun"),
    )
    chat_id = models.CharField(
        _("chat id Telegram"),
        max_length=32,
        help_text=_("Angka dari Telegram (grup diawali tanda minus)."),
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat Telegram")
        verbose_name_plural = _("chat Telegram")
        constraints = [
            models.CheckConstraint(
                condition=Q(chat_id__regex=r"^-?[0-9]{1,20}$"),
                name="field_telegramchat_chat_id_numeric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.chat_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Antre")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class NotificationDelivery(models.Model):
    """One notification sent to one target of its recipient (a browser, a Telegram chat): what
    was tried, how often, and how it ended."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    subscription = models.ForeignKey(
        PushSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("langganan push"),
    )
    target = models.CharField(
        _("tujuan"),
        max_length=200,
        help_text=_("Yang dituju, untuk dibaca orang: layanan push atau chat id Telegram."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman pemberitahuan")
        verbose_name_plural = _("pengiriman pemberitahuan")
        ordering = ["-created_at", "-pk"]
        # The beat's safety net (delivery.deliveries_requeue) asks for queued rows untouched
        # since a moment: status, then updated_at, which every try and save moves.
        indexes = [
            models.Index(fields=["status", "updated_at"], name="field_notifdelivery_stale_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="field_notificationdelivery_status",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="field_notificationdelivery_channel"
            ),
            # Sent means when; and only a sent delivery has that time.
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at=None)),
                name="field_notificationdelivery_sent_at",
            ),
            # Told once per target, however often escalation or the safety net runs.
            models.UniqueConstraint(
                fields=["notification", "channel", "target"], name="field_notificationdelivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.target}: {self.status}"
