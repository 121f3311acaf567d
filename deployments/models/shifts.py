"""Shifts (regu jaga, issue #18): posts that run around the clock are staffed in shifts cut from
a template (2×12 h, 3×8 h) over a period; each duty of such a post belongs to one shift."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formats import wib_stamp
from deployments.models.pattern import Post


class ShiftTemplate(models.Model):
    """A day cut into equal shifts: `hours` long, the first starting at `first_starts_at`
    (WIB), e.g. 3×8 h from 07:00 (07–15, 15–23, 23–07)."""

    name = models.CharField(_("nama"), max_length=60, unique=True)
    hours = models.PositiveSmallIntegerField(
        _("lama satu regu (jam)"), help_text=_("Harus membagi 24: 6, 8, 12 atau 24.")
    )
    first_starts_at = models.TimeField(_("regu pertama mulai (WIB)"))

    class Meta:
        verbose_name = _("pola regu jaga")
        verbose_name_plural = _("pola regu jaga")
        ordering = ["hours", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__in=[6, 8, 12, 24]),
                name="deployments_shifttemplate_hours_divide_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shifts_per_day(self) -> int:
        return 24 // self.hours

    def clean(self) -> None:
        if self.hours is not None and (self.hours < 1 or 24 % self.hours):
            raise ValidationError({"hours": _("Lama satu regu harus membagi 24 jam.")})


class ShiftQuerySet(models.QuerySet):
    def overlapping(self, starts_at, ends_at) -> "ShiftQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def at(self, moment) -> "ShiftQuerySet":
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)

    def visible_to(self, user) -> "ShiftQuerySet":
        """The shifts of the objects the user sees (Post.objects.visible_to)."""
        return self.filter(post__in=Post.objects.visible_to(user).values("pk"))


class Shift(models.Model):
    """One shift of a post: [starts_at, ends_at). Its duties are the assignments pointing at it;
    the guard norm of the post's kind says how many each shift needs."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("pos / obyek")
    )
    template = models.ForeignKey(
        ShiftTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("pola regu jaga"),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))

    objects = ShiftQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("riwayat regu jaga"))

    class Meta:
        verbose_name = _("regu jaga")
        verbose_name_plural = _("regu jaga")
        ordering = ["post", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="deployments_shift_times_ordered",
            ),
            models.UniqueConstraint(
                fields=["post", "starts_at"], name="deployments_shift_unique_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="deployments_shift_window")]

    def __str__(self) -> str:
        return f"{self.post.name}: {wib_stamp(self.starts_at)} – {wib_stamp(self.ends_at)}"
