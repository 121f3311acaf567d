"""Forces, their units and the people deployed: the who of every assignment."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Role, access_of
from deployments.phones import PHONE_PATTERN, normalize_phone
from deployments.ranks import POLRI_RANKS, TNI_CORPS, TNI_RANKS
from tps.models import Desa, Kecamatan


class Force(models.TextChoices):
    POLRI = "POLRI", _("Polri")
    TNI = "TNI", _("TNI")
    LINMAS = "LINMAS", _("Linmas")


class UnitQuerySet(models.QuerySet):
    def polsek(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.POLSEK)

    def visible_to(self, user) -> "UnitQuerySet":
        """All units, or for Polsek staff their kecamatan's: its Polsek and its desa's Satlinmas.

        Those are the units of the people they see (PersonnelQuerySet.visible_to); another
        kecamatan's units stay unknown to them, even as a filter's choices.
        """
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.kecamatan_id is not None:
            k = access.kecamatan_id
            return self.filter(Q(kecamatan_id=k) | Q(desa__kecamatan_id=k))
        return self.none()


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


# Spaces, dots and dashes that sheets, phones and people put into NRPs and register numbers.
IDENTIFIER_SEPARATORS = (" ", ".", "-")


def _identifier_key_expression():
    key = Upper("identifier")
    for separator in IDENTIFIER_SEPARATORS:
        key = Replace(key, Value(separator), Value(""))
    return key


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
    # Computed by the database from `identifier`, so that no write path (admin, imports,
    # bulk_create, raw SQL) can leave it stale; indexed for the Posko's and the cards' lookups.
    identifier_key = models.GeneratedField(
        expression=_identifier_key_expression(),
        output_field=models.CharField(max_length=32),
        db_persist=True,
        verbose_name=_("NRP/No. registrasi tanpa pemisah"),
        help_text=_("Huruf besar, tanpa spasi, titik dan tanda -: cara nomor dicari."),
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
        # The Posko finds a person by number or phone (field.selectors.posko); by name through
        # a trigram index of PostgreSQL's (migration 0008).
        indexes = [
            models.Index(fields=["identifier_key"], name="deployments_personnel_id_key"),
            models.Index(fields=["phone"], name="deployments_personnel_phone"),
        ]

    def __str__(self) -> str:
        label = {Force.POLRI: "NRP", Force.TNI: "NRP"}.get(self.force, "No. Reg")
        return f"{self.rank_label} {self.name} ({label} {self.identifier})".strip()

    @staticmethod
    def normalise_identifier(raw: str) -> str:
        """What identifier_key holds for ``raw``, in Python: how a typed number is compared
        with the stored ones ("LM 3571.011001-01" is LM-3571011001-01)."""
        key = "".join((raw or "").split()).upper()  # any whitespace: tabs, non-breaking
        for separator in IDENTIFIER_SEPARATORS:
            key = key.replace(separator, "")
        return key

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
