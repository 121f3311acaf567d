"""Coverage of the guarded objects (obyek pengamanan) in a snapshot: one row per object and shift
(docs/coverage.md, "Guarded objects")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import access_of
from deployments.models.coverage import CoverageSnapshot, CoverageStatus
from deployments.models.pattern import GUARDED_KINDS, Post, PostKind
from deployments.models.shifts import Shift

OBJECT_FORCES = ("polri", "tni", "linmas")


class CoverageObjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CoverageObjectQuerySet":
        """All rows, or for Polsek staff their kecamatan's objects, as Post.objects.visible_to."""
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.kecamatan_id is not None:
            return self.filter(post__desa__kecamatan_id=access.kecamatan_id)
        return self.none()

    def under_covered_first(self) -> "CoverageObjectQuerySet":
        """Unguarded, then short, then covered; within each by time and object."""
        rank = models.Case(
            models.When(status=CoverageStatus.UNGUARDED, then=0),
            models.When(status=CoverageStatus.SHORT, then=1),
            default=2,
        )
        return self.alias(status_rank=rank).order_by("status_rank", "starts_at", "post__name")


class CoverageObject(models.Model):
    """Coverage of one guarded object for one shift (or, without shifts in the phase, for its
    active period within the phase) in a snapshot: personnel per force the guard norm requires
    and the active people on duty there, and the verdict."""

    # A handful of rows per object and day: still no database foreign keys, for the reason
    # CoverageTPS gives (one writer, inside the snapshot's transaction; PostgreSQL checks
    # deferred keys row by row at COMMIT). The ORM's cascades delete the rows with their
    # snapshot, object or shift. One row per (snapshot, object, start): shifts of a post have
    # distinct starts, and the period row exists only where the object has no shift.
    pk = models.CompositePrimaryKey("snapshot", "post", "starts_at")
    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.CASCADE,
        related_name="object_rows",
        db_index=False,
        db_constraint=False,
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        related_name="coverage_rows",
        db_index=False,
        db_constraint=False,
        verbose_name=_("obyek"),
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coverage_rows",
        db_index=False,
        db_constraint=False,
        verbose_name=_("regu jaga"),
        help_text=_("Kosong: obyek tanpa regu jaga pada tahapan ini, dihitung atas masanya."),
    )
    kind = models.CharField(_("jenis obyek"), max_length=20, choices=PostKind.choices)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    status = models.CharField(max_length=10, choices=CoverageStatus.choices)
    polri_required = models.PositiveIntegerField(default=0)
    polri_assigned = models.PositiveIntegerField(default=0)
    tni_required = models.PositiveIntegerField(default=0)
    tni_assigned = models.PositiveIntegerField(default=0)
    linmas_required = models.PositiveIntegerField(default=0)
    linmas_assigned = models.PositiveIntegerField(default=0)

    objects = CoverageObjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("cakupan obyek pengamanan")
        verbose_name_plural = _("cakupan obyek pengamanan")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CoverageStatus.values),
                name="deployments_coverageobject_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in GUARDED_KINDS]),
                name="deployments_coverageobject_kind_guarded",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_coverageobject_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.starts_at}: {self.status}"

    @property
    def forces(self) -> list[dict]:
        """Per force with a requirement or someone on duty: required, assigned, lacking."""
        rows = []
        for force in OBJECT_FORCES:
            required = getattr(self, f"{force}_required")
            assigned = getattr(self, f"{force}_assigned")
            if required or assigned:
                rows.append(
                    {
                        "force": force.upper(),
                        "required": required,
                        "assigned": assigned,
                        "lacks": max(required - assigned, 0),
                    }
                )
        return rows
