"""Handover notes between two shifts of a post (catatan serah terima, docs/shifts.md).

A member of the outgoing shift writes (and may rewrite until it is acknowledged) the note for
the next shift of the same post; a member of that shift acknowledges it, once. The database
refuses a note to another post's shift and any change after the acknowledgement (migration 0016).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deployments.models import Assignment, HandoverNote, Personnel, Shift


def next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(post_id=shift.post_id, starts_at__gte=shift.ends_at)
        .order_by("starts_at")
        .first()
    )


def _holds(person: Personnel, shift: Shift) -> bool:
    return Assignment.objects.not_cancelled().filter(personnel=person, shift=shift).exists()


@transaction.atomic
def handover_write(*, shift: Shift, text: str, by: Personnel, at: datetime) -> HandoverNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Tuliskan catatan serah terima.")})
    if not _holds(by, shift):
        raise ValidationError(_("Hanya anggota regu ini yang menulis catatan serah terimanya."))
    incoming = next_shift(shift)
    if incoming is None:
        raise ValidationError(_("Belum ada regu berikutnya di pos ini."))
    note = HandoverNote.objects.select_for_update().filter(from_shift=shift).first()
    if note is not None and note.acknowledged:
        raise ValidationError(_("Catatan ini sudah diterima regu berikutnya; tidak dapat diubah."))
    if note is None:
        note = HandoverNote(from_shift=shift)
    note.to_shift = incoming
    note.text = text
    note.written_by = by
    note.written_at = at
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def handover_acknowledge(*, note: HandoverNote, by: Personnel, at: datetime) -> HandoverNote:
    if not _holds(by, note.to_shift):
        raise ValidationError(_("Hanya anggota regu penerima yang menerima catatan ini."))
    changed = HandoverNote.objects.filter(pk=note.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=by, acknowledged_at=max(at, note.written_at)
    )
    if not changed:
        raise ValidationError(_("Catatan ini sudah diterima."))
    note.refresh_from_db()
    return note
