"""BKO (bawah kendali operasi): troops borrowed from a unit outside the Polres for a period.

BKO masuk is a BkoIn: a person registered here (a Personnel row whose unit is the unit they
are attached to) from an origin unit outside the jurisdiction (Sat Brimob Polda Jatim, a
neighbouring Polres), for [starts_at, ends_at), by an order (Sprin). Outside their BKO periods
they are not ours to assign: a duty of theirs lies wholly inside one of their periods.
Assignment.clean says so in Indonesian (validate_within_bko); the database refuses it on every
other path (triggers of migration 0017, on PostgreSQL and SQLite), and refuses a period shrunk
or removed from under a duty.

BKO keluar, our people lent to another unit, is an Unavailability of kind bko_out
(strength.py); BkoOut is that kind as its own admin list.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formats import wib_stamp
from deployments.models.personnel import Personnel
from deployments.models.strength import Unavailability, overlaps


class BkoInQuerySet(models.QuerySet):
    def at(self, moment: datetime) -> "BkoInQuerySet":
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class BkoIn(models.Model):
    """A person attached to this Polres (BKO masuk) from a unit outside it, for a period."""

    personnel = models.ForeignKey(
        Personnel,
        on_delete=models.CASCADE,
        related_name="bko_in",
        verbose_name=_("personel"),
        help_text=_("Terdaftar di satuan tempat ia diperbantukan."),
    )
    origin_unit = models.CharField(
        _("satuan asal"),
        max_length=120,
        help_text=_("Satuan di luar wilayah hukum, mis. Sat Brimob Polda Jatim, Polres Blitar."),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    sprin_number = models.CharField(
        _("No. Sprin BKO"),
        max_length=80,
        help_text=_("Surat perintah satuan asal atau Polda yang memperbantukannya."),
    )
    sprin_date = models.DateField(_("Tgl. Sprin BKO"))
    note = models.TextField(_("keterangan"), blank=True)

    objects = BkoInQuerySet.as_manager()

    class Meta:
        verbose_name = _("BKO masuk")
        verbose_name_plural = _("BKO masuk")
        ordering = ["starts_at", "origin_unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_bkoin_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(origin_unit__regex=r"\S") & Q(sprin_number__regex=r"\S"),
                name="deployments_bkoin_origin_and_order",
            ),
        ]
        indexes = [models.Index(fields=["personnel", "starts_at"], name="deployments_bkoin_person")]

    def __str__(self) -> str:
        return _("BKO dari %(origin)s %(start)s – %(end)s") % {
            "origin": self.origin_unit,
            "start": wib_stamp(self.starts_at),
            "end": wib_stamp(self.ends_at),
        }

    def clean(self, duties: Iterable | None = None, periods: Iterable | None = None) -> None:
        """The period is ordered and meets no other BKO period of the person, and once it is
        written every duty the person holds still lies inside one of their periods.

        `duties`, `periods`: the person's duties and BKO periods already read (an import);
        without them, two queries."""
        self.origin_unit = " ".join((self.origin_unit or "").split())
        self.sprin_number = " ".join((self.sprin_number or "").split())
        if not (self.personnel_id and self.starts_at and self.ends_at):
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Selesai harus sesudah mulai.")})
        if periods is None:
            periods = BkoIn.objects.filter(personnel_id=self.personnel_id)
        others = [p for p in periods if p is not self and (p.pk is None or p.pk != self.pk)]
        clash = next((p for p in others if overlaps(self.starts_at, self.ends_at, p)), None)
        if clash is not None:
            raise ValidationError(
                _("%(person)s sudah BKO pada periode yang tumpang tindih: %(other)s.")
                % {"person": self.personnel.name, "other": clash},
                code="bko_overlap",
            )
        if duties is None:
            duties = self.personnel.assignments.not_cancelled()
        outside = outside_bko([*others, self], (d for d in duties if d.holds_time))
        if outside:
            raise ValidationError(
                _(
                    "%(person)s memegang tugas di luar periode BKO-nya: %(duties)s. Pindahkan "
                    "atau batalkan tugas itu lebih dahulu."
                )
                % {"person": self.personnel.name, "duties": _windows(outside)},
                code="outside_bko",
            )

    def deletion_blockers(self) -> list:
        """The person's duties that deleting this period would leave outside every other BKO
        period (deleting the person's last one makes them no longer BKO: nothing blocks)."""
        others = list(BkoIn.objects.filter(personnel_id=self.personnel_id).exclude(pk=self.pk))
        if not others:
            return []
        return outside_bko(others, self.personnel.assignments.not_cancelled())


def outside_bko(periods: list, duties: Iterable) -> list:
    """The duties lying wholly inside none of the BKO periods (the earliest five)."""
    found = [
        d
        for d in duties
        if not any(p.starts_at <= d.starts_at and d.ends_at <= p.ends_at for p in periods)
    ]
    return sorted(found, key=lambda d: (d.starts_at, d.pk or 0))[:5]


def validate_within_bko(duty, periods: Iterable | None = None) -> None:
    """Refuse a duty (an Assignment) of a BKO-in person outside their BKO periods. One query,
    or none when `periods` (every BKO period of the person, read once for many duties: an
    import) is given; a person without a BKO period is ours and is not concerned."""
    if periods is None:
        periods = BkoIn.objects.filter(personnel_id=duty.personnel_id)
    periods = list(periods)
    if not periods or not outside_bko(periods, [duty]):
        return
    raise ValidationError(
        _(
            "%(person)s adalah personel BKO dan hanya dapat ditugaskan di dalam periode BKO-nya "
            "(%(periods)s)."
        )
        % {
            "person": duty.personnel.name,
            "periods": "; ".join(str(p) for p in sorted(periods, key=lambda p: p.starts_at)),
        },
        code="outside_bko",
    )


def _windows(duties) -> str:
    return "; ".join(f"{wib_stamp(d.starts_at)} – {wib_stamp(d.ends_at)}" for d in duties)


class BkoOutQuerySet(models.QuerySet):
    def at(self, moment: datetime) -> "BkoOutQuerySet":
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class BkoOutManager(models.Manager.from_queryset(BkoOutQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Unavailability.Kind.BKO_OUT)


class BkoOut(Unavailability):
    """BKO keluar: one of our people lent to another unit for a period (a period of
    unavailability of kind bko_out, listed on its own)."""

    objects = BkoOutManager()

    class Meta:
        proxy = True
        verbose_name = _("BKO keluar")
        verbose_name_plural = _("BKO keluar")
