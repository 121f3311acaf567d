"""Coordination between agencies: rakor meetings, their minutes and the follow-ups they set."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deployments.models import Unit
from opsboard.roles import access_of
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


class Meeting(models.Model):
    """A rakor (coordination meeting), TFG or apel, with its minutes (notulen)."""

    class Kind(models.TextChoices):
        RAKOR_LINTAS_SEKTORAL = "rakor_lintas_sektoral", _("Rakor lintas sektoral")
        RAKOR_INTERNAL = "rakor_internal", _("Rakor internal")
        TFG = "tfg", _("TFG")
        APEL = "apel", _("Apel")

    number = models.CharField(_("nomor"), max_length=80, unique=True)
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    held_at = models.DateTimeField(_("waktu"))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(_("pimpinan rapat"), max_length=150)
    minute_taker = models.CharField(_("notulis"), max_length=150, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Satu butir agenda per baris."))
    minutes = models.TextField(_("notulen"), blank=True, help_text=_("Ditulis dalam Markdown."))
    issues_raised = models.TextField(_("permasalahan"), blank=True)

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapat")
        verbose_name_plural = _("rapat")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Attendance(models.Model):
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


class Statement(models.Model):
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


class Decision(models.Model):
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


class ActionItem(models.Model):
    """A follow-up (tindak lanjut) with an owner and a due date, so that nothing agreed vanishes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        IN_PROGRESS = "in_progress", _("Dikerjakan")
        DONE = "done", _("Selesai")
        DROPPED = "dropped", _("Dibatalkan")

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

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="coordination_actionitem_dropped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]
