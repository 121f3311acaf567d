"""Turnout per TPS (issue #19): pengguna hak pilih against the DPT, as reported at closing.

The bound (DPT plus the allowed additions, DPTb/DPK) is copied onto the row so the database can
refuse an impossible figure by itself; the service fills it from the TPS at write time."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# 07.00–13.00 WIB: the hours a TPS is open, when a KPPS may share a count (the database's check).
COUNT_HOURS = range(7, 14)


class TurnoutReport(models.Model):
    class Source(models.TextChoices):
        OFFICER = "officer", _("laporan petugas")
        POSKO = "posko", _("entri Posko")
        KPU = "kpu", _("data KPU")

    tps = models.ForeignKey(
        "tps.TPS", on_delete=models.PROTECT, related_name="turnout_reports", verbose_name=_("TPS")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelapor"),
    )
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    voters_used = models.IntegerField(_("pengguna hak pilih"))
    dpt = models.PositiveIntegerField(_("DPT saat dilaporkan"))
    max_voters = models.PositiveIntegerField(_("batas pengguna hak pilih (DPT + tambahan)"))
    reported_at = models.DateTimeField(_("waktu laporan"))
    idempotency_key = models.UUIDField(
        _("kunci idempoten"),
        null=True,
        blank=True,
        help_text=_("Dibuat oleh ponsel/formulir; kiriman ulang dari antrean offline tidak ganda."),
    )

    class Meta:
        verbose_name = _("laporan kehadiran pemilih")
        verbose_name_plural = _("laporan kehadiran pemilih")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voters_used__gte=0) & Q(voters_used__lte=F("max_voters")),
                name="field_turnout_voters_within_bound",
            ),
            models.CheckConstraint(
                condition=Q(max_voters__gte=F("dpt")), name="field_turnout_bound_covers_dpt"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["officer", "posko", "kpu"]),
                name="field_turnout_source_valid",
            ),
            # A resend from the offline queue must not write a second row (KPU imports have none).
            models.UniqueConstraint(fields=["idempotency_key"], name="field_turnout_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.tps_id}: {self.voters_used}/{self.dpt}"


class TurnoutCount(models.Model):
    """An hourly count of a TPS's voters so far, when the KPPS shares one (issue #19): what the
    guard was told at, say, 10.00 WIB. One per TPS, hour and source; bounded like the closing
    report (DPT plus the allowed additions, copied onto the row)."""

    tps = models.ForeignKey(
        "tps.TPS", on_delete=models.PROTECT, related_name="turnout_counts", verbose_name=_("TPS")
    )
    hour = models.PositiveSmallIntegerField(
        _("pukul (WIB)"), help_text=_("Jam hitungan pada hari pemungutan, 7–13 WIB.")
    )
    voters_so_far = models.IntegerField(_("pemilih sejauh ini"))
    source = models.CharField(_("sumber"), max_length=10, choices=TurnoutReport.Source.choices)
    dpt = models.PositiveIntegerField(_("DPT saat dilaporkan"))
    max_voters = models.PositiveIntegerField(_("batas pengguna hak pilih (DPT + tambahan)"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelapor"),
    )
    reported_at = models.DateTimeField(_("waktu laporan"))
    idempotency_key = models.UUIDField(_("kunci idempoten"), null=True, blank=True)

    class Meta:
        verbose_name = _("hitungan pemilih per jam")
        verbose_name_plural = _("hitungan pemilih per jam")
        ordering = ["tps", "hour"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voters_so_far__gte=0) & Q(voters_so_far__lte=F("max_voters")),
                name="field_turnoutcount_voters_within_bound",
            ),
            models.CheckConstraint(
                condition=Q(max_voters__gte=F("dpt")), name="field_turnoutcount_bound_covers_dpt"
            ),
            models.CheckConstraint(
                condition=Q(hour__gte=7) & Q(hour__lte=13), name="field_turnoutcount_hour_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["officer", "posko", "kpu"]),
                name="field_turnoutcount_source_valid",
            ),
            # One count per TPS, hour and source: a second officer's count of the same hour is
            # refused, not added (the dashboard sums per hour).
            models.UniqueConstraint(
                fields=["tps", "hour", "source"], name="field_turnoutcount_unique_hour"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="field_turnoutcount_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tps_id} {self.hour:02d}.00: {self.voters_so_far}/{self.dpt}"
