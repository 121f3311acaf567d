"""Handover notes (catatan serah terima, issue #18): what the outgoing shift of a post tells the
incoming one, acknowledged once by a member of the incoming shift."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deployments.models.personnel import Personnel
from deployments.models.shifts import Shift


class HandoverNoteQuerySet(models.QuerySet):
    def for_shifts(self, shift_ids) -> "HandoverNoteQuerySet":
        """The notes a set of shifts wrote or received."""
        return self.filter(Q(from_shift_id__in=shift_ids) | Q(to_shift_id__in=shift_ids))


class HandoverNote(models.Model):
    """The outgoing shift's note to the next shift of the same post: what happened, what is
    pending, what to watch. Written by a member of the outgoing shift; acknowledged (once) by a
    member of the incoming shift, after which it is no longer changed (a trigger holds it,
    migration 0016).

    The writer and the acknowledger are Personnel, not user accounts: field accounts are
    deleted after the operation (UU PDP retention), the people's rows stay pseudonymised.
    """

    from_shift = models.OneToOneField(
        Shift,
        on_delete=models.CASCADE,
        related_name="handover_note",
        verbose_name=_("regu yang menyerahkan"),
    )
    to_shift = models.ForeignKey(
        Shift,
        on_delete=models.CASCADE,
        related_name="handover_notes_received",
        verbose_name=_("regu yang menerima"),
    )
    text = models.TextField(_("catatan"))
    written_by = models.ForeignKey(
        Personnel,
        on_delete=models.PROTECT,
        related_name="handover_notes_written",
        verbose_name=_("ditulis oleh"),
    )
    written_at = models.DateTimeField(_("ditulis pada"))
    acknowledged_by = models.ForeignKey(
        Personnel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handover_notes_acknowledged",
        verbose_name=_("diterima oleh"),
    )
    acknowledged_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)

    objects = HandoverNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan serah terima")
        verbose_name_plural = _("catatan serah terima")
        ordering = ["-written_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(text__regex=r"\S"), name="deployments_handovernote_text_present"
            ),
            models.CheckConstraint(
                condition=~Q(from_shift=F("to_shift")),
                name="deployments_handovernote_to_another_shift",
            ),
            # Acknowledged means by someone at some moment: one without the other is no receipt.
            models.CheckConstraint(
                condition=Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="deployments_handovernote_ack_complete",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("written_at")),
                name="deployments_handovernote_ack_after_writing",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Serah terima %(shift)s")) % {"shift": self.from_shift}

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def clean(self) -> None:
        if self.from_shift_id and self.to_shift_id:
            if self.from_shift.post_id != self.to_shift.post_id:
                raise ValidationError(
                    {"to_shift": _("Serah terima hanya kepada regu berikutnya di pos yang sama.")}
                )
            if self.to_shift.starts_at < self.from_shift.ends_at:
                raise ValidationError(
                    {"to_shift": _("Regu penerima harus mulai sesudah regu yang menyerahkan.")}
                )
