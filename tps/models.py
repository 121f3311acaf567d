"""Places: Kabupaten/Kota → Kecamatan → Desa/Kelurahan → TPS, with Kemendagri codes."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import access_of
from tps.geo import PointCheck, check_point


class Kerawanan(models.TextChoices):
    """Polri's vulnerability class of a TPS."""

    KURANG_RAWAN = "kurang_rawan", _("Kurang rawan")
    RAWAN = "rawan", _("Rawan")
    SANGAT_RAWAN = "sangat_rawan", _("Sangat rawan")
    KHUSUS = "khusus", _("Khusus")


class AreaQuerySet(models.QuerySet):
    kecamatan_path = "kecamatan"

    def in_kecamatan(self, kecamatan) -> "AreaQuerySet":
        """The rows of one kecamatan (a Kecamatan or its id)."""
        return self.filter(**{self.kecamatan_path: kecamatan})

    def visible_to(self, user) -> "AreaQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.kecamatan_id is not None:
            return self.in_kecamatan(access.kecamatan_id)
        return self.none()


class KabKota(models.Model):
    """A kabupaten (regency) or kota (city): Kota Kediri 3571, Kabupaten Kediri 3506."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("Kota")
        KABUPATEN = "kabupaten", _("Kabupaten")

    code = models.CharField(
        _("kode"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$")],
        help_text=_("Kode Kemendagri tanpa titik, mis. 3571."),
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="tps_kabkota_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KecamatanQuerySet(AreaQuerySet):
    kecamatan_path = "pk"  # AreaQuerySet.visible_to: a kecamatan is its own scope


class Kecamatan(models.Model):
    """A kecamatan (district); each has one Polsek."""

    kabkota = models.ForeignKey(
        KabKota,
        on_delete=models.PROTECT,
        related_name="kecamatan",
        verbose_name=_("kabupaten/kota"),
    )
    code = models.CharField(
        _("kode"),
        max_length=6,
        unique=True,
        help_text=_("Kode Kemendagri tanpa titik, mis. 357101."),
    )
    name = models.CharField(_("nama"), max_length=100)
    boundary = models.JSONField(
        _("batas wilayah"), null=True, blank=True, help_text=_("Geometri GeoJSON (WGS84, lon/lat).")
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="tps_kecamatan_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Desa(models.Model):
    """A desa (village) or kelurahan (urban village): KPU numbers TPS per desa."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa", verbose_name=_("kecamatan")
    )
    code = models.CharField(
        _("kode"),
        max_length=10,
        unique=True,
        help_text=_("Kode Kemendagri tanpa titik, mis. 3571011001."),
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    boundary = models.JSONField(
        _("batas wilayah"), null=True, blank=True, help_text=_("Geometri GeoJSON (WGS84, lon/lat).")
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{10}$"), name="tps_desa_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One of Bawaslu's TPS-rawan indicators (8 variables, 25 indicators, Pilkada 2024)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    variable = models.CharField(_("variabel"), max_length=100)
    name = models.CharField(_("indikator"), max_length=200)
    guard_relevant = models.BooleanField(
        _("penting bagi petugas pengamanan"),
        default=False,
        help_text=_("Ditampilkan kepada petugas di lokasi TPS."),
    )
    is_estimate = models.BooleanField(
        _("perkiraan"),
        default=True,
        help_text=_("Rumusan sebagian perkiraan kami; sumber tidak memuat rincian 25 indikator."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("indikator kerawanan")
        verbose_name_plural = _("indikator kerawanan")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.variable}: {self.name}"


class TPSQuerySet(AreaQuerySet):
    kecamatan_path = "desa__kecamatan"

    def with_places(self) -> "TPSQuerySet":
        return self.select_related("desa__kecamatan__kabkota")


class TPS(models.Model):
    """A polling station (Tempat Pemungutan Suara), numbered per desa: "TPS 006 Burengan"."""

    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="tps", verbose_name=_("desa/kelurahan")
    )
    number = models.PositiveSmallIntegerField(
        _("nomor"),
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("Nomor TPS di desa/kelurahan; TPS lokasi khusus bernomor 9xx."),
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    registered_voters = models.PositiveIntegerField(_("jumlah pemilih (DPT)"), default=0)
    kerawanan = models.CharField(
        _("kerawanan"), max_length=20, choices=Kerawanan.choices, default=Kerawanan.KURANG_RAWAN
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="tps", verbose_name=_("indikator kerawanan")
    )
    is_synthetic = models.BooleanField(
        _("data sintetis"),
        default=False,
        help_text=_("Alamat, titik dan jumlah pemilih dibuat untuk demo, bukan data KPU."),
    )

    objects = TPSQuerySet.as_manager()
    # Who moved a TPS or changed its class, and when: admin edits, imports and reverts alike.
    history = HistoricalRecords(verbose_name=_("riwayat TPS"))

    class Meta:
        verbose_name = _("TPS")
        verbose_name_plural = _("TPS")
        ordering = ["desa__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "number"], name="tps_tps_unique_number_per_desa"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="tps_tps_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="tps_tps_longitude_range"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=999), name="tps_tps_number_range"
            ),
            models.CheckConstraint(
                condition=Q(kerawanan__in=Kerawanan.values), name="tps_tps_kerawanan_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"TPS {self.number:03d} {self.desa.name}"

    @property
    def code(self) -> str:
        """KPU-style code: the desa's 10 digits and the 3-digit TPS number."""
        return f"{self.desa.code}{self.number:03d}"

    def point_check(self) -> PointCheck:
        return check_point(self.desa, float(self.latitude), float(self.longitude))

    def clean(self) -> None:
        if self.desa_id is None or self.latitude is None or self.longitude is None:
            return
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            return  # the field validators say what is wrong
        result = self.point_check()
        if result.verdict == PointCheck.OUTSIDE:
            raise ValidationError({"latitude": result.message})
