"""The daily report's table: one report per Asia/Jakarta day and scope, and its corrections.

A signed report is never updated: the database refuses an UPDATE of a signed row (a trigger,
migration opsboard/0004), the service refuses it first with an Indonesian message. A correction
is a new row of the same day and scope that points to the report it corrects (``revises``),
with the next revision number and the reason; the corrected one stays as it was signed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

POLRES = "polres"
TEXT_MAX = 8000
REPORT_LOCKED = _(
    "Laporan harian ini sudah ditandatangani dan terkunci. Koreksi dibuat sebagai revisi baru "
    "dengan alasannya."
)


class DailyReportQuerySet(models.QuerySet):
    def current(self) -> "DailyReportQuerySet":
        """The latest revision of each day and scope: the reports no correction replaces."""
        return self.filter(corrected_by__isnull=True)

    def of_scope(self, scope_code: str = POLRES) -> "DailyReportQuerySet":
        return self.filter(scope_code=scope_code)


class DailyReport(models.Model):
    """The laporan harian of one day to the level above (Polda): what happened in the scope
    (the Polres, or one kecamatan: a seam, not yet offered), the figures read from the product's
    own data when it was generated, and the text sections the Kabag Ops writes and signs."""

    day = models.DateField(_("tanggal"), help_text=_("Hari menurut Asia/Jakarta (WIB)."))
    scope_code = models.CharField(
        _("lingkup"),
        max_length=10,
        default=POLRES,
        help_text=_("“polres” untuk seluruh Polres, atau kode kecamatan."),
    )
    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    revision = models.PositiveSmallIntegerField(
        _("revisi ke"), default=0, help_text=_("0 untuk laporan pertama hari itu.")
    )
    revises = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("mengoreksi"),
    )
    reason = models.TextField(
        _("alasan koreksi"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Wajib untuk setiap revisi."),
    )
    figures = models.JSONField(
        _("angka"),
        default=dict,
        help_text=_("Angka hari itu, dibaca dari data Opsboard saat laporan dibuat."),
    )
    generated_at = models.DateTimeField(_("dibuat pada"))
    summary = models.TextField(
        _("ringkasan situasi"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Ditulis Kabag Ops: keadaan kamtibmas hari itu."),
    )
    activities_note = models.TextField(
        _("catatan kegiatan"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Kegiatan lain yang tidak tercatat di Opsboard."),
    )
    traffic_accidents = models.PositiveIntegerField(
        _("kecelakaan lalu lintas"),
        null=True,
        blank=True,
        help_text=_(
            "Opsboard tidak mencatat kecelakaan lalu lintas: diisi manual dari Sat Lantas, "
            "kosong berarti tidak dilaporkan."
        ),
    )
    traffic_note = models.TextField(_("keterangan lalu lintas"), max_length=TEXT_MAX, blank=True)
    edited_by_name = models.CharField(_("terakhir diubah oleh"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("ditandatangani pada"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT, not SET_NULL: nulling it would be an UPDATE of a signed row, which the
        # database refuses. An account that signed is deactivated, never deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditandatangani oleh"),
    )
    signed_by_name = models.CharField(_("nama penandatangan"), max_length=150, blank=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("laporan harian")
        verbose_name_plural = _("laporan harian")
        ordering = ["-day", "-revision"]
        constraints = [
            # One report per day and scope (the beat's idempotence), and one of each revision.
            models.UniqueConstraint(
                fields=["day", "scope_code", "revision"],
                name="opsboard_dailyreport_unique_revision",
            ),
            models.CheckConstraint(
                condition=Q(scope_code=POLRES, kecamatan__isnull=True)
                | (~Q(scope_code=POLRES) & Q(kecamatan__isnull=False)),
                name="opsboard_dailyreport_scope_matches",
            ),
            models.CheckConstraint(
                condition=Q(revision=0, revises__isnull=True, reason="")
                | (Q(revision__gte=1, revises__isnull=False) & ~Q(reason="")),
                name="opsboard_dailyreport_revision_has_reason",
            ),
            # Signed: who signed, and the situation summary signing needs (the service says
            # so in Indonesian first).
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by_name="")
                | (Q(signed_at__isnull=False) & ~Q(signed_by_name="") & ~Q(summary="")),
                name="opsboard_dailyreport_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" rev. {self.revision}" if self.revision else ""
        return f"{self.day.isoformat()} {self.scope_code}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", kwargs={"pk": self.pk})

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def clean(self) -> None:
        if self.revision and not self.reason.strip():
            raise ValidationError({"reason": _("Tuliskan alasan koreksi.")})
