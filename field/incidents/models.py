"""The tables of incident command: an incident, the reports that raised it, its timeline.

Times are operation-clock times (core.clock), like the situation reports they answer; the
response clock is their differences. The database refuses the states the lifecycle cannot reach
(``field_incident_<rule>`` check constraints): the services are the only writers, and the
constraints are there for the day a bug, a shell or a migration tries anyway.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of
from field.geo import not_before, position_complete

NOTE_MAX = 2000


class IncidentClass(models.TextChoices):
    """Polri's classes of gangguan kamtibmas, and the election's own."""

    KEJAHATAN = "kejahatan", _("Kejahatan")
    PELANGGARAN = "pelanggaran", _("Pelanggaran")
    GANGGUAN = "gangguan", _("Gangguan")
    BENCANA = "bencana", _("Bencana")
    PELANGGARAN_PEMILU = "pelanggaran_pemilu", _("Pelanggaran pemilu (Sentra Gakkumdu)")
    HOAKS = "hoaks", _("Hoaks")
    UNJUK_RASA = "unjuk_rasa", _("Unjuk rasa")
    BENTROK_MASSA = "bentrok_massa", _("Bentrok massa")
    GANGGUAN_LOGISTIK = "gangguan_logistik", _("Gangguan logistik")
    TPS_TERDAMPAK_BENCANA = "tps_terdampak_bencana", _("TPS terdampak bencana")


class Severity(models.IntegerChoices):
    """How urgent: a number, so that the board sorts by it."""

    RENDAH = 1, _("Rendah")
    SEDANG = 2, _("Sedang")
    TINGGI = 3, _("Tinggi")
    DARURAT = 4, _("Darurat")


class IncidentState(models.TextChoices):
    DILAPORKAN = "dilaporkan", _("Dilaporkan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DITANGANI = "ditangani", _("Ditangani (unit dikirim)")
    DI_LOKASI = "di_lokasi", _("Unit di lokasi")
    SELESAI = "selesai", _("Selesai")
    DITOLAK = "ditolak", _("Ditolak")
    DUPLIKAT = "duplikat", _("Duplikat")


OPEN_STATES = (
    IncidentState.DILAPORKAN,
    IncidentState.DIVERIFIKASI,
    IncidentState.DITANGANI,
    IncidentState.DI_LOKASI,
)
CLOSED_STATES = (IncidentState.DITOLAK, IncidentState.DUPLIKAT)
# A unit is sent and has not finished: the states in which a responder's dispatch runs.
RESPONDING_STATES = (IncidentState.DITANGANI, IncidentState.DI_LOKASI)
S = IncidentState


class IncidentQuerySet(models.QuerySet):
    """Scope: the command and admins see every incident, Polsek staff their kecamatan's, field
    officers none (they keep their /me/)."""

    def visible_to(self, user) -> "IncidentQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            return self.filter(kecamatan_id=access.kecamatan_id)
        return self.none()

    def open(self) -> "IncidentQuerySet":
        return self.filter(state__in=OPEN_STATES)

    def for_board(self) -> "IncidentQuerySet":
        """With what a board row shows, in its order: severity, then the longest waiting."""
        return (
            self.select_related("tps__desa", "desa", "kecamatan", "verified_by")
            .defer("tps__desa__boundary", "desa__boundary", "kecamatan__boundary")
            .prefetch_related("responders")
            .order_by("-severity", "reported_at", "pk")
        )


class Incident(models.Model):
    """A kejadian: a disturbance at a place that the command answers, from the first report
    to its end. Raised by one or more situation reports (the command merges reports of the
    same event), or opened by the command; it moves dilaporkan → diverifikasi → ditangani (a
    unit sent) → di lokasi → selesai, or ends as ditolak or duplikat with a reason."""

    title = models.CharField(
        _("ringkasan"), max_length=200, help_text=_("Satu baris: apa yang terjadi, di mana.")
    )
    incident_class = models.CharField(
        _("golongan"),
        max_length=24,
        choices=IncidentClass.choices,
        help_text=_("Golongan gangguan kamtibmas, atau golongan khusus pemilu."),
    )
    severity = models.PositiveSmallIntegerField(
        _("tingkat"), choices=Severity.choices, default=Severity.SEDANG
    )
    state = models.CharField(
        _("status"), max_length=12, choices=IncidentState.choices, default=S.DILAPORKAN
    )
    tps = models.ForeignKey(
        "tps.TPS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("TPS"),
    )
    desa = models.ForeignKey(
        "tps.Desa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
        help_text=_("Dari TPS atau desanya; menentukan Polsek yang melihat dan menanganinya."),
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    reported_at = models.DateTimeField(
        _("dilaporkan"), help_text=_("Waktu operasi laporan pertama: awal jam respons.")
    )
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("unit dikirim"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("unit tiba"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("ditutup"), null=True, blank=True, help_text=_("Saat ditolak atau ditandai duplikat.")
    )
    close_reason = models.TextField(
        _("alasan ditutup"),
        max_length=NOTE_MAX,
        blank=True,
        help_text=_("Wajib bila ditolak atau duplikat."),
    )
    resolution = models.TextField(
        _("hasil penanganan"),
        max_length=NOTE_MAX,
        blank=True,
        help_text=_("Wajib bila selesai: apa yang dilakukan dan keadaannya sekarang."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplikat dari"),
    )
    dispatch_note = models.TextField(
        _("yang dikirim"),
        max_length=NOTE_MAX,
        blank=True,
        help_text=_("Unit atau personel yang dikirim, seperti dicatat komando."),
    )
    responders = models.ManyToManyField(
        "deployments.Personnel",
        blank=True,
        related_name="incidents_responded",
        verbose_name=_("personel dikirim"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuka oleh"),
        help_text=_("Kosong: dibuka otomatis dari laporan mendesak."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    created_at = models.DateTimeField(_("tercatat"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("kejadian")
        verbose_name_plural = _("kejadian")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-severity", "reported_at"]),
            models.Index(fields=["kecamatan", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=S.values), name="field_incident_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(incident_class__in=IncidentClass.values),
                name="field_incident_class_valid",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="field_incident_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(tps__isnull=False)
                | Q(desa__isnull=False)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="field_incident_place_given",
            ),
            models.CheckConstraint(
                condition=position_complete(),
                name="field_incident_position_complete",
            ),
            # The steps in their order: each needs the one before it, and comes no earlier.
            models.CheckConstraint(
                condition=not_before("verified_at", "reported_at"),
                name="field_incident_verified_after_reported",
            ),
            models.CheckConstraint(
                condition=not_before("dispatched_at", "verified_at"),
                name="field_incident_dispatched_after_verified",
            ),
            models.CheckConstraint(
                condition=not_before("arrived_at", "dispatched_at"),
                name="field_incident_arrived_after_dispatched",
            ),
            models.CheckConstraint(
                condition=not_before("resolved_at", "arrived_at"),
                name="field_incident_resolved_after_arrived",
            ),
            models.CheckConstraint(
                condition=not_before("closed_at", "reported_at"),
                name="field_incident_closed_after_reported",
            ),
            # Each open state has its step's time, and none of the next step's.
            models.CheckConstraint(
                condition=Q(state=S.DILAPORKAN, verified_at=None)
                | Q(state=S.DIVERIFIKASI, verified_at__isnull=False, dispatched_at=None)
                | Q(state=S.DITANGANI, dispatched_at__isnull=False, arrived_at=None)
                | Q(state=S.DI_LOKASI, arrived_at__isnull=False)
                | Q(state__in=[S.SELESAI, S.DITOLAK, S.DUPLIKAT]),
                name="field_incident_state_has_its_time",
            ),
            models.CheckConstraint(
                condition=Q(state=S.SELESAI, resolved_at__isnull=False)
                | (~Q(state=S.SELESAI) & Q(resolved_at=None)),
                name="field_incident_resolved_needs_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.SELESAI) | ~Q(resolution=""),
                name="field_incident_resolved_needs_resolution",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CLOSED_STATES, closed_at__isnull=False) & ~Q(close_reason="")
                | (~Q(state__in=CLOSED_STATES) & Q(closed_at=None, close_reason="")),
                name="field_incident_closed_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(state=S.DUPLIKAT, duplicate_of__isnull=False)
                | (~Q(state=S.DUPLIKAT) & Q(duplicate_of=None)),
                name="field_incident_duplicate_needs_original",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk")),
                name="field_incident_not_its_own_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"K-{self.pk:04d} {self.title}" if self.pk else self.title

    @property
    def number(self) -> str:
        return f"K-{self.pk:04d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def place_label(self) -> str:
        if self.tps_id is not None:
            return str(self.tps)
        if self.desa_id is not None:
            return str(self.desa)
        return f"{self.latitude}, {self.longitude}"

    @property
    def position(self) -> tuple | None:
        """Where to go: the incident's own point, else its TPS's; None for a desa alone."""
        if self.latitude is not None:
            return (self.latitude, self.longitude)
        if self.tps_id is not None:
            return (self.tps.latitude, self.tps.longitude)
        return None

    # The response clock: whole minutes from the first report to each step, None until then.

    def _minutes(self, at: datetime | None) -> int | None:
        if at is None:
            return None
        return int((at - self.reported_at).total_seconds() // 60)

    @property
    def minutes_to_verify(self) -> int | None:
        return self._minutes(self.verified_at)

    @property
    def minutes_to_dispatch(self) -> int | None:
        return self._minutes(self.dispatched_at)

    @property
    def minutes_to_arrive(self) -> int | None:
        return self._minutes(self.arrived_at)

    @property
    def minutes_to_resolve(self) -> int | None:
        return self._minutes(self.resolved_at)

    def minutes_waiting(self, now: datetime) -> int:
        """Minutes since the first report (the age the board shows an open incident with)."""
        return max(0, int((now - self.reported_at).total_seconds() // 60))


class IncidentReport(models.Model):
    """A situation report that raised an incident, or was merged into it. A report belongs to
    at most one incident: the unique report is what makes opening an incident from the same
    report twice (the phone's offline queue resending it) open one."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="links", verbose_name=_("kejadian")
    )
    report = models.OneToOneField(
        "field.SituationReport",
        on_delete=models.CASCADE,
        related_name="incident_link",
        verbose_name=_("laporan situasi"),
    )
    at = models.DateTimeField(_("digabung"), help_text=_("Waktu operasi."))

    class Meta:
        verbose_name = _("laporan kejadian")
        verbose_name_plural = _("laporan kejadian")
        constraints = [
            models.UniqueConstraint(fields=["report"], name="field_incidentreport_one_incident"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.report_id}"


class EventKind(models.TextChoices):
    """What a line of an incident's timeline records."""

    CREATED = "created", _("Dibuka")
    VERIFIED = "verified", _("Diverifikasi")
    DISPATCHED = "dispatched", _("Unit dikirim")
    ARRIVED = "arrived", _("Unit tiba")
    RESOLVED = "resolved", _("Selesai")
    REJECTED = "rejected", _("Ditolak")
    DUPLICATE = "duplicate", _("Ditandai duplikat")
    MERGED_REPORT = "merged_report", _("Laporan digabung")
    NOTE = "note", _("Catatan")
    SEVERITY_CHANGED = "severity_changed", _("Tingkat diubah")
    CLASS_CHANGED = "class_changed", _("Golongan diubah")
    NOTIFIED = "notified", _("Pemberitahuan dikirim")
    ACKNOWLEDGED = "acknowledged", _("Pemberitahuan ditanggapi")
    # A responder's own buttons on /me/ (field.dispatch.services.dispatch_progress).
    RESPONDER_DEPARTED = "responder_departed", _("Personel berangkat")
    RESPONDER_ARRIVED = "responder_arrived", _("Personel tiba")
    RESPONDER_FINISHED = "responder_finished", _("Personel selesai")


class IncidentEvent(models.Model):
    """One line of an incident's timeline: who did what when. Only ever added, by the
    services of field.incidents; nothing edits or removes a line."""

    Kind = EventKind

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("kejadian")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("waktu"), help_text=_("Waktu operasi."))
    recorded_at = models.DateTimeField(_("tercatat"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
        help_text=_("Kosong: dicatat sistem (laporan mendesak dari lapangan)."),
    )
    text = models.TextField(_("keterangan"), max_length=NOTE_MAX, blank=True)
    report = models.ForeignKey(
        "field.SituationReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laporan situasi"),
    )
    data = models.JSONField(
        _("rincian"), default=dict, blank=True, help_text=_("Mis. nilai lama dan baru.")
    )

    class Meta:
        verbose_name = _("catatan kejadian")
        verbose_name_plural = _("linimasa kejadian")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["incident", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values),
                name="field_incidentevent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.get_kind_display()} @ {self.at:%H:%M}"
