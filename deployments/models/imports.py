"""Spreadsheet uploads, kept as rows so that the web process and a worker read the same bytes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One spreadsheet upload (personnel, TPS, assignments, unavailability, BKO): read and
    checked in a dry run, shown as a preview, then written all-or-nothing once an admin
    confirms.

    The file itself is kept in the row (it is at most a few MB) so that the web process and a
    Celery worker read the same bytes without shared storage; large files run as a job whose
    progress lives here.
    """

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personel")
        TPS = "tps", _("TPS")
        ASSIGNMENT = "assignment", _("Penugasan")
        UNAVAILABILITY = "unavailable", _("Ketidaksediaan personel")
        BKO = "bko", _("BKO masuk dan keluar")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu pemeriksaan")
        VALIDATING = "validating", _("Sedang diperiksa")
        READY = "ready", _("Siap diimpor")
        INVALID = "invalid", _("Ada kesalahan")
        APPLYING = "applying", _("Sedang diimpor")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("data"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    file_name = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"), editable=False)
    content_sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    background = models.BooleanField(
        _("di latar belakang"),
        default=False,
        help_text=_("Berkas besar (hingga satu roster Polda) diproses oleh pekerja Celery."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("pengunggah"),
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    counts = models.JSONField(_("ringkasan"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    rows = models.JSONField(_("pratinjau"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)

    class Meta:
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")) | Q(total_rows=0),
                name="deployments_importjob_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.VALIDATING, self.Status.APPLYING)
