"""Coordination between agencies: rakor meetings, their minutes and the follow-ups they set.

The minutes (notulen) are written as a Markdown draft on the meeting. Publishing copies the draft
into a MinutesRevision, which is never updated again: the database refuses an UPDATE of a
revision (migration 0003), the model's clean() refuses it in forms, and the services only ever
insert. A correction is a new revision with who made it and why; every earlier revision stays
readable. Once the first revision exists, the meeting's record (its header, agenda, attendance,
statements and decisions) is locked as well: what was published is what the notulen says.
Action items stay editable, since their status is followed after the meeting.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coordination.storage import PrivateAttachmentStorage, attachment_upload_to
from coordination.uploads import sniff_attachment, validate_attachment
from core.access import access_of
from deployments.models import Unit
from tps.models import TPS, Desa, Kecamatan


class CoordinationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CoordinationQuerySet":
        # Minutes and follow-ups are for the command: Polsek staff read them too; field officers
        # never do.
        return self if access_of(user).reads_dashboard else self.none()


class Agency(models.Model):
    """An agency at the table: Polres, Kodim, Pemkot, KPU, Bawaslu, Kesbangpol, BPBD…"""

    class Kind(models.TextChoices):
        FORKOPIMDA = "forkopimda", _("Forkopimda")
        FORKOPIMCAM = "forkopimcam", _("Forkopimcam")
        PENYELENGGARA = "penyelenggara", _("Penyelenggara pemilu")
        PEMDA = "pemda", _("Perangkat daerah")
        OTHER = "lainnya", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class LockedWithMinutes(models.Model):
    """A part of the notulen: refused in clean() once the meeting's minutes are published."""

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if not self.meeting_id:
            return
        if not MinutesRevision.objects.filter(meeting_id=self.meeting_id).exists():
            return
        # The admin validates every inline row on each save, changed or not: refuse only a row
        # that is new or differs from what was published.
        fields = [f.attname for f in self._meta.concrete_fields if not f.primary_key]
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first() if self.pk else None
        if stored is None or any(getattr(self, f) != stored[f] for f in fields):
            raise ValidationError(MINUTES_LOCKED)


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


class AgendaItem(LockedWithMinutes):
    """One item of a meeting's agenda; a follow-up carried over from an earlier meeting links it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("rapat")
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    title = models.CharField(_("butir agenda"), max_length=300)
    action_item = models.ForeignKey(
        "ActionItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("tindak lanjut yang dibawa"),
        help_text=_("Diisi otomatis: tindak lanjut rapat sebelumnya yang belum selesai."),
    )

    class Meta:
        verbose_name = _("butir agenda")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "action_item"],
                condition=Q(action_item__isnull=False),
                name="coordination_agendaitem_carried_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(LockedWithMinutes):
    """Who came to a meeting for an agency, and whether in person or represented."""

    class Presence(models.TextChoices):
        PRESENT = "present", _("Hadir")
        REPRESENTED = "represented", _("Diwakilkan")
        ABSENT = "absent", _("Tidak hadir")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("rapat")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("instansi")
    )
    person_name = models.CharField(_("nama"), max_length=150, blank=True)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    presence = models.CharField(
        _("kehadiran"), max_length=12, choices=Presence.choices, default=Presence.PRESENT
    )

    class Meta:
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency", "person_name"],
                name="coordination_attendance_unique_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.person_name or '-'}"


class Statement(LockedWithMinutes):
    """What a speaker presented or said at a meeting (the Kapolres, the Dandim, the Sekda…)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="statements", verbose_name=_("rapat")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("instansi"),
    )
    speaker = models.CharField(_("pembicara"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    text = models.TextField(_("isi"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("paparan/arahan")
        verbose_name_plural = _("paparan/arahan")
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:60]}"


class Decision(LockedWithMinutes):
    """A conclusion (kesimpulan) the meeting agreed on."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("rapat")
    )
    text = models.TextField(_("keputusan"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return self.text[:80]


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


class ReadinessItem(models.Model):
    """One of the asta siap, the eight readinesses of the operation, as a checklist line.

    No public source lists the eight: the defaults (DOMAIN.md) are our estimate and are shown as
    such until the command edits them in the admin.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("kesiapan"), max_length=150)
    description = models.TextField(_("uraian"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    active = models.BooleanField(_("aktif"), default=True)
    is_estimate = models.BooleanField(
        _("perkiraan"),
        default=True,
        help_text=_("Butir bawaan yang belum ditetapkan komando; hilang setelah diubah di admin."),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("butir asta siap")
        verbose_name_plural = _("butir asta siap")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


READINESS_SYMBOLS = {"unknown": "?", "not_ready": "✗", "partial": "½", "ready": "✓"}


class UnitReadiness(models.Model):
    """How ready one unit is on one asta siap item, with the evidence and the last review."""

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Belum dinilai")
        NOT_READY = "not_ready", _("Belum siap")
        PARTIAL = "partial", _("Sebagian")
        READY = "ready", _("Siap")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="readiness", verbose_name=_("satuan")
    )
    item = models.ForeignKey(
        ReadinessItem,
        on_delete=models.CASCADE,
        related_name="unit_rows",
        verbose_name=_("butir asta siap"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNKNOWN
    )
    evidence = models.TextField(
        _("catatan bukti"), blank=True, help_text=_("Apa yang dilihat: dokumen, apel, pengecekan.")
    )
    reviewed_on = models.DateField(_("terakhir dinilai"), null=True, blank=True)
    reviewed_by = models.CharField(_("dinilai oleh"), max_length=150, blank=True)
    is_estimate = models.BooleanField(
        _("perkiraan"),
        default=True,
        help_text=_("Status contoh/perkiraan; hilang setelah komando menilainya di admin."),
    )

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kesiapan satuan")
        verbose_name_plural = _("kesiapan satuan (asta siap)")
        ordering = ["unit", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "item"], name="coordination_unitreadiness_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["unknown", "not_ready", "partial", "ready"]),
                name="coordination_unitreadiness_status_valid",
            ),
            # A judgement needs a date: "siap" without saying since when says nothing.
            models.CheckConstraint(
                condition=Q(status="unknown") | Q(reviewed_on__isnull=False),
                name="coordination_unitreadiness_judged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.item} ({self.get_status_display()})"

    @property
    def symbol(self) -> str:
        """A mark that tells the four statuses apart without colour."""
        return READINESS_SYMBOLS[self.status]

    def clean(self) -> None:
        if self.status != self.Status.UNKNOWN and self.reviewed_on is None:
            raise ValidationError({"reviewed_on": _("Isi tanggal penilaian.")})
