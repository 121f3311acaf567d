"""Forces, units, personnel, the security pattern, posts, orders (Sprin) and assignments."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Role, access_of
from deployments.phones import PHONE_PATTERN, normalize_phone
from deployments.ranks import POLRI_RANKS, TNI_CORPS, TNI_RANKS
from tps.geo import PointCheck, check_point
from tps.models import TPS, Desa, Kecamatan, Kerawanan


class Force(models.TextChoices):
    POLRI = "POLRI", _("Polri")
    TNI = "TNI", _("TNI")
    LINMAS = "LINMAS", _("Linmas")


class Operation(models.Model):
    """A police operation, e.g. Operasi Mantap Praja Semeru 2024 (19 Aug – 31 Dec 2024)."""

    name = models.CharField(_("nama"), max_length=200, unique=True)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    commander = models.ForeignKey(
        "Personnel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kepala operasi"),
    )

    class Meta:
        verbose_name = _("operasi")
        verbose_name_plural = _("operasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="deployments_operation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A stage (tahapan) of the operation, from pra-operasi to pasca (DOMAIN.md)."""

    class Code(models.TextChoices):
        PRA_OPERASI = "pra_operasi", _("Pra-operasi")
        PENCALONAN = "pencalonan", _("Pendaftaran & penetapan paslon")
        KAMPANYE = "kampanye", _("Kampanye")
        MASA_TENANG = "masa_tenang", _("Masa tenang")
        PEMUNGUTAN = "pemungutan", _("Pemungutan & penghitungan")
        REKAPITULASI = "rekapitulasi", _("Rekapitulasi")
        PASCA = "pasca", _("Penetapan & pasca-operasi")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="phases", verbose_name=_("operasi")
    )
    code = models.CharField(_("kode"), max_length=20, choices=Code.choices)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"), help_text=_("Batas akhir, tidak termasuk."))

    class Meta:
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")
        ordering = ["operation", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "code"], name="deployments_phase_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_phase_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def contains(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at <= starts_at and ends_at <= self.ends_at


class UnitQuerySet(models.QuerySet):
    def polsek(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.POLSEK)


class Unit(models.Model):
    """A unit in a force's tree: Polres → Bag/Sat/Polsek; Kodim → Koramil; Satlinmas per desa."""

    class Kind(models.TextChoices):
        POLRES = "polres", _("Polres")
        BAG = "bag", _("Bagian")
        SAT = "sat", _("Satuan fungsi")
        SI = "si", _("Seksi")
        POLSEK = "polsek", _("Polsek")
        KODIM = "kodim", _("Kodim")
        KORAMIL = "koramil", _("Koramil")
        SATLINMAS = "satlinmas", _("Satlinmas")

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    force = models.CharField(_("matra"), max_length=10, choices=Force.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("kecamatan"),
        help_text=_("Wajib untuk Polsek: wilayah yang dibawahinya."),
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("desa/kelurahan"),
        help_text=_("Wajib untuk Satlinmas."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("satuan")
        verbose_name_plural = _("satuan")
        ordering = ["force", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="polsek") | Q(kecamatan__isnull=False),
                name="deployments_unit_polsek_has_kecamatan",
            ),
            models.CheckConstraint(
                condition=~Q(kind="satlinmas") | Q(desa__isnull=False),
                name="deployments_unit_satlinmas_has_desa",
            ),
            models.UniqueConstraint(
                fields=["kecamatan"],
                condition=Q(kind="polsek"),
                name="deployments_unit_one_polsek_per_kecamatan",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> list[int]:
        """This unit and every unit below it (a few hundred rows: one query per level)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


_POLRI_RANK_Q = Q(force=Force.POLRI, rank__in=POLRI_RANKS)
_TNI_RANK_Q = Q(force=Force.TNI, rank__in=TNI_RANKS)
_LINMAS_RANK_Q = Q(force=Force.LINMAS, rank="", corps="")


class PersonnelQuerySet(models.QuerySet):
    def active(self) -> "PersonnelQuerySet":
        return self.filter(active=True)

    def visible_to(self, user) -> "PersonnelQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            # Polsek staff read the people of their kecamatan: its Polsek, its desa's Satlinmas,
            # and anyone whose home desa lies there.
            k = access.kecamatan_id
            return self.filter(
                Q(unit__kecamatan_id=k)
                | Q(unit__desa__kecamatan_id=k)
                | Q(home_desa__kecamatan_id=k)
            )
        if access.role is Role.FIELD:
            return self.filter(pk=access.personnel_id)
        return self.none()


class Personnel(models.Model):
    """A person deployed in the operation: a Polri officer, a TNI soldier or a Linmas guard.

    Identified by NRP (Polri, TNI) or Satlinmas register number (Linmas); never by NIK.
    """

    force = models.CharField(_("matra"), max_length=10, choices=Force.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="personnel", verbose_name=_("satuan")
    )
    rank = models.CharField(
        _("pangkat"),
        max_length=20,
        blank=True,
        help_text=_("Dari daftar pangkat matranya; Linmas tanpa pangkat."),
    )
    corps = models.CharField(
        _("korps"),
        max_length=5,
        blank=True,
        choices=[(c, c) for c in TNI_CORPS],
        help_text=_("Korps TNI AD, ditulis setelah pangkat: Letkol Inf."),
    )
    identifier = models.CharField(
        _("NRP/No. registrasi"),
        max_length=32,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Hanya huruf, angka dan tanda -."))],
        help_text=_(
            "NRP untuk Polri (8 angka) dan TNI; nomor registrasi Satlinmas untuk Linmas. "
            "Jangan pernah NIK."
        ),
    )
    name = models.CharField(_("nama"), max_length=120)
    phone = models.CharField(
        _("telepon"), max_length=16, blank=True, help_text=_("Disimpan sebagai +62…")
    )
    home_desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("desa asal"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="personnel",
        verbose_name=_("akun"),
    )
    active = models.BooleanField(_("aktif"), default=True)

    objects = PersonnelQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat personel"))

    class Meta:
        verbose_name = _("personel")
        verbose_name_plural = _("personel")
        ordering = ["force", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "identifier"], name="deployments_personnel_unique_identifier"
            ),
            models.CheckConstraint(
                condition=_POLRI_RANK_Q | _TNI_RANK_Q | _LINMAS_RANK_Q,
                name="deployments_personnel_rank_of_force",
            ),
            models.CheckConstraint(
                condition=Q(force=Force.TNI) | Q(corps=""),
                name="deployments_personnel_corps_only_tni",
            ),
            models.CheckConstraint(
                condition=~Q(force=Force.POLRI) | Q(identifier__regex=r"^[0-9]{8}$"),
                name="deployments_personnel_polri_nrp_8_digits",
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=PHONE_PATTERN),
                name="deployments_personnel_phone_e164",
            ),
        ]

    def __str__(self) -> str:
        label = {Force.POLRI: "NRP", Force.TNI: "NRP"}.get(self.force, "No. Reg")
        return f"{self.rank_label} {self.name} ({label} {self.identifier})".strip()

    @property
    def rank_label(self) -> str:
        return f"{self.rank} {self.corps}".strip()

    def own_desa_ids(self) -> set[int]:
        """The desa whose TPS a Linmas guards: their Satlinmas's desa and their home desa."""
        ids = {self.home_desa_id}
        if self.unit_id is not None:
            ids.add(self.unit.desa_id)
        ids.discard(None)
        return ids

    def clean(self) -> None:
        errors = {}
        # Sheets and phones insert spaces into NRPs ("8506 1234"); the register has none.
        self.identifier = "".join((self.identifier or "").split())
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
        if self.force == Force.POLRI and self.rank not in POLRI_RANKS:
            errors["rank"] = _("Pangkat Polri tidak dikenal: %s.") % (self.rank or "-")
        if self.force == Force.TNI and self.rank not in TNI_RANKS:
            errors["rank"] = _("Pangkat TNI tidak dikenal: %s.") % (self.rank or "-")
        if self.force == Force.LINMAS and (self.rank or self.corps):
            errors["rank"] = _("Linmas tidak berpangkat.")
        if self.force != Force.TNI and self.corps:
            errors["corps"] = _("Korps hanya untuk TNI.")
        if self.force == Force.POLRI and not (
            len(self.identifier) == 8 and self.identifier.isdigit()
        ):
            errors["identifier"] = _("NRP Polri terdiri atas 8 angka.")
        if self.unit_id and self.force and self.unit.force != self.force:
            errors["unit"] = _("Satuan %(unit)s bukan satuan %(force)s.") % {
                "unit": self.unit,
                "force": self.get_force_display(),
            }
        if errors:
            raise ValidationError(errors)


class StaffProfile(models.Model):
    """Links a Polsek staff account to its Polsek, which fixes the kecamatan it may read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("akun"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("Polsek"),
        limit_choices_to={"kind": Unit.Kind.POLSEK},
    )

    class Meta:
        verbose_name = _("profil staf Polsek")
        verbose_name_plural = _("profil staf Polsek")

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"


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


class AssignmentQuerySet(models.QuerySet):
    def not_cancelled(self) -> "AssignmentQuerySet":
        return self.exclude(status=Assignment.Status.CANCELLED)

    def overlapping(self, starts_at: datetime, ends_at: datetime) -> "AssignmentQuerySet":
        # Half-open intervals [starts_at, ends_at): back-to-back shifts do not overlap.
        return self.not_cancelled().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def counted_for(self, phase: Phase) -> "AssignmentQuerySet":
        """The assignments coverage counts: Pam TPS, in the phase, not cancelled, active people."""
        return self.not_cancelled().filter(
            phase=phase, kind=PostKind.PAM_TPS, personnel__active=True
        )

    def at(self, moment: datetime) -> "AssignmentQuerySet":
        return self.not_cancelled().filter(starts_at__lte=moment, ends_at__gt=moment)

    def visible_to(self, user) -> "AssignmentQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            k = access.kecamatan_id
            return self.filter(
                Q(tps__desa__kecamatan_id=k)
                | Q(post__desa__kecamatan_id=k)
                | Q(personnel__unit__kecamatan_id=k)
            ).distinct()
        if access.role is Role.FIELD:
            return self.filter(personnel_id=access.personnel_id)
        return self.none()


class Assignment(models.Model):
    """One person's duty for a time window in a phase: guarding TPS or manning a Post.

    A person never holds two non-cancelled assignments whose times overlap. Model validation
    says so in Indonesian; on PostgreSQL an exclusion constraint holds the rule against
    concurrent writers too (migration 0002).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        CANCELLED = "cancelled", _("Dibatalkan")

    personnel = models.ForeignKey(
        Personnel, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("personel")
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("tahapan")
    )
    kind = models.CharField(_("jenis pos"), max_length=20, choices=PostKind.choices)
    tps = models.ManyToManyField(
        TPS,
        blank=True,
        related_name="assignments",
        verbose_name=_("TPS"),
        help_text=_("Hanya untuk Pam TPS; sepasang Polri dapat menjaga beberapa TPS."),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("pos"),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    sprin = models.ForeignKey(
        Sprin,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("Sprin"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    linmas_other_desa = models.BooleanField(
        _("Linmas menjaga TPS desa lain"),
        default=False,
        help_text=_(
            "Linmas menjaga TPS desanya sendiri. Centang hanya bila pimpinan memutuskan lain, "
            "dan tuliskan alasannya; keduanya tercatat di riwayat."
        ),
    )
    linmas_other_desa_reason = models.TextField(
        _("alasan pengecualian"),
        blank=True,
        help_text=_("Wajib bila Linmas ditugaskan ke TPS di luar desanya."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()
    # The TPS set is part of the record: moving a guard between TPS shows in the history.
    history = HistoricalRecords(m2m_fields=["tps"], verbose_name=_("riwayat penugasan"))

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        ordering = ["starts_at", "personnel__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_assignment_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind=PostKind.PAM_TPS) | Q(post__isnull=False),
                name="deployments_assignment_post_unless_pam_tps",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "cancelled"]),
                name="deployments_assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(linmas_other_desa=False) | Q(linmas_other_desa_reason__regex=r"\S"),
                name="deployments_assignment_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["personnel", "starts_at"]),
            models.Index(fields=["phase", "kind"]),
        ]

    def __str__(self) -> str:
        where = self.post.name if self.post_id else self.get_kind_display()
        start = _fmt(self.starts_at) if self.starts_at else "?"
        who = f"{self.personnel.name}: " if self.personnel_id else ""
        return f"{who}{where}, {start} ({self.get_status_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Waktu selesai harus sesudah waktu mulai.")
        elif (
            self.phase_id
            and self.starts_at
            and self.ends_at
            and not self.phase.contains(self.starts_at, self.ends_at)
        ):
            errors["starts_at"] = _("Waktu penugasan harus di dalam tahapan %(phase)s.") % {
                "phase": self.phase
            }
        if self.kind and self.kind != PostKind.PAM_TPS and not self.post_id:
            errors["post"] = _("Penugasan selain Pam TPS memerlukan pos.")
        self.linmas_other_desa_reason = (self.linmas_other_desa_reason or "").strip()
        if self.linmas_other_desa and not self.linmas_other_desa_reason:
            errors["linmas_other_desa_reason"] = _(
                "Tuliskan alasan Linmas ditugaskan ke TPS di luar desanya."
            )
        if self.linmas_other_desa and self.personnel_id and self.personnel.force != Force.LINMAS:
            errors["linmas_other_desa"] = _("Pengecualian lintas desa hanya berlaku untuk Linmas.")
        if errors:
            raise ValidationError(errors)
        self.validate_no_overlap()

    def validate_tps_set(self, tps: "Sequence[TPS]") -> None:
        """Rules about the TPS set, which the model cannot see before it is saved: call it
        wherever a set is chosen (admin form, TPS inline, import, bulk actions, fill gaps)."""
        tps = list(tps)
        errors: list[str] = []
        if self.kind == PostKind.PAM_TPS and not tps:
            errors.append(_("Penugasan Pam TPS memerlukan sekurang-kurangnya satu TPS."))
        if self.kind and self.kind != PostKind.PAM_TPS and tps:
            errors.append(_("Hanya penugasan Pam TPS yang menjaga TPS."))
        if self.personnel_id and self.personnel.force == Force.LINMAS and tps:
            own = self.personnel.own_desa_ids()
            elsewhere = [t for t in tps if t.desa_id not in own]
            if elsewhere and not self.linmas_other_desa:
                errors.append(
                    _(
                        "Linmas %(person)s menjaga TPS di desanya sendiri; %(tps)s di desa lain. "
                        "Bila pimpinan memutuskan lain, centang pengecualian dan tuliskan "
                        "alasannya."
                    )
                    % {
                        "person": self.personnel.name,
                        "tps": ", ".join(str(t) for t in elsewhere),
                    }
                )
        if errors:
            raise ValidationError({"tps": errors})

    def validate_no_overlap(self) -> None:
        if not (self.personnel_id and self.starts_at and self.ends_at):
            return
        if self.status == self.Status.CANCELLED:
            return
        clash = (
            Assignment.objects.overlapping(self.starts_at, self.ends_at)
            .filter(personnel_id=self.personnel_id)
            .exclude(pk=self.pk)
            .select_related("post", "phase", "personnel")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "%(person)s sudah bertugas pada waktu yang tumpang tindih: %(other)s "
                    "(%(start)s – %(end)s)."
                )
                % {
                    "person": self.personnel.name,
                    "other": clash,
                    "start": _fmt(clash.starts_at),
                    "end": _fmt(clash.ends_at),
                },
                code="overlap",
            )


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H.%M WIB")


class CoverageState(models.Model):
    """Bookkeeping of the coverage engine for one operation: what changed, what is queued.

    `version` rises after every committed change to an input of coverage (assignments, TPS
    classes, patterns, personnel's active flag, phase dates); a snapshot records the version it
    saw, so a worker can tell that a snapshot is already up to date and skip.
    """

    operation = models.OneToOneField(
        Operation, on_delete=models.CASCADE, related_name="coverage_state"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    pending = models.BooleanField(
        default=False, help_text=_("Penghitungan ulang sudah diantrekan.")
    )

    class Meta:
        verbose_name = _("status mesin cakupan")
        verbose_name_plural = _("status mesin cakupan")

    def __str__(self) -> str:
        return f"{self.operation}: v{self.version}"


class CoverageStatus(models.TextChoices):
    COVERED = "covered", _("Terpenuhi")
    SHORT = "short", _("Kurang")
    UNGUARDED = "unguarded", _("Tanpa penjaga")


class CoverageSnapshotQuerySet(models.QuerySet):
    def current_for(self, phase: Phase) -> "CoverageSnapshot | None":
        return self.filter(phase=phase).order_by("-created_at", "-pk").first()


class CoverageSnapshot(models.Model):
    """One computation of coverage for a phase: what the dashboard reads (docs/coverage.md)."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="coverage_snapshots"
    )
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="coverage_snapshots")
    computed_at = models.DateTimeField(
        _("dihitung pada"), help_text=_("Waktu operasi (jam demo bila ditetapkan) saat dihitung.")
    )
    created_at = models.DateTimeField(
        _("dibuat"),
        db_index=True,
        help_text=_("Waktu nyata; menentukan urutan, umur dan pemangkasan potret."),
    )
    inputs_version = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    unassigned_polri = models.PositiveIntegerField(default=0)
    unassigned_tni = models.PositiveIntegerField(default=0)
    unassigned_linmas = models.PositiveIntegerField(default=0)

    objects = CoverageSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("potret cakupan")
        verbose_name_plural = _("potret cakupan")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phase", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.phase} @ {_fmt(self.computed_at)}"


class CoverageArea(models.Model):
    """Aggregated coverage of an area in a snapshot, for all classes or one kerawanan class.

    Rows from kecamatan up are kept as history for trend charts; desa rows only for the current
    snapshot and the one before (docs/coverage.md, pruning).
    """

    class Level(models.TextChoices):
        OPERATION = "operation", _("Operasi")
        KABKOTA = "kabkota", _("Kabupaten/kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        POLSEK = "polsek", _("Polsek")
        DESA = "desa", _("Desa/kelurahan")

    # The unique constraint's index leads with the snapshot: no second index to keep up to date.
    # No database foreign key, as for CoverageTPS: the engine is the only writer, in the
    # snapshot's own transaction, and PostgreSQL checked the ~22,000 rows of a Polda-size
    # snapshot one by one at COMMIT. The ORM's cascade deletes them with their snapshot.
    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.CASCADE,
        related_name="areas",
        db_index=False,
        db_constraint=False,
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=40, help_text=_("Kode wilayah atau kode satuan (Polsek)."))
    kerawanan = models.CharField(max_length=20, blank=True, help_text=_("Kosong: semua kelas."))
    tps_total = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    short = models.PositiveIntegerField(default=0)
    unguarded = models.PositiveIntegerField(default=0)
    polri_required = models.FloatField(default=0)
    polri_assigned = models.FloatField(default=0)
    polri_fulfilled = models.FloatField(default=0, help_text=_("Σ min(ditugaskan, kebutuhan)."))
    tni_required = models.FloatField(default=0)
    tni_assigned = models.FloatField(default=0)
    tni_fulfilled = models.FloatField(default=0)
    linmas_required = models.FloatField(default=0)
    linmas_assigned = models.FloatField(default=0)
    linmas_fulfilled = models.FloatField(default=0)

    class Meta:
        verbose_name = _("cakupan wilayah")
        verbose_name_plural = _("cakupan wilayah")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "level", "code", "kerawanan"],
                name="deployments_coveragearea_unique_row",
            ),
            models.CheckConstraint(
                condition=Q(
                    tps_total=models.F("covered") + models.F("short") + models.F("unguarded")
                ),
                name="deployments_coveragearea_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.kerawanan}".strip()


class CoverageTPS(models.Model):
    """Coverage of one TPS in a snapshot: required and assigned per force, and the verdict."""

    # Tens of thousands of rows per snapshot: every index and constraint costs on each
    # recompute (PostgreSQL checks deferred foreign keys row by row at COMMIT, which took longer
    # than computing the rows). The primary key (snapshot, tps) is the one index, and serves the
    # reads; the ORM's cascades delete these rows with their snapshot or TPS; the desa is
    # copied for the rollup.
    pk = models.CompositePrimaryKey("snapshot", "tps")
    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.CASCADE,
        related_name="tps_rows",
        db_index=False,
        db_constraint=False,
    )
    tps = models.ForeignKey(
        TPS,
        on_delete=models.CASCADE,
        related_name="coverage_rows",
        db_index=False,
        db_constraint=False,
    )
    desa = models.ForeignKey(
        Desa,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    kerawanan = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=CoverageStatus.choices)
    polri_required = models.FloatField(default=0)
    polri_assigned = models.FloatField(default=0)
    polri_guards = models.PositiveIntegerField(default=0)
    tni_required = models.FloatField(default=0)
    tni_assigned = models.FloatField(default=0)
    tni_guards = models.PositiveIntegerField(default=0)
    linmas_required = models.FloatField(default=0)
    linmas_assigned = models.FloatField(default=0)
    linmas_guards = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("cakupan TPS")
        verbose_name_plural = _("cakupan TPS")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CoverageStatus.values),
                name="deployments_coveragetps_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tps_id}: {self.status}"


class ImportJob(models.Model):
    """One spreadsheet upload (personnel, TPS or assignments): read and checked in a dry run,
    shown as a preview, then written all-or-nothing once an admin confirms.

    The file itself is kept in the row (it is at most a few MB) so that the web process and a
    Celery worker read the same bytes without shared storage; large files run as a job whose
    progress lives here.
    """

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personel")
        TPS = "tps", _("TPS")
        ASSIGNMENT = "assignment", _("Penugasan")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu pemeriksaan")
        VALIDATING = "validating", _("Sedang diperiksa")
        READY = "ready", _("Siap diimpor")
        INVALID = "invalid", _("Ada kesalahan")
        APPLYING = "applying", _("Sedang diimpor")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("data"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    file_name = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"), editable=False)
    content_sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    background = models.BooleanField(
        _("di latar belakang"),
        default=False,
        help_text=_("Berkas besar (hingga 50.000 baris) diproses oleh pekerja Celery."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("pengunggah"),
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    counts = models.JSONField(_("ringkasan"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    rows = models.JSONField(_("pratinjau"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)

    class Meta:
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")) | Q(total_rows=0),
                name="deployments_importjob_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.VALIDATING, self.Status.APPLYING)
