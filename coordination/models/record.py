"""What a meeting's notulen records besides its text: agenda, attendance, statements and
decisions, all locked once the minutes are published."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models.agency import Agency
from coordination.models.meeting import MINUTES_LOCKED, Meeting, MinutesRevision


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
