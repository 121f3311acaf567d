"""A meeting and the published texts of its minutes (notulen)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coordination.models.base import CoordinationQuerySet

MINUTES_LOCKED = _(
    "Notulen rapat ini sudah diterbitkan dan terkunci. Koreksi dibuat sebagai revisi baru "
    "dengan alasannya (Admin › Revisi notulen › Tambah)."
)


class Meeting(models.Model):
    """A rakor (coordination meeting), TFG or apel, with its minutes (notulen)."""

    class Kind(models.TextChoices):
        RAKOR_LINTAS_SEKTORAL = "rakor_lintas_sektoral", _("Rakor lintas sektoral")
        RAKOR_INTERNAL = "rakor_internal", _("Rakor internal")
        TFG = "tfg", _("TFG")
        APEL = "apel", _("Apel")

    # What the published notulen states; changed after publication only by a new revision.
    LOCKED_FIELDS = (
        "number",
        "title",
        "kind",
        "held_at",
        "place",
        "chair",
        "chair_position",
        "minute_taker",
        "minute_taker_position",
        "issues_raised",
        "minutes",
    )

    number = models.CharField(_("nomor"), max_length=80, unique=True)
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    held_at = models.DateTimeField(_("waktu"))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(_("pimpinan rapat"), max_length=150)
    chair_position = models.CharField(
        _("jabatan pimpinan rapat"),
        max_length=150,
        blank=True,
        help_text=_("Dicetak di bawah tanda tangan, mis. Kapolres Kediri Kota."),
    )
    minute_taker = models.CharField(_("notulis"), max_length=150, blank=True)
    minute_taker_position = models.CharField(_("jabatan notulis"), max_length=150, blank=True)
    minutes = models.TextField(
        _("notulen"),
        blank=True,
        help_text=_(
            "Ditulis dalam Markdown. Draf sampai diterbitkan; sesudahnya terkunci dan koreksi "
            "dibuat sebagai revisi baru."
        ),
    )
    issues_raised = models.TextField(
        _("permasalahan"), blank=True, help_text=_("Satu permasalahan per baris.")
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapat")
        verbose_name_plural = _("rapat")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("coordination:meeting_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.pk is not None and self.revisions.exists()

    def issues_list(self) -> list[str]:
        return [line.strip() for line in self.issues_raised.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.pk is None:
            return
        stored = Meeting.objects.filter(pk=self.pk).values(*self.LOCKED_FIELDS).first()
        if stored is None or not MinutesRevision.objects.filter(meeting_id=self.pk).exists():
            return
        changed = [f for f in self.LOCKED_FIELDS if getattr(self, f) != stored[f]]
        if changed:
            raise ValidationError(dict.fromkeys(changed, MINUTES_LOCKED))


class MinutesRevision(models.Model):
    """One published text of a meeting's minutes: the first publication or a correction.

    Never updated (a database trigger refuses it): a correction is the next revision, with who
    made it and why, and the earlier text stays readable.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("rapat")
    )
    number = models.PositiveSmallIntegerField(_("revisi ke"))
    text = models.TextField(_("notulen"), help_text=_("Markdown, ditampilkan setelah disaring."))
    reason = models.TextField(
        _("alasan koreksi"),
        blank=True,
        help_text=_("Wajib untuk setiap revisi sesudah yang pertama."),
    )
    published_at = models.DateTimeField(_("diterbitkan pada"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    published_by_name = models.CharField(
        _("nama penerbit"),
        max_length=150,
        blank=True,
        help_text=_("Disimpan tersendiri agar tetap terbaca bila akunnya dihapus."),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("revisi notulen")
        verbose_name_plural = _("revisi notulen")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="coordination_minutesrevision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="coordination_minutesrevision_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="coordination_minutesrevision_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.number} rev. {self.number}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    def clean(self) -> None:
        if self.pk is not None and MinutesRevision.objects.filter(pk=self.pk).exists():
            raise ValidationError(
                _("Revisi notulen yang sudah diterbitkan tidak dapat diubah; buat revisi baru.")
            )
        if self.number and self.number > 1 and not self.reason.strip():
            raise ValidationError({"reason": _("Tuliskan alasan koreksi.")})
