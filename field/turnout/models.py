"""Turnout per TPS (issue #19): pengguna hak pilih against the DPT, as reported at closing.

The bound (DPT plus the allowed additions, DPTb/DPK) is copied onto the row so the database can
refuse an impossible figure by itself; the service fills it from the TPS at write time."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
