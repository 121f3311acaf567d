"""The audit log's one model (audit/log.py writes it, audit/admin.py shows it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One line of the audit log: a sign-in (with a password or a card's link), a failed
    sign-in, a sign-out, or an export of data (a file, a printed card run, printed minutes).

    Only ever added (audit.log writes it): the admin shows it read-only to superusers and
    the Admin group, and on PostgreSQL the database refuses to update or delete a line
    (migration 0002). The one change allowed is the one Django makes when an account is
    deleted: ``user`` becomes empty, and ``username`` keeps who it was. ``at`` is real time,
    never the operation clock: the log says when things happened, not when the demo says.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Masuk")
        SIGN_IN_LINK = "sign_in_link", _("Masuk lewat tautan")
        SIGN_IN_FAILED = "sign_in_failed", _("Gagal masuk")
        SIGN_OUT = "sign_out", _("Keluar")
        EXPORT = "export", _("Ekspor")

    at = models.DateTimeField(
        _("waktu"), default=timezone.now, help_text=_("Waktu nyata, bukan jam operasi.")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun"),
        help_text=_("Kosong bila akunnya sudah dihapus, atau bila masuk gagal."),
    )
    username = models.CharField(
        _("nama pengguna"),
        max_length=150,
        blank=True,
        help_text=_("Seperti diketik saat masuk gagal (dipotong); tetap ada bila akun dihapus."),
    )
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    what = models.CharField(
        _("apa"),
        max_length=200,
        blank=True,
        help_text=_("Alamat halaman: tempat masuk, atau ekspor yang diunduh atau dicetak."),
    )
    detail = models.JSONField(
        _("rincian"),
        default=dict,
        blank=True,
        help_text=_("Untuk ekspor: berkas, format, filter atau cakupan, dan jumlah baris."),
    )

    class Meta:
        db_table = "opsboard_auditevent"
        verbose_name = _("catatan audit")
        verbose_name_plural = _("log audit")
        ordering = ["-at", "-pk"]
        # Only reading is ever granted: no one adds, changes or deletes a line in the admin.
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["sign_in", "sign_in_link", "sign_in_failed", "sign_out", "export"]
                ),
                name="opsboard_auditevent_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="export") | ~Q(what=""),
                name="opsboard_auditevent_export_names_what",
            ),
            # Only a failed sign-in may lack a name (a form sent without one).
            models.CheckConstraint(
                condition=Q(kind="sign_in_failed") | ~Q(username=""),
                name="opsboard_auditevent_username_present",
            ),
        ]
        indexes = [models.Index(fields=["-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} @ {self.at:%Y-%m-%d %H:%M}"
