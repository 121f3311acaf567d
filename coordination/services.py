"""Writes of coordination: meetings and their agenda, minutes and revisions, follow-ups,
attachments and the asta siap checklist. Typed, keyword-only, atomic."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import (
    ActionItem,
    Agency,
    AgendaItem,
    Attachment,
    Meeting,
    MinutesRevision,
    ReadinessItem,
    UnitReadiness,
)
from core import clock
from core.formats import author_name
from deployments.models import Unit
from tps.models import TPS, Desa, Kecamatan

# DOMAIN.md's default asta siap; the same list seeds a fresh database (migration 0004).
ASTA_SIAP_DEFAULTS = (
    ("personel", "Siap personel"),
    ("sarpras", "Siap sarana dan prasarana"),
    ("anggaran", "Siap anggaran"),
    ("renops", "Siap rencana operasi (cara bertindak)"),
    ("latihan", "Siap latihan (latpraops, TFG, simulasi)"),
    ("koordinasi", "Siap koordinasi lintas sektoral"),
    ("mental-fisik", "Siap mental, fisik dan kesehatan"),
    ("komunikasi", "Siap komunikasi dan pelaporan"),
)


# Meetings and their agenda


@transaction.atomic
def meeting_create(
    *,
    number: str,
    title: str,
    kind: str,
    held_at: datetime,
    place: str,
    chair: str,
    chair_position: str = "",
    minute_taker: str = "",
    minute_taker_position: str = "",
    agenda: Sequence[str] = (),
    minutes: str = "",
    issues_raised: str = "",
) -> Meeting:
    """A new meeting with its agenda; follow-ups still open are carried onto the agenda."""
    meeting = Meeting(
        number=number,
        title=title,
        kind=kind,
        held_at=held_at,
        place=place,
        chair=chair,
        chair_position=chair_position,
        minute_taker=minute_taker,
        minute_taker_position=minute_taker_position,
        minutes=minutes,
        issues_raised=issues_raised,
    )
    meeting.full_clean()
    meeting.save()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, order=order, title=line.strip())
        for order, line in enumerate(agenda, start=1)
        if line.strip()
    )
    agenda_carry_over(meeting=meeting)
    return meeting


@transaction.atomic
def agenda_carry_over(*, meeting: Meeting) -> list[AgendaItem]:
    """Put every follow-up of an earlier meeting that is still open or in progress on this
    meeting's agenda, overdue ones first. Idempotent: an item already there is not added twice.

    Runs when a meeting is created (meeting_create, and the admin's add form). "Not done" is the
    item's status now; for a meeting entered after the fact that is the best the data knows.
    """
    # Lock the meeting: two saves of the same new meeting must not both append the items.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.revisions.exists():
        return []  # the published agenda is what was discussed; nothing is added afterwards
    already = set(
        meeting.agenda_items.exclude(action_item=None).values_list("action_item_id", flat=True)
    )
    day = timezone.localdate(meeting.held_at)
    pending = (
        ActionItem.objects.not_done()
        .filter(meeting__held_at__lt=meeting.held_at)
        .exclude(pk__in=already)
        .select_related("agency", "meeting")
        .order_by("due_on", "pk")
    )
    items = sorted(pending, key=lambda item: (not item.is_overdue(day), item.due_on, item.pk))
    if not items:
        return []
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
    carried = [
        AgendaItem(
            meeting=meeting,
            order=last + index,
            action_item=item,
            title=_carried_title(item, day)[:300],
        )
        for index, item in enumerate(items, start=1)
    ]
    return AgendaItem.objects.bulk_create(carried)


def _carried_title(item: ActionItem, day: date) -> str:
    late = _(" — TERLAMBAT") if item.is_overdue(day) else ""
    return _("Tindak lanjut %(number)s: %(what)s (%(agency)s, batas %(due)s)%(late)s") % {
        "number": item.meeting.number,
        "what": item.what,
        "agency": item.agency.name,
        "due": item.due_on.strftime("%d/%m/%Y"),
        "late": late,
    }


# Minutes: publication and corrections


def minutes_check_publication(*, meeting: Meeting, text: str, reason: str) -> int:
    """The number the next revision gets; ValidationError when it may not be written."""
    last = meeting.revisions.aggregate(last=Max("number"))["last"] or 0
    if not text.strip():
        raise ValidationError({"text": _("Notulen kosong tidak dapat diterbitkan.")})
    if last:
        if not reason.strip():
            raise ValidationError(
                {"reason": _("Notulen sudah diterbitkan: koreksi memerlukan alasan.")}
            )
        current = meeting.revisions.get(number=last)
        if current.text == text:
            raise ValidationError({"text": _("Teks koreksi sama dengan revisi terakhir.")})
    return last + 1


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by=None, text: str | None = None) -> MinutesRevision:
    """Publish the draft (or ``text``) as revision 1; from then on the minutes are locked."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.revisions.exists():
        raise ValidationError(
            _("Notulen sudah diterbitkan; perubahan dibuat sebagai revisi koreksi dengan alasan.")
        )
    return _revision_write(
        meeting=meeting, text=meeting.minutes if text is None else text, reason="", by=by
    )


@transaction.atomic
def minutes_revise(*, meeting: Meeting, text: str, reason: str, by=None) -> MinutesRevision:
    """A correction: a new revision with who and why; the earlier ones stay as they were."""
    # Two admins correcting at once would otherwise both take the same next number.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.revisions.exists():
        raise ValidationError(_("Notulen belum diterbitkan: terbitkan drafnya lebih dahulu."))
    return _revision_write(meeting=meeting, text=text, reason=reason, by=by)


def _revision_write(*, meeting: Meeting, text: str, reason: str, by) -> MinutesRevision:
    number = minutes_check_publication(meeting=meeting, text=text, reason=reason)
    revision = MinutesRevision(
        meeting=meeting,
        number=number,
        text=text,
        reason=reason.strip(),
        published_at=clock.now(),
        published_by=by,
        published_by_name=author_name(by),
    )
    revision.full_clean()
    revision.save()
    # The meeting's text follows the latest revision, so that search and the admin show it; a
    # queryset update, because the meeting's clean() refuses exactly this change elsewhere.
    Meeting.objects.filter(pk=meeting.pk).update(minutes=text)
    meeting.minutes = text
    return revision


# Follow-ups

# What an editor may set on a follow-up; status_changed_at is the rule's, never typed in.
ACTION_ITEM_FIELDS = frozenset(
    {
        "meeting",
        "what",
        "agency",
        "person",
        "due_on",
        "status",
        "dropped_reason",
        "kecamatan",
        "desa",
        "tps",
        "unit",
    }
)


def _status_record(item: ActionItem, *, status: str, dropped_reason: str) -> None:
    """The one rule for a follow-up's status, wherever it is set: when it changed is the
    operation clock's now (the changes page reads it), and only a dropped item keeps a reason."""
    item.status = status
    item.dropped_reason = dropped_reason if status == ActionItem.Status.DROPPED else ""
    item.status_changed_at = clock.now()


@transaction.atomic
def action_item_create(
    *,
    meeting: Meeting,
    what: str,
    agency: Agency,
    due_on: date,
    person: str = "",
    status: str = ActionItem.Status.OPEN,
    dropped_reason: str = "",
    kecamatan: Kecamatan | None = None,
    desa: Desa | None = None,
    tps: TPS | None = None,
    unit: Unit | None = None,
) -> ActionItem:
    """A new follow-up. One entered as already in progress, done or dropped has had its status
    changed: it is recorded as changed now."""
    item = ActionItem(
        meeting=meeting,
        what=what,
        agency=agency,
        due_on=due_on,
        person=person,
        kecamatan=kecamatan,
        desa=desa,
        tps=tps,
        unit=unit,
    )
    if status != ActionItem.Status.OPEN:
        _status_record(item, status=status, dropped_reason=dropped_reason)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, data: Mapping[str, Any]) -> ActionItem:
    """Change the fields in ``data`` (the admin passes what its form changed); a status that
    differs from the stored one follows action_item_set_status's rule."""
    unknown = set(data) - ACTION_ITEM_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a follow-up: {', '.join(sorted(unknown))}")
    # Lock the row: two admins closing the same item at once must not both record the change.
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    stored_status = item.status
    for name, value in data.items():
        setattr(item, name, value)
    if item.status != stored_status:
        _status_record(item, status=item.status, dropped_reason=item.dropped_reason)
    elif item.status != ActionItem.Status.DROPPED:
        item.dropped_reason = ""
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_set_status(
    *, item: ActionItem, status: str, dropped_reason: str = ""
) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _status_record(item, status=status, dropped_reason=dropped_reason)
    item.full_clean()
    item.save(update_fields=["status", "dropped_reason", "status_changed_at"])
    return item


# Attachments


@transaction.atomic
def attachment_add(*, meeting: Meeting, file: UploadedFile, title: str, by=None) -> Attachment:
    """Store a checked attachment; a refused file leaves no row and no file behind."""
    attachment = Attachment(meeting=meeting, title=title or file.name[:200], file=file)
    attachment.uploaded_by = by
    attachment.full_clean()  # type from the content, size limit
    attachment.save()
    return attachment


# Asta siap


@transaction.atomic
def readiness_items_ensure_defaults() -> list[ReadinessItem]:
    """The eight default items, created where missing (marked as estimates)."""
    existing = set(ReadinessItem.objects.values_list("code", flat=True))
    ReadinessItem.objects.bulk_create(
        ReadinessItem(code=code, name=name, order=order, is_estimate=True)
        for order, (code, name) in enumerate(ASTA_SIAP_DEFAULTS, start=1)
        if code not in existing
    )
    return list(ReadinessItem.objects.filter(active=True))


@transaction.atomic
def readiness_checklist_start(*, units: Sequence[Unit]) -> int:
    """Give each unit a row per active item, "belum dinilai"; existing rows are kept."""
    items = list(ReadinessItem.objects.filter(active=True))
    have = set(UnitReadiness.objects.filter(unit__in=units).values_list("unit_id", "item_id"))
    rows = [
        UnitReadiness(unit=unit, item=item)
        for unit in units
        for item in items
        if (unit.pk, item.pk) not in have
    ]
    UnitReadiness.objects.bulk_create(rows)
    return len(rows)


# A change to any of these is a judgement of the row, not an edit of its bookkeeping.
JUDGEMENT_FIELDS = frozenset({"status", "evidence", "reviewed_on"})
UNIT_READINESS_FIELDS = JUDGEMENT_FIELDS | {"unit", "item", "reviewed_by", "is_estimate"}
READINESS_ITEM_FIELDS = frozenset({"code", "name", "description", "order", "active", "is_estimate"})


def _edited_by_command(row: ReadinessItem | UnitReadiness, data: Mapping[str, Any]) -> None:
    """A default (ours, an estimate) the command edits becomes its own; an editor who sets the
    estimate mark themselves has the last word."""
    if "is_estimate" not in data and set(data) - {"is_estimate"}:
        row.is_estimate = False


def _judged(row: UnitReadiness, *, by, reviewed_by: str = "") -> None:
    """The one rule for a judgement of a unit's readiness, wherever it is made: it is recorded
    as made by the editor (or the reviewer the editor names), and it is no longer an estimate."""
    row.reviewed_by = reviewed_by.strip()[:150] or author_name(by)
    row.is_estimate = False


@transaction.atomic
def readiness_review(
    *, row: UnitReadiness, status: str, evidence: str, reviewed_on: date, by=None
) -> UnitReadiness:
    """The command's judgement of one item of one unit: no longer an estimate."""
    row = UnitReadiness.objects.select_for_update().get(pk=row.pk)
    row.status = status
    row.evidence = evidence
    row.reviewed_on = reviewed_on
    _judged(row, by=by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def readiness_create(
    *,
    unit: Unit,
    item: ReadinessItem,
    status: str = UnitReadiness.Status.UNKNOWN,
    evidence: str = "",
    reviewed_on: date | None = None,
    reviewed_by: str = "",
    is_estimate: bool | None = None,
    by=None,
) -> UnitReadiness:
    """A readiness row entered by the command. A row that says anything (a status, evidence or a
    date) is a judgement, by readiness_review's rule; ``is_estimate``, when given, is the
    editor's own mark and wins."""
    row = UnitReadiness(
        unit=unit,
        item=item,
        status=status,
        evidence=evidence,
        reviewed_on=reviewed_on,
        reviewed_by=reviewed_by.strip()[:150],
    )
    # A row that says nothing yet stays marked, as readiness_checklist_start's rows are.
    if status != UnitReadiness.Status.UNKNOWN or evidence or reviewed_on:
        _judged(row, by=by, reviewed_by=reviewed_by)
    if is_estimate is not None:
        row.is_estimate = is_estimate
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def readiness_update(*, row: UnitReadiness, data: Mapping[str, Any], by=None) -> UnitReadiness:
    """Change the fields in ``data`` (the admin passes what its form changed). A changed status,
    evidence or review date is a judgement, by readiness_review's rule: the reviewer is the
    editor unless ``data`` names another, and the row is no longer an estimate; an editor who
    changes the estimate mark has the last word."""
    unknown = set(data) - UNIT_READINESS_FIELDS
    if unknown:
        raise ValueError(f"Not editable on a readiness row: {', '.join(sorted(unknown))}")
    row = UnitReadiness.objects.select_for_update().get(pk=row.pk)
    for name, value in data.items():
        setattr(row, name, value)
    if JUDGEMENT_FIELDS & set(data):
        _judged(row, by=by, reviewed_by=data.get("reviewed_by", ""))
    _edited_by_command(row, data)
    if "is_estimate" in data:
        row.is_estimate = data["is_estimate"]
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def readiness_item_create(
    *,
    code: str,
    name: str,
    description: str = "",
    order: int = 0,
    active: bool = True,
    is_estimate: bool = False,
) -> ReadinessItem:
    """An asta siap item the command adds: its own, not an estimate, unless it says so."""
    item = ReadinessItem(
        code=code,
        name=name,
        description=description,
        order=order,
        active=active,
        is_estimate=is_estimate,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def readiness_item_update(*, item: ReadinessItem, data: Mapping[str, Any]) -> ReadinessItem:
    """Change the fields in ``data``; a default the command edits is no longer an estimate."""
    unknown = set(data) - READINESS_ITEM_FIELDS
    if unknown:
        raise ValueError(f"Not editable on an asta siap item: {', '.join(sorted(unknown))}")
    item = ReadinessItem.objects.select_for_update().get(pk=item.pk)
    for name, value in data.items():
        setattr(item, name, value)
    _edited_by_command(item, data)
    item.full_clean()
    item.save()
    return item
