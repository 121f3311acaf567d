"""The documents of a meeting, kept outside every public URL."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coordination.models.base import CoordinationQuerySet
from coordination.models.meeting import Meeting
from coordination.storage import PrivateAttachmentStorage, attachment_upload_to
from coordination.uploads import sniff_attachment, validate_attachment


class Attachment(models.Model):
    """A document of a meeting: the signed attendance list, a presentation, a photo.

    Stored outside every public URL (COORDINATION_ATTACHMENT_ROOT) and served only by a view
    that checks the reader's access; the type is read from the content, not the file name.
    """

    class Kind(models.TextChoices):
        PDF = "application/pdf", _("PDF")
        PNG = "image/png", _("Gambar PNG")
        JPEG = "image/jpeg", _("Gambar JPEG")
        WEBP = "image/webp", _("Gambar WebP")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("rapat")
    )
    title = models.CharField(_("judul"), max_length=200)
    file = models.FileField(
        _("berkas"),
        storage=PrivateAttachmentStorage(),
        upload_to=attachment_upload_to,
        max_length=200,
        validators=[validate_attachment],
        help_text=_("PDF, PNG, JPEG atau WebP; jenisnya diperiksa dari isi berkas."),
    )
    content_type = models.CharField(
        _("jenis berkas"), max_length=40, choices=Kind.choices, editable=False
    )
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0, editable=False)
    original_name = models.CharField(_("nama asli"), max_length=200, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["meeting", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    content_type__in=["application/pdf", "image/png", "image/jpeg", "image/webp"]
                ),
                name="coordination_attachment_type_allowed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:attachment_file", kwargs={"name": self.file.name})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def clean(self) -> None:
        # The validator has already refused a wrong type or size; record what it found, from
        # the content, so that the download is served with the type the bytes really have.
        if self.file and not getattr(self.file, "_committed", True):
            self.content_type = sniff_attachment(self.file)
            self.size = self.file.size
            self.original_name = self.file.name.rsplit("/", 1)[-1][:200]
