"""Assignments: one person's duty for a time window, guarding TPS or manning a post."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Role, access_of
from core.formats import wib_stamp
from deployments.models.bko import validate_within_bko
from deployments.models.operation import Phase
from deployments.models.pattern import Post, PostKind, Sprin
from deployments.models.personnel import Force, Personnel
from deployments.models.rest import validate_rest
from deployments.models.shifts import Shift
from deployments.models.strength import earliest, overlaps, validate_available
from tps.models import TPS


class AssignmentQuerySet(models.QuerySet):
    def not_cancelled(self) -> "AssignmentQuerySet":
        return self.exclude(status=Assignment.Status.CANCELLED)

    def overlapping(self, starts_at: datetime, ends_at: datetime) -> "AssignmentQuerySet":
        # Half-open intervals [starts_at, ends_at): back-to-back shifts do not overlap.
        return self.not_cancelled().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def counted_for(self, phase: Phase) -> "AssignmentQuerySet":
        """The assignments coverage counts: Pam TPS, in the phase, active (neither cancelled nor
        relieved: a guard pulled away to an incident no longer guards the TPS), active people."""
        return self.filter(
            phase=phase,
            kind=PostKind.PAM_TPS,
            status=Assignment.Status.ACTIVE,
            personnel__active=True,
        )

    def dispatches(self) -> "AssignmentQuerySet":
        """Temporary duties at an incident (kind Penanganan kejadian)."""
        return self.filter(kind=PostKind.KEJADIAN)

    def at(self, moment: datetime) -> "AssignmentQuerySet":
        return self.not_cancelled().filter(starts_at__lte=moment, ends_at__gt=moment)

    def duties_of(self, person: Personnel, *, at: datetime) -> "AssignmentQuerySet":
        """The person's duties not yet ended at ``at``, under way or still to come: what /me/
        shows and what a guard's requests may reach (a duty ended is no longer theirs)."""
        return self.not_cancelled().filter(personnel=person, ends_at__gt=at)

    def guarding(self) -> "AssignmentQuerySet":
        """Duties at TPS (Pam TPS), the ones that carry TPS."""
        return self.filter(kind=PostKind.PAM_TPS)

    def in_kecamatan(self, kecamatan_id: int) -> "AssignmentQuerySet":
        """A kecamatan's roster: guards of its TPS, its posts and its Polsek's own people.

        Joins TPS, so a row can appear once per TPS: add distinct() or filter by pk__in.
        """
        return self.filter(
            Q(tps__desa__kecamatan_id=kecamatan_id)
            | Q(post__desa__kecamatan_id=kecamatan_id)
            | Q(personnel__unit__kecamatan_id=kecamatan_id)
        )

    def visible_to(self, user) -> "AssignmentQuerySet":
        access = access_of(user)
        if access.sees_everything:
            return self
        if access.role is Role.POLSEK:
            return self.in_kecamatan(access.kecamatan_id).distinct()
        if access.role is Role.FIELD:
            return self.filter(personnel_id=access.personnel_id)
        return self.none()


class Assignment(models.Model):
    """One person's duty for a time window in a phase: guarding TPS or manning a Post.

    A person never holds two non-cancelled assignments whose times overlap. Model validation
    says so in Indonesian; on PostgreSQL an exclusion constraint holds the rule against
    concurrent writers too (migration 0002).

    A duty of kind Penanganan kejadian is the command sending the person to an incident
    (field.dispatch links it to the incident); the duty the person held at that moment ends
    then and becomes *relieved*: it keeps the time actually served (so the overlap rule still
    sees it), and coverage stops counting it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        CANCELLED = "cancelled", _("Dibatalkan")
        RELIEVED = "relieved", _("Ditarik (dikirim ke kejadian)")

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
    shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("regu jaga"),
        help_text=_("Untuk pos yang dijaga bergantian: regu tempat tugas ini."),
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
                condition=Q(kind__in=[PostKind.PAM_TPS, PostKind.KEJADIAN]) | Q(post__isnull=False),
                name="deployments_assignment_post_unless_pam_tps",
            ),
            # The incident is the place of a dispatch duty, never a post.
            models.CheckConstraint(
                condition=~Q(kind=PostKind.KEJADIAN) | Q(post__isnull=True),
                name="deployments_assignment_dispatch_no_post",
            ),
            models.CheckConstraint(
                condition=Q(shift__isnull=True) | Q(post__isnull=False),
                name="deployments_assignment_shift_has_post",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "cancelled", "relieved"]),
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
            # Who holds the posts of a kind (the Padal of a kecamatan, field.selectors): a few
            # hundred rows among ~150,000 Pam TPS duties at Polda size.
            models.Index(fields=["kind", "post"], name="deployments_asg_kind_post"),
        ]

    def __str__(self) -> str:
        # The labels by the enums, not get_FOO_display(), which rebuilds its choices each call
        # (a tenth of an import's time: every row of the preview is named by this).
        where = self.post.name if self.post_id else _label(PostKind, self.kind)
        start = wib_stamp(self.starts_at) if self.starts_at else "?"
        who = f"{self.personnel.name}: " if self.personnel_id else ""
        return f"{who}{where}, {start} ({_label(self.Status, self.status)})"

    def clean(self, bookings: "Bookings | None" = None) -> None:
        """The rules of one assignment. `bookings`: the duties and unavailability periods of
        its person already read (an import checking thousands at once); without it, the
        overlap and availability rules ask the database (two queries)."""
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
        if self.kind == PostKind.KEJADIAN and self.post_id:
            errors["post"] = _("Penanganan kejadian tidak memakai pos: tempatnya kejadian itu.")
        elif (
            self.kind
            and self.kind not in (PostKind.PAM_TPS, PostKind.KEJADIAN)
            and not self.post_id
        ):
            errors["post"] = _("Penugasan selain Pam TPS memerlukan pos.")
        if self.shift_id and not errors:
            errors.update(self._shift_errors())
        self.linmas_other_desa_reason = (self.linmas_other_desa_reason or "").strip()
        if self.linmas_other_desa and not self.linmas_other_desa_reason:
            errors["linmas_other_desa_reason"] = _(
                "Tuliskan alasan Linmas ditugaskan ke TPS di luar desanya."
            )
        if self.linmas_other_desa and self.personnel_id and self.personnel.force != Force.LINMAS:
            errors["linmas_other_desa"] = _("Pengecualian lintas desa hanya berlaku untuk Linmas.")
        if errors:
            raise ValidationError(errors)
        self.validate_no_overlap(bookings)

    def _shift_errors(self) -> dict[str, str]:
        """A duty of a shift is at the shift's post and inside its hours."""
        shift = self.shift
        if shift.post_id != self.post_id:
            return {"shift": _("Regu jaga itu milik pos lain: %(post)s.") % {"post": shift.post}}
        if (
            self.starts_at
            and self.ends_at
            and not (shift.starts_at <= self.starts_at and self.ends_at <= shift.ends_at)
        ):
            return {
                "starts_at": _("Waktu tugas harus di dalam jam regu jaga %(shift)s.")
                % {"shift": shift}
            }
        return {}

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

    def validate_no_overlap(self, bookings: "Bookings | None" = None) -> None:
        """No two non-cancelled duties of a person overlap, none over a period the person is
        unavailable, two shift duties leave the minimum rest between them (models/rest.py), and
        a BKO-in person's lies inside a BKO period. The clash named is the earliest one."""
        if not (self.personnel_id and self.starts_at and self.ends_at):
            return
        if self.status == self.Status.CANCELLED:
            return
        if bookings is None:
            clash = (
                Assignment.objects.overlapping(self.starts_at, self.ends_at)
                .filter(personnel_id=self.personnel_id)
                .exclude(pk=self.pk)
                .select_related("post", "phase", "personnel")
                .first()
            )
        else:
            clash = bookings.clash(self)
        if clash is not None:
            raise ValidationError(
                _(
                    "%(person)s sudah bertugas pada waktu yang tumpang tindih: %(other)s "
                    "(%(start)s – %(end)s)."
                )
                % {
                    "person": self.personnel.name,
                    "other": clash,
                    "start": wib_stamp(clash.starts_at),
                    "end": wib_stamp(clash.ends_at),
                },
                code="overlap",
            )
        validate_available(
            self, periods=None if bookings is None else bookings.periods_of(self.personnel_id)
        )
        validate_rest(
            self, None if bookings is None else bookings.duties.get(self.personnel_id, ())
        )
        validate_within_bko(
            self, periods=None if bookings is None else bookings.bko_of(self.personnel_id)
        )

    @property
    def holds_time(self) -> bool:
        """Whether the duty takes the person's time (the overlap rule sees it): not cancelled,
        as AssignmentQuerySet.not_cancelled() selects."""
        return self.status != self.Status.CANCELLED


class Bookings:
    """The duties, unavailability and BKO periods of a set of people, read once, against which
    Assignment.clean checks many new or changed duties without a query each (an import).

    What the database would answer row by row, it answers from memory: call book() for each
    duty that passed (it is then one of its person's duties, as if saved), and restore() with
    a copy taken before a stored duty was changed by a row that failed.
    """

    def __init__(self, duties: Iterable[Assignment], periods: Iterable, bko: Iterable = ()) -> None:
        self.duties: dict[int, list[Assignment]] = defaultdict(list)
        for duty in duties:
            self.duties[duty.personnel_id].append(duty)
        self.periods: dict[int, list] = defaultdict(list)
        for period in periods:
            self.periods[period.personnel_id].append(period)
        # Every BKO-in period of the people (not only those within the span checked: a person
        # with any is a BKO person, whose duties must lie inside one).
        self.bko: dict[int, list] = defaultdict(list)
        for attachment in bko:
            self.bko[attachment.personnel_id].append(attachment)

    def clash(self, duty: Assignment) -> Assignment | None:
        """The earliest other duty of the person overlapping `duty` (validate_no_overlap)."""
        return earliest(
            other
            for other in self.duties.get(duty.personnel_id, ())
            if other is not duty
            and (duty.pk is None or other.pk != duty.pk)
            and other.holds_time
            and overlaps(duty.starts_at, duty.ends_at, other)
        )

    def periods_of(self, personnel_id: int) -> list:
        return self.periods.get(personnel_id, [])

    def bko_of(self, personnel_id: int) -> list:
        return self.bko.get(personnel_id, [])

    def book(self, duty: Assignment) -> None:
        """`duty` passed: later checks see it (once) among its person's duties."""
        mine = self.duties[duty.personnel_id]
        if not any(other is duty for other in mine):
            mine.append(duty)

    def restore(self, duty: Assignment, before: Assignment) -> None:
        """A stored duty changed by a row that failed stays as stored (`before`, a copy)."""
        mine = self.duties.get(duty.personnel_id, [])
        self.duties[duty.personnel_id] = [before if other is duty else other for other in mine]


def _label(choices, value) -> str:
    """The choice's label as get_FOO_display() gives it (the value itself when unknown), in
    the active language; each label is translated once per language."""
    key = (choices, value, get_language())
    label = _LABELS.get(key)
    if label is None:
        try:
            label = _LABELS[key] = str(choices(value).label)
        except ValueError:
            return str(value)
    return label


_LABELS: dict[tuple, str] = {}
