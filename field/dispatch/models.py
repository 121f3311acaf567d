"""The link between an incident and the duty of a person sent to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Progress(models.TextChoices):
    """Where the responder is, by their own buttons on /me/ (field.dispatch.services)."""

    DIKIRIM = "dikirim", _("Dikirim")
    BERANGKAT = "berangkat", _("Berangkat")
    TIBA = "tiba", _("Tiba")
    SELESAI = "selesai", _("Selesai")


class Step(models.TextChoices):
    """A button of the responder's dispatch card."""

    BERANGKAT = "berangkat", _("Berangkat")
    TIBA = "tiba", _("Tiba")
    SELESAI = "selesai", _("Selesai")


class IncidentDispatch(models.Model):
    """A person the command sent to an incident: their temporary duty there (an Assignment of
    kind Penanganan kejadian) and the duty they were relieved of to go (its end is the moment
    they were sent). What the responder's /me/ will show as "your dispatch"."""

    incident = models.ForeignKey(
        "field.Incident",
        on_delete=models.CASCADE,
        related_name="dispatches",
        verbose_name=_("kejadian"),
    )
    duty = models.OneToOneField(
        "deployments.Assignment",
        on_delete=models.PROTECT,
        related_name="incident_dispatch",
        verbose_name=_("tugas penanganan"),
        help_text=_("Penugasan sementara di kejadian ini."),
    )
    relieved = models.ForeignKey(
        "deployments.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tugas yang ditinggalkan"),
        help_text=_("Tugas yang sedang dijalankan saat dikirim; berakhir pada saat itu."),
    )
    personnel = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.PROTECT,
        related_name="incident_dispatches",
        verbose_name=_("personel"),
    )
    at = models.DateTimeField(_("dikirim"), help_text=_("Waktu operasi."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikirim oleh"),
    )
    note = models.TextField(
        _("catatan pengiriman"), blank=True, help_text=_("Pesan komando kepada yang dikirim.")
    )
    # The responder's own steps (docs/incidents.md, "Responders' phones"); Berangkat may be
    # skipped, Selesai needs Tiba (a Selesai sent first records both at once).
    progress = models.CharField(
        _("kemajuan"), max_length=10, choices=Progress.choices, default=Progress.DIKIRIM
    )
    departed_at = models.DateTimeField(_("berangkat"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("tiba"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman personel")
        verbose_name_plural = _("pengiriman personel")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["personnel", "at"])]
        constraints = [
            # The duty sent to is never the one left behind.
            models.CheckConstraint(
                condition=~Q(relieved=models.F("duty")),
                name="field_incidentdispatch_relieved_not_duty",
            ),
            models.CheckConstraint(
                condition=Q(progress__in=Progress.values),
                name="field_incidentdispatch_progress_valid",
            ),
            # Each step's time is there exactly when the step is reached (Berangkat may be
            # skipped: Tiba and Selesai do not need it).
            models.CheckConstraint(
                condition=(
                    Q(
                        progress=Progress.DIKIRIM,
                        departed_at=None,
                        arrived_at=None,
                        finished_at=None,
                    )
                    | Q(
                        progress=Progress.BERANGKAT,
                        departed_at__isnull=False,
                        arrived_at=None,
                        finished_at=None,
                    )
                    | Q(progress=Progress.TIBA, arrived_at__isnull=False, finished_at=None)
                    | Q(
                        progress=Progress.SELESAI,
                        arrived_at__isnull=False,
                        finished_at__isnull=False,
                    )
                ),
                name="field_incidentdispatch_progress_has_its_time",
            ),
            models.CheckConstraint(
                condition=Q(departed_at=None) | Q(departed_at__gte=models.F("at")),
                name="field_incidentdispatch_departed_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(arrived_at=None)
                | Q(arrived_at__gte=models.F("at"), departed_at=None)
                | Q(arrived_at__gte=models.F("departed_at")),
                name="field_incidentdispatch_arrived_after_departed",
            ),
            models.CheckConstraint(
                condition=Q(finished_at=None) | Q(finished_at__gte=models.F("arrived_at")),
                name="field_incidentdispatch_finished_after_arrived",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.personnel_id}"


class DispatchStep(models.Model):
    """One press of Berangkat, Tiba or Selesai on the responder's phone: the request's record,
    so that the offline queue's resend (same idempotency key) returns it and writes nothing.
    The dispatch's own columns hold the state; this row holds who sent what, and the note."""

    Step = Step

    dispatch = models.ForeignKey(
        IncidentDispatch,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("pengiriman"),
    )
    step = models.CharField(_("langkah"), max_length=10, choices=Step.choices)
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi."))
    note = models.TextField(_("catatan"), blank=True)
    idempotency_key = models.UUIDField(
        _("kunci kirim"), unique=True, help_text=_("Dari ponsel: kiriman ulang disimpan sekali.")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )

    class Meta:
        verbose_name = _("langkah personel")
        verbose_name_plural = _("langkah personel")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "step"], name="field_dispatchstep_once_per_step"
            ),
            models.CheckConstraint(
                condition=Q(step__in=Step.values),
                name="field_dispatchstep_step_valid",
            ),
            models.CheckConstraint(
                condition=~Q(step=Step.SELESAI) | ~Q(note=""),
                name="field_dispatchstep_finish_says_what_was_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: {self.step} @ {self.at:%H:%M}"
