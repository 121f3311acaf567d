"""Logistics custody (issue #19): the ballot logistics moving in batches (kloter) per kecamatan.

Before the vote a batch goes KPU warehouse → PPK → PPS/TPS (distribusi); after counting it comes
back TPS → PPS → PPK → KPU (pengembalian). A batch has its cargo counted (boxes, ballots), its
vehicles, its escorts (the existing ``pengawalan_logistik`` posts of deployments, with whoever
holds their duties) and its legs in order. Each leg records its departure (with the counts that
left), arrival and the handover (the counts received and who received them).

A leg not arrived by its plan plus LOGISTICS_LATE_GRACE_MINUTES, or a handover whose counts differ
from what left, is a :class:`LogisticsFlag`: one per leg and reason (a unique constraint), each
with the ``gangguan_logistik`` incident it raised.

Times are operation-clock times (core.clock). The database refuses what must never be stored
(``field_logistics*_<rule>`` constraints); the services are the only writers of the recording.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.access import Role, access_of
from deployments.models import PostKind
from field.geo import not_before, position_complete

# An Indonesian plate: region letters, 1–4 digits (no leading zero), 0–3 suffix letters,
# single spaces ("AG 1234 XY", "B 1 A", "AG 1234"). Stored upper case.
PLATE_PATTERN = r"^[A-Z]{1,2} [1-9][0-9]{0,3}( [A-Z]{1,3})?$"
plate_validator = RegexValidator(
    PLATE_PATTERN,
    _("Nomor polisi tidak sah: tulis seperti \u201cAG 1234 XY\u201d (huruf, angka, huruf)."),
)


def normalise_plate(value: str) -> str:
    return " ".join((value or "").upper().split())


def late_grace() -> timedelta:
    return timedelta(minutes=settings.LOGISTICS_LATE_GRACE_MINUTES)


class LogisticsPlace(models.Model):
    """A point the logistics pass through: the KPU warehouse, a PPK (a kecamatan's committee),
    a PPS (a desa's) or a TPS. It carries what an incident needs to be placed: its TPS, its
    desa or a position (the warehouse and a PPK office have no desa of their own here)."""

    class Kind(models.TextChoices):
        GUDANG_KPU = "gudang_kpu", _("Gudang KPU")
        PPK = "ppk", _("PPK (kecamatan)")
        PPS = "pps", _("PPS (desa/kelurahan)")
        TPS = "tps", _("TPS")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=150)
    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
        help_text=_("Wajib untuk PPK."),
    )
    desa = models.ForeignKey(
        "tps.Desa",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
        help_text=_("Wajib untuk PPS."),
    )
    tps = models.ForeignKey(
        "tps.TPS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("TPS"),
        help_text=_("Wajib untuk TPS."),
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("titik logistik")
        verbose_name_plural = _("titik logistik")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="field_logisticsplace_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["gudang_kpu", "ppk", "pps", "tps"]),
                name="field_logisticsplace_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ppk") | Q(kecamatan__isnull=False),
                name="field_logisticsplace_ppk_has_kecamatan",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pps") | Q(desa__isnull=False),
                name="field_logisticsplace_pps_has_desa",
            ),
            models.CheckConstraint(
                condition=~Q(kind="tps") | Q(tps__isnull=False),
                name="field_logisticsplace_tps_has_tps",
            ),
            models.CheckConstraint(
                condition=position_complete(),
                name="field_logisticsplace_position_complete",
            ),
            # What an incident at this place needs (field_incident_place_given).
            models.CheckConstraint(
                condition=Q(tps__isnull=False)
                | Q(desa__isnull=False)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="field_logisticsplace_located",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def incident_place(self) -> dict:
        """The place fields of an incident here (field.incidents.services)."""
        if self.tps_id is not None:
            return {"tps_id": self.tps_id, "desa_id": self.tps.desa_id}
        if self.desa_id is not None:
            return {"desa_id": self.desa_id}
        return {"latitude": self.latitude, "longitude": self.longitude}


class LogisticsBatchQuerySet(models.QuerySet):
    """Scope: command staff and admins every batch, Polsek staff their kecamatan's, field
    officers none."""

    def visible_to(self, user) -> "LogisticsBatchQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            return self.filter(kecamatan_id=access.kecamatan_id)
        return self.none()


class LogisticsBatch(models.Model):
    """A kloter: one consignment of ballot logistics for one kecamatan, in one direction."""

    class Direction(models.TextChoices):
        DISTRIBUSI = "distribusi", _("Distribusi (gudang KPU → TPS)")
        PENGEMBALIAN = "pengembalian", _("Pengembalian (TPS → gudang KPU)")

    kecamatan = models.ForeignKey(
        "tps.Kecamatan",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    direction = models.CharField(_("arah"), max_length=12, choices=Direction.choices)
    code = models.CharField(
        _("kode kloter"), max_length=40, unique=True, help_text=_("Mis. \u201cMJR-D-01\u201d.")
    )
    boxes = models.PositiveIntegerField(_("kotak suara"), help_text=_("Jumlah kotak dimuat."))
    ballots = models.PositiveIntegerField(_("surat suara"), help_text=_("Jumlah surat suara."))
    escorts = models.ManyToManyField(
        "deployments.Post",
        blank=True,
        related_name="logistics_batches",
        limit_choices_to={"kind": PostKind.PENGAWALAN_LOGISTIK},
        verbose_name=_("pengawalan"),
        help_text=_(
            "Pos pengawalan logistik yang mengawal kloter ini (personelnya dari penugasan)."
        ),
    )
    note = models.TextField(_("catatan"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("tercatat"), auto_now_add=True)

    objects = LogisticsBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("kloter logistik")
        verbose_name_plural = _("kloter logistik")
        ordering = ["kecamatan__name", "direction", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["distribusi", "pengembalian"]),
                name="field_logisticsbatch_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(boxes__gte=0, ballots__gte=0),
                name="field_logisticsbatch_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LogisticsVehicle(models.Model):
    """A vehicle carrying a batch, by its plate."""

    batch = models.ForeignKey(
        LogisticsBatch, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("kloter")
    )
    plate = models.CharField(
        _("nomor polisi"),
        max_length=12,
        validators=[plate_validator],
        help_text=_("Mis. AG 1234 XY."),
    )
    description = models.CharField(_("keterangan"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("kendaraan")
        verbose_name_plural = _("kendaraan")
        ordering = ["batch", "plate"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "plate"], name="field_logisticsvehicle_unique"
            ),
            models.CheckConstraint(
                condition=Q(plate__regex=PLATE_PATTERN), name="field_logisticsvehicle_plate_shape"
            ),
        ]

    def __str__(self) -> str:
        return self.plate


class LogisticsLeg(models.Model):
    """One stretch of a batch's way, from one place to the next, with its plan and what
    happened: departure (and the counts that left), arrival, handover."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Belum berangkat")
        UNDER_WAY = "under_way", _("Dalam perjalanan")
        ARRIVED = "arrived", _("Tiba, belum serah terima")
        HANDED_OVER = "handed_over", _("Diserahterimakan")

    batch = models.ForeignKey(
        LogisticsBatch, on_delete=models.CASCADE, related_name="legs", verbose_name=_("kloter")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    origin = models.ForeignKey(
        LogisticsPlace, on_delete=models.PROTECT, related_name="+", verbose_name=_("dari")
    )
    destination = models.ForeignKey(
        LogisticsPlace, on_delete=models.PROTECT, related_name="+", verbose_name=_("ke")
    )
    planned_departure = models.DateTimeField(_("rencana berangkat"))
    planned_arrival = models.DateTimeField(_("rencana tiba"))
    departed_at = models.DateTimeField(_("berangkat"), null=True, blank=True)
    sent_boxes = models.PositiveIntegerField(
        _("kotak diberangkatkan"), null=True, blank=True, help_text=_("Dihitung saat berangkat.")
    )
    sent_ballots = models.PositiveIntegerField(
        _("surat suara diberangkatkan"), null=True, blank=True
    )
    arrived_at = models.DateTimeField(_("tiba"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("serah terima"), null=True, blank=True)
    received_boxes = models.PositiveIntegerField(_("kotak diterima"), null=True, blank=True)
    received_ballots = models.PositiveIntegerField(_("surat suara diterima"), null=True, blank=True)
    received_by_name = models.CharField(_("diterima oleh"), max_length=150, blank=True)
    received_by_role = models.CharField(
        _("jabatan penerima"), max_length=100, blank=True, help_text=_("Mis. Ketua PPK.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        verbose_name = _("perjalanan logistik")
        verbose_name_plural = _("perjalanan logistik")
        ordering = ["batch", "order"]
        indexes = [models.Index(fields=["arrived_at", "planned_arrival"])]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "order"], name="field_logisticsleg_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(planned_arrival__gt=F("planned_departure")),
                name="field_logisticsleg_plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(origin=F("destination")), name="field_logisticsleg_moves"
            ),
            models.CheckConstraint(
                condition=Q(departed_at=None, sent_boxes=None, sent_ballots=None)
                | Q(
                    departed_at__isnull=False, sent_boxes__isnull=False, sent_ballots__isnull=False
                ),
                name="field_logisticsleg_departure_counted",
            ),
            models.CheckConstraint(
                condition=not_before("arrived_at", "departed_at"),
                name="field_logisticsleg_arrival_after_departure",
            ),
            models.CheckConstraint(
                condition=not_before("handed_over_at", "arrived_at"),
                name="field_logisticsleg_handover_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(
                    handed_over_at=None,
                    received_boxes=None,
                    received_ballots=None,
                    received_by_name="",
                )
                | (
                    Q(
                        handed_over_at__isnull=False,
                        received_boxes__isnull=False,
                        received_ballots__isnull=False,
                    )
                    & ~Q(received_by_name="")
                ),
                name="field_logisticsleg_handover_complete",
            ),
            models.CheckConstraint(
                condition=(Q(sent_boxes=None) | Q(sent_boxes__gte=0))
                & (Q(sent_ballots=None) | Q(sent_ballots__gte=0))
                & (Q(received_boxes=None) | Q(received_boxes__gte=0))
                & (Q(received_ballots=None) | Q(received_ballots__gte=0)),
                name="field_logisticsleg_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} #{self.order}: {self.origin_id} → {self.destination_id}"

    @property
    def status(self) -> str:
        if self.handed_over_at is not None:
            return self.Status.HANDED_OVER
        if self.arrived_at is not None:
            return self.Status.ARRIVED
        if self.departed_at is not None:
            return self.Status.UNDER_WAY
        return self.Status.PLANNED

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def deadline(self) -> datetime:
        """The moment after which a leg not arrived is late."""
        return self.planned_arrival + late_grace()

    @property
    def counts_match(self) -> bool | None:
        if self.received_boxes is None or self.sent_boxes is None:
            return None
        return (self.received_boxes, self.received_ballots) == (self.sent_boxes, self.sent_ballots)


class LogisticsFlag(models.Model):
    """A leg the command must look at, with the incident it raised: exactly one per leg and
    reason, whoever raises it and however often (the beat, a resend, two Posko operators)."""

    class Reason(models.TextChoices):
        LATE = "terlambat", _("Terlambat dari rencana")
        MISMATCH = "selisih", _("Jumlah serah terima tidak cocok")

    leg = models.ForeignKey(
        LogisticsLeg, on_delete=models.CASCADE, related_name="flags", verbose_name=_("perjalanan")
    )
    reason = models.CharField(_("alasan"), max_length=10, choices=Reason.choices)
    raised_at = models.DateTimeField(_("ditandai"), help_text=_("Waktu operasi."))
    incident = models.OneToOneField(
        "field.Incident",
        on_delete=models.PROTECT,
        related_name="logistics_flag",
        verbose_name=_("kejadian"),
    )

    class Meta:
        verbose_name = _("tanda logistik")
        verbose_name_plural = _("tanda logistik")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["leg", "reason"], name="field_logisticsflag_unique"),
            models.CheckConstraint(
                condition=Q(reason__in=["terlambat", "selisih"]),
                name="field_logisticsflag_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leg_id}: {self.get_reason_display()}"
