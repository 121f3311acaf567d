"""What the coverage engine stores: its bookkeeping, snapshots and their rows (docs/coverage.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import access_of
from core.formats import wib_stamp
from deployments.models.operation import Operation, Phase
from tps.models import TPS, Desa


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
    def current_for(self, phase: Phase | None) -> "CoverageSnapshot | None":
        """The phase's current snapshot, the one every reader shows: the last created (the
        primary key breaks a tie of two in one microsecond). None before the first one, or
        without a phase. One query; chain select_related() before it to read the phase too."""
        if phase is None:
            return None
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
        return f"{self.phase} @ {wib_stamp(self.computed_at)}"


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


class CoverageTPSQuerySet(models.QuerySet):
    def in_kecamatan(self, kecamatan) -> "CoverageTPSQuerySet":
        """The rows of one kecamatan (a Kecamatan or its id), through the desa the row copies."""
        return self.filter(desa__kecamatan=kecamatan)

    def visible_to(self, user) -> "CoverageTPSQuerySet":
        """All rows, or for Polsek staff their kecamatan's, as TPS.objects.visible_to."""
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.kecamatan_id is not None:
            return self.in_kecamatan(access.kecamatan_id)
        return self.none()


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

    objects = CoverageTPSQuerySet.as_manager()

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
