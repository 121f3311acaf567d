"""Strength on the ground (issue #18): periods a person cannot be assigned, a period lent to
another unit (BKO keluar) among them."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formats import wib_stamp
from deployments.models.personnel import Personnel


def overlaps(starts_at: datetime, ends_at: datetime, other) -> bool:
    """`other` (a duty or a period already in memory) meets [starts_at, ends_at), half-open:
    back-to-back windows do not overlap. The rule the `overlapping` querysets write in SQL."""
    return other.starts_at < ends_at and other.ends_at > starts_at


def earliest(rows: Iterable):
    """The first of the rows by start, as the querysets' `.order_by("starts_at").first()`."""
    return min(rows, key=lambda r: (r.starts_at, r.pk or 0), default=None)


class UnavailabilityQuerySet(models.QuerySet):
    def overlapping(self, starts_at: datetime, ends_at: datetime) -> "UnavailabilityQuerySet":
        """Periods meeting [starts_at, ends_at), half-open like assignments (overlaps())."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Unavailability(models.Model):
    """A person sick, on leave, on other duty or lent to another unit (BKO keluar) for
    [starts_at, ends_at).

    No non-cancelled assignment of the person may overlap it: Assignment.clean says so in
    Indonesian, and a trigger refuses the write on every path (migrations 0011, 0013).

    A BKO keluar is one of these periods, not a model of its own, so that every path that
    already refuses a duty over a period refuses a duty of someone lent out; it carries the
    unit they go to and the order (Sprin) lending them, issued by whoever asked for them, so
    kept as its number and date rather than as one of this operation's Sprin.
    """

    class Kind(models.TextChoices):
        SICK = "sick", _("Sakit")
        LEAVE = "leave", _("Cuti")
        OTHER_DUTY = "other_duty", _("Dinas lain")
        BKO_OUT = "bko_out", _("BKO keluar")

    personnel = models.ForeignKey(
        Personnel,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("personel"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    reason = models.TextField(_("alasan"), blank=True)
    destination = models.CharField(
        _("satuan tujuan BKO"),
        max_length=120,
        blank=True,
        help_text=_("Hanya untuk BKO keluar: satuan yang dibantu, mis. Polres Blitar."),
    )
    sprin_number = models.CharField(
        _("No. Sprin BKO"),
        max_length=80,
        blank=True,
        help_text=_("Hanya untuk BKO keluar: surat perintah yang memerintahkannya."),
    )
    sprin_date = models.DateField(_("Tgl. Sprin BKO"), null=True, blank=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("ketidaksediaan personel")
        verbose_name_plural = _("ketidaksediaan personel")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_unavailability_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["sick", "leave", "other_duty", "bko_out"]),
                name="deployments_unavailability_kind_valid",
            ),
            # A BKO keluar says where to and by which order; the other kinds say neither.
            models.CheckConstraint(
                condition=~Q(kind="bko_out")
                | (Q(destination__regex=r"\S") & Q(sprin_number__regex=r"\S")),
                name="deployments_unavailability_bko_out_has_order",
            ),
            models.CheckConstraint(
                condition=Q(kind="bko_out")
                | (Q(destination="") & Q(sprin_number="") & Q(sprin_date__isnull=True)),
                name="deployments_unavailability_bko_fields_only_bko_out",
            ),
        ]
        indexes = [models.Index(fields=["personnel", "starts_at"])]

    def __str__(self) -> str:
        what = self.get_kind_display()
        if self.kind == self.Kind.BKO_OUT and self.destination:
            what = _("BKO keluar ke %(unit)s") % {"unit": self.destination}
        return f"{what} {wib_stamp(self.starts_at)} – {wib_stamp(self.ends_at)}"

    def clean(self, duties: Iterable | None = None) -> None:
        """Recording a period over duties the person holds would leave them on duty while
        unavailable: those duties are moved or cancelled first (the admin lists them).

        `duties`: the person's duties already read (an import checking many periods at once,
        cancelled ones included); without it, one query."""
        self.destination = " ".join((self.destination or "").split())
        self.sprin_number = " ".join((self.sprin_number or "").split())
        errors = self._bko_errors()
        if errors:
            raise ValidationError(errors)
        if not (self.personnel_id and self.starts_at and self.ends_at):
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Selesai harus sesudah mulai.")})
        if duties is None:
            # The reverse accessor's queryset is AssignmentQuerySet: no import of
            # assignment.py, which imports this module.
            duties = list(
                self.personnel.assignments.overlapping(self.starts_at, self.ends_at).order_by(
                    "starts_at"
                )[:5]
            )
        else:
            duties = sorted(
                (d for d in duties if d.holds_time and overlaps(self.starts_at, self.ends_at, d)),
                key=lambda d: (d.starts_at, d.pk or 0),
            )[:5]
        if duties:
            raise ValidationError(
                _(
                    "%(person)s masih bertugas pada periode ini: %(duties)s. Pindahkan atau "
                    "batalkan tugas itu lebih dahulu."
                )
                % {
                    "person": self.personnel.name,
                    "duties": "; ".join(
                        f"{wib_stamp(d.starts_at)} – {wib_stamp(d.ends_at)}" for d in duties
                    ),
                },
                code="on_duty",
            )

    def _bko_errors(self) -> dict[str, str]:
        if self.kind == self.Kind.BKO_OUT:
            errors = {}
            if not self.destination:
                errors["destination"] = _("Tuliskan satuan tujuan BKO.")
            if not self.sprin_number:
                errors["sprin_number"] = _("Tuliskan nomor Sprin BKO.")
            return errors
        if self.destination or self.sprin_number or self.sprin_date:
            return {"kind": _("Satuan tujuan dan Sprin BKO hanya untuk BKO keluar.")}
        return {}


def validate_available(duty, periods: Iterable[Unavailability] | None = None) -> None:
    """Refuse a duty (an Assignment) over a period its person is unavailable (half-open, like
    assignments). One query, or none when `periods` (every period of the person, read once
    for many duties: an import) is given; the person's name is read only for the message."""
    if periods is None:
        clash = (
            Unavailability.objects.filter(personnel_id=duty.personnel_id)
            .overlapping(duty.starts_at, duty.ends_at)
            .order_by("starts_at")
            .first()
        )
    else:
        clash = earliest(p for p in periods if overlaps(duty.starts_at, duty.ends_at, p))
    if clash is not None:
        raise ValidationError(
            _("%(person)s tidak tersedia (%(what)s) pada waktu itu.")
            % {"person": duty.personnel.name, "what": clash},
            code="unavailable",
        )
