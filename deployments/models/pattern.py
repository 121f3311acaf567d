"""The security pattern (pola pengamanan), the posts that are not a TPS, and the orders (Sprin)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import access_of
from deployments.models.operation import Operation, Phase
from deployments.models.personnel import Force
from tps.geo import PointCheck, check_point
from tps.models import Desa, Kerawanan


class SecurityPattern(models.Model):
    """The pola pengamanan: how many of a force a TPS of a class needs, e.g. 2 Polri per 4 TPS.

    A row with no phase applies to all phases; a row for the phase overrides it. No row for a
    force means nothing is required of it.
    """

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="patterns", verbose_name=_("operasi")
    )
    kerawanan = models.CharField(_("kerawanan"), max_length=20, choices=Kerawanan.choices)
    phase = models.ForeignKey(
        Phase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patterns",
        verbose_name=_("tahapan"),
        help_text=_("Kosong: berlaku untuk semua tahapan."),
    )
    force = models.CharField(_("matra"), max_length=10, choices=Force.choices)
    personnel_count = models.PositiveSmallIntegerField(
        _("jumlah personel"), validators=[MinValueValidator(1)]
    )
    tps_count = models.PositiveSmallIntegerField(
        _("per jumlah TPS"), validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords(verbose_name=_("riwayat pola pengamanan"))

    class Meta:
        verbose_name = _("pola pengamanan")
        verbose_name_plural = _("pola pengamanan")
        ordering = ["operation", "kerawanan", "force"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "kerawanan", "phase", "force"],
                name="deployments_securitypattern_unique_phase_row",
            ),
            models.UniqueConstraint(
                fields=["operation", "kerawanan", "force"],
                condition=Q(phase__isnull=True),
                name="deployments_securitypattern_unique_all_phases_row",
            ),
            models.CheckConstraint(
                condition=Q(personnel_count__gte=1, tps_count__gte=1),
                name="deployments_securitypattern_counts_positive",
            ),
        ]

    def __str__(self) -> str:
        scope = self.phase or _("semua tahapan")
        return (
            f"{self.get_kerawanan_display()}: {self.personnel_count} {self.get_force_display()} "
            f"per {self.tps_count} TPS ({scope})"
        )

    @property
    def per_tps(self) -> float:
        return self.personnel_count / self.tps_count


class PostKind(models.TextChoices):
    PAM_TPS = "pam_tps", _("Pam TPS")
    POS_PAM = "pos_pam", _("Pos Pam")
    POSKO = "posko", _("Posko")
    PATROLI = "patroli", _("Patroli")
    PENGAWALAN_LOGISTIK = "pengawalan_logistik", _("Pengawalan logistik")
    CADANGAN = "cadangan", _("Cadangan")
    PADAL = "padal", _("Padal")
    # Not a post: the temporary duty of a person the command sends to an incident
    # (field.dispatch). It has neither post nor TPS; coverage never counts it.
    KEJADIAN = "kejadian", _("Penanganan kejadian")


class PostQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PostQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.kecamatan_id is not None:
            return self.filter(desa__kecamatan_id=access.kecamatan_id)
        return self.none()


class Post(models.Model):
    """A place or duty that is not a single TPS: a Posko, a Pos Pam, a patrol route, a reserve."""

    kind = models.CharField(_("jenis"), max_length=20, choices=PostKind.choices)
    name = models.CharField(_("nama"), max_length=150)
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("desa/kelurahan"),
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat pos"))

    class Meta:
        verbose_name = _("pos")
        verbose_name_plural = _("pos")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="deployments_post_unique_name"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="deployments_post_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def point_check(self) -> PointCheck:
        if self.desa_id is None or self.latitude is None or self.longitude is None:
            return PointCheck(PointCheck.UNCHECKED)
        return check_point(self.desa, float(self.latitude), float(self.longitude))

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")}
            )
        result = self.point_check()
        if result.verdict == PointCheck.OUTSIDE:
            raise ValidationError({"latitude": result.message})


class Sprin(models.Model):
    """A surat perintah (order) signed by the Kapolres; its annex lists the assignments."""

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="sprins", verbose_name=_("operasi")
    )
    number = models.CharField(_("nomor"), max_length=80, unique=True)
    date = models.DateField(_("tanggal"))
    signer = models.CharField(_("penandatangan"), max_length=150)

    history = HistoricalRecords(verbose_name=_("riwayat Sprin"))

    class Meta:
        verbose_name = _("Sprin")
        verbose_name_plural = _("Sprin")
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return self.number
