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
    # Guarded objects beyond TPS (obyek pengamanan, issue #18): a post of one of these kinds is
    # an object with an active period and a guard norm per shift (GuardNorm).
    PPK = "ppk", _("PPK")
    PPS = "pps", _("PPS")
    KANTOR_KPU = "kantor_kpu", _("Kantor KPU")
    KANTOR_BAWASLU = "kantor_bawaslu", _("Kantor Bawaslu")
    GUDANG_LOGISTIK = "gudang_logistik", _("Gudang logistik")
    WALPRI = "walpri", _("Pengawalan pribadi (Walpri)")
    LOKASI_KAMPANYE = "lokasi_kampanye", _("Lokasi kampanye")
    # Not a post: the temporary duty of a person the command sends to an incident
    # (field.dispatch). It has neither post nor TPS; coverage never counts it.
    KEJADIAN = "kejadian", _("Penanganan kejadian")


# The kinds of post that are guarded objects: each has a guard norm per shift in the pattern.
GUARDED_KINDS = (
    PostKind.PPK,
    PostKind.PPS,
    PostKind.KANTOR_KPU,
    PostKind.KANTOR_BAWASLU,
    PostKind.GUDANG_LOGISTIK,
    PostKind.WALPRI,
    PostKind.LOKASI_KAMPANYE,
)


class PostQuerySet(models.QuerySet):
    def guarded(self) -> "PostQuerySet":
        """The guarded objects (obyek pengamanan): PPK, offices, warehouses, protectees, venues."""
        return self.filter(kind__in=GUARDED_KINDS)

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
    # Guarded objects (GUARDED_KINDS): how vulnerable, how remote, and when guarded.
    kerawanan = models.CharField(
        _("kerawanan"), max_length=20, choices=Kerawanan.choices, blank=True
    )
    remote = models.BooleanField(
        _("terpencil"),
        default=False,
        help_text=_("Obyek terpencil mendapat norma pengamanan tersendiri bila polanya ada."),
    )
    active_from = models.DateTimeField(
        _("diamankan mulai"), null=True, blank=True, help_text=_("Kosong: sejak awal operasi.")
    )
    active_until = models.DateTimeField(
        _("diamankan sampai"), null=True, blank=True, help_text=_("Kosong: sampai akhir operasi.")
    )
    protectee = models.CharField(
        _("yang dikawal"),
        max_length=150,
        blank=True,
        help_text=_("Untuk Walpri: nama dan jabatan orang yang dikawal."),
    )

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
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gt=models.F("active_from")),
                name="deployments_post_active_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kerawanan="") | Q(kerawanan__in=[k.value for k in Kerawanan]),
                name="deployments_post_kerawanan_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def is_guarded_object(self) -> bool:
        return self.kind in GUARDED_KINDS

    def point_check(self) -> PointCheck:
        if self.desa_id is None or self.latitude is None or self.longitude is None:
            return PointCheck(PointCheck.UNCHECKED)
        return check_point(self.desa, float(self.latitude), float(self.longitude))

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")}
            )
        if self.active_from and self.active_until and self.active_until <= self.active_from:
            raise ValidationError(
                {"active_until": _("Akhir masa pengamanan harus sesudah awalnya.")}
            )
        result = self.point_check()
        if result.verdict == PointCheck.OUTSIDE:
            raise ValidationError({"latitude": result.message})


class GuardNormQuerySet(models.QuerySet):
    def required_for(self, post: "Post", operation: Operation) -> dict[str, int]:
        """Personnel per shift the object needs, per force (best_norms). One query."""
        if post.kind not in GUARDED_KINDS:
            return {}
        return best_norms(post, self.filter(operation=operation, post_kind=post.kind))


def best_norms(post: "Post", rows) -> dict[str, int]:
    """Per force, the personnel per shift of the most specific of `rows` (norms of any kinds)
    that applies to `post`: the object's kerawanan before the kind's row for every class, and
    for a remote object a remote row before the ordinary ones (NORM_PRECEDENCE)."""
    best: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.post_kind != post.kind or row.kerawanan not in {post.kerawanan, ""}:
            continue
        if row.remote and not post.remote:
            continue
        rank = NORM_PRECEDENCE.index((row.kerawanan == "", row.remote != post.remote))
        if row.force not in best or rank < best[row.force][0]:
            best[row.force] = (rank, row.personnel_per_shift)
    return {force: count for force, (_rank, count) in best.items()}


# Which GuardNorm row applies, most specific first, as (for every class?, ordinary row for a
# remote object?): the coverage engine's SQL ranks rows the same way.
NORM_PRECEDENCE = ((False, False), (True, False), (False, True), (True, True))


class GuardNorm(models.Model):
    """How many of a force one shift at a guarded object of a kind needs: e.g. PPK during the
    recount, 15 Polri per shift. Editable data, like the TPS pattern: a row for the object's
    kerawanan overrides the kind's row for every class (kerawanan empty); a row with *remote*
    applies to remote objects (Post.remote), which otherwise take the ordinary rows.
    """

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="guard_norms", verbose_name=_("operasi")
    )
    post_kind = models.CharField(_("jenis obyek"), max_length=20, choices=PostKind.choices)
    kerawanan = models.CharField(
        _("kerawanan"),
        max_length=20,
        choices=Kerawanan.choices,
        blank=True,
        help_text=_("Kosong: berlaku untuk semua kelas kerawanan."),
    )
    remote = models.BooleanField(_("untuk obyek terpencil"), default=False)
    force = models.CharField(_("matra"), max_length=10, choices=Force.choices)
    personnel_per_shift = models.PositiveSmallIntegerField(
        _("personel per regu jaga"), validators=[MinValueValidator(1)]
    )

    objects = GuardNormQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat norma pengamanan obyek"))

    class Meta:
        verbose_name = _("norma pengamanan obyek")
        verbose_name_plural = _("norma pengamanan obyek")
        ordering = ["operation", "post_kind", "kerawanan", "remote", "force"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "post_kind", "kerawanan", "remote", "force"],
                name="deployments_guardnorm_unique_row",
            ),
            models.CheckConstraint(
                condition=Q(personnel_per_shift__gte=1),
                name="deployments_guardnorm_count_positive",
            ),
            models.CheckConstraint(
                condition=Q(post_kind__in=[k.value for k in GUARDED_KINDS]),
                name="deployments_guardnorm_kind_guarded",
            ),
            models.CheckConstraint(
                condition=Q(force__in=Force.values), name="deployments_guardnorm_force_valid"
            ),
        ]

    def __str__(self) -> str:
        where = self.get_post_kind_display()
        if self.kerawanan:
            where = f"{where} {self.get_kerawanan_display()}"
        if self.remote:
            where = f"{where} ({_('terpencil')})"
        return f"{where}: {self.personnel_per_shift} {self.get_force_display()} per regu"


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
