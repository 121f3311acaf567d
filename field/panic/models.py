"""The panic button's tables (docs/incidents.md, "Panic"): the alert that links a person to the
darurat incident their press opened, and every press that arrived. The rules are database
constraints: each press's key once, one open alert per person."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from field.geo import position_complete
from field.incidents.models import Incident


class PanicAlert(models.Model):
    """A field officer's panic button: the darurat incident it opened, one per incident.

    One open alert per person (a partial unique index): a double press or a second tab (each
    with its own idempotency key) joins the open incident instead of opening another. The
    alert closes with its incident (field.incidents.services._release_responders, at every
    closing transition), after which a new press opens a new incident."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="panic", verbose_name=_("kejadian")
    )
    person = models.ForeignKey(
        "deployments.Personnel",
        on_delete=models.PROTECT,
        related_name="panic_alerts",
        verbose_name=_("personel"),
    )
    raised_at = models.DateTimeField(_("ditekan"), help_text=_("Waktu operasi tekanan pertama."))
    is_open = models.BooleanField(_("terbuka"), default=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        verbose_name = _("tanda darurat")
        verbose_name_plural = _("tanda darurat")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_open=True),
                name="field_panicalert_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(is_open=True, closed_at=None)
                | Q(is_open=False, closed_at__isnull=False, closed_at__gte=models.F("raised_at")),
                name="field_panicalert_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.incident_id}"


class PanicSignal(models.Model):
    """One arrival of a press at the server, with the phone's position if it had one. The
    idempotency key is unique: the phone's offline queue resending the same press (a lost
    answer) stores it once."""

    alert = models.ForeignKey(
        PanicAlert, on_delete=models.CASCADE, related_name="signals", verbose_name=_("tanda")
    )
    idempotency_key = models.UUIDField(_("kunci kiriman"))
    at = models.DateTimeField(_("diterima"), help_text=_("Waktu operasi."))
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.PositiveIntegerField(_("akurasi (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("tekanan tombol darurat")
        verbose_name_plural = _("tekanan tombol darurat")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="field_panicsignal_key_once"),
            models.CheckConstraint(
                condition=position_complete(), name="field_panicsignal_position_complete"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} @ {self.at:%H:%M:%S}"
