"""The write of dispatch: the command sends people to an incident.

One transaction: the incident's row is locked and its state read again under the lock; the
people's duties are written through the assignment door (deployments.services.dispatch: their
current duty relieved at the operation clock's now, a Penanganan kejadian duty begun); each
duty is linked to the incident (IncidentDispatch); the people join the incident's responders;
the incident moves diverifikasi → ditangani with the ``dispatched`` timeline line naming them.
Sending more people to an incident already ditangani or di lokasi adds them (a reinforcement)
without changing its state. Any refusal (a person outside the user's scope, already sent
elsewhere, unavailable, the incident in another state) raises ValidationError and writes
nothing. Coverage is recomputed after the commit by the assignment door's trigger.
"""

import uuid
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.formats import wib_time
from deployments.models import Assignment, Personnel
from deployments.services.dispatch import assignments_dispatch, dispatch_duties_end
from field.dispatch.models import DispatchStep, IncidentDispatch, Progress, Step
from field.incidents.models import NOTE_MAX, RESPONDING_STATES, EventKind, Incident, IncidentState
from field.incidents.services import (
    _event,
    _locked,
    _now_after,
    _require,
    _text,
    incident_arrive,
    incident_resolve,
)
from field.notifications.delivery import notifications_send
from field.notifications.models import DISPATCH_LEVEL, Notification, NotificationKind

S = IncidentState
# Where people may be sent: verified (the first dispatch), or already handled (reinforcement).
DISPATCH_STATES = (S.DIVERIFIKASI, S.DITANGANI, S.DI_LOKASI)


def dispatchable_people(user, personnel_ids: Sequence[int]) -> list[Personnel]:
    """The people of `personnel_ids` that `user` may send (Personnel.objects.visible_to);
    refused, naming nothing outside the scope, when any id is unknown or not theirs."""
    try:
        ids = sorted({int(pk) for pk in personnel_ids})
    except (TypeError, ValueError):
        raise ValidationError(_("Nomor personel tidak sah.")) from None
    if not ids:
        raise ValidationError(_("Pilih sekurang-kurangnya satu personel."))
    people = list(Personnel.objects.visible_to(user).filter(pk__in=ids).order_by("pk"))
    if len(people) != len(ids):
        raise ValidationError(
            _("Sebagian personel yang dipilih tidak dikenal atau di luar wilayah Anda.")
        )
    return people


@transaction.atomic
def incident_dispatch(
    *, incident: Incident, by, personnel_ids: Sequence[int], note: str = ""
) -> list[IncidentDispatch]:
    """Send the people to the incident; returns one IncidentDispatch per person."""
    incident = _locked(incident)
    _require(incident, DISPATCH_STATES, _("dikirimi personel"))
    note = _text(note, label=_("Catatan"))
    people = dispatchable_people(by, personnel_ids)
    first = incident.state == S.DIVERIFIKASI
    at = _now_after(incident, incident.verified_at if first else incident.dispatched_at)
    sent = assignments_dispatch(
        people=people, at=at, by=by, reason=_("Dikirim ke %s") % incident.number
    )
    links = IncidentDispatch.objects.bulk_create(
        IncidentDispatch(
            incident=incident,
            duty=item.duty,
            relieved=item.relieved,
            personnel=item.personnel,
            at=at,
            by=by,
            note=note,
        )
        for item in sent
    )
    names = ", ".join(f"{item.personnel.rank_label} {item.personnel.name}".strip() for item in sent)
    if first:
        incident.state, incident.dispatched_at = S.DITANGANI, at
        # Cut, never refused: a long list of names must not stop a dispatch.
        incident.dispatch_note = "; ".join(part for part in (names, note) if part)[:NOTE_MAX]
        incident.save(update_fields=["state", "dispatched_at", "dispatch_note"])
    incident.responders.add(*(item.personnel for item in sent))
    _event(
        incident,
        EventKind.DISPATCHED,
        at=at,
        by=by,
        text=(_("Dikirim: %(names)s.") % {"names": names} + (f" {note}" if note else ""))[
            :NOTE_MAX
        ],
        responders=[item.personnel.pk for item in sent],
        duties=[item.duty.pk for item in sent],
        relieved=[item.relieved.pk for item in sent if item.relieved is not None],
        reinforcement=not first,
    )
    _tell_responders(incident, [item.personnel for item in sent], at=at)
    return links


def _tell_responders(incident: Incident, people: list[Personnel], *, at) -> None:
    """The people sent are told on their phones (Web Push, Telegram), after the commit; /me/
    shows the dispatch card whether or not they are. Whoever has no active account is named on
    the timeline, so that the command calls them instead. Someone sent again to the same
    incident was told the first time and is not told again (one notification per kind)."""
    accounts = set(
        get_user_model()
        .objects.filter(pk__in=[p.user_id for p in people if p.user_id], is_active=True)
        .values_list("pk", flat=True)
    )
    already = set(
        Notification.objects.filter(
            incident=incident, kind=NotificationKind.DISPATCH, recipient_id__in=accounts
        ).values_list("recipient_id", flat=True)
    )
    told = notifications_send(
        incident=incident,
        recipient_ids=accounts - already,
        kind=NotificationKind.DISPATCH,
        level=DISPATCH_LEVEL,
        at=at,
    )
    untold = [p for p in people if p.user_id not in accounts]
    text = _("Yang dikirim diberi tahu di ponsel: %(count)s akun.") % {"count": len(told)}
    if untold:
        text += " " + _("Tanpa akun aktif, hubungi langsung: %(names)s.") % {
            "names": ", ".join(person_label(p) for p in untold)
        }
    _event(
        incident,
        EventKind.NOTIFIED,
        at=at,
        text=text[:NOTE_MAX],
        notice=NotificationKind.DISPATCH,
        level=DISPATCH_LEVEL,
        told=told,
    )


# The responder's own steps (docs/incidents.md, "Responders' phones")


class DispatchEnded(ValidationError):
    """The dispatch is over (the incident ended, the duty ended or was cancelled): the phone
    is told so (409) and nothing is written."""


# Where each step may come from: Berangkat may be skipped; Selesai sent before Tiba (an
# offline queue does not keep the order of its items) records Tiba at the same moment.
STEP_FROM = {
    Step.BERANGKAT: (Progress.DIKIRIM,),
    Step.TIBA: (Progress.DIKIRIM, Progress.BERANGKAT),
    Step.SELESAI: (Progress.DIKIRIM, Progress.BERANGKAT, Progress.TIBA),
}
EVENT_OF = {
    Step.BERANGKAT: EventKind.RESPONDER_DEPARTED,
    Step.TIBA: EventKind.RESPONDER_ARRIVED,
    Step.SELESAI: EventKind.RESPONDER_FINISHED,
}


def person_label(person: Personnel) -> str:
    return f"{person.rank_label} {person.name}".strip()


def dispatch_under_way(dispatch: IncidentDispatch, *, at) -> bool:
    """Whether the responder's dispatch still runs: its incident open, its duty neither
    cancelled nor over (a Selesai of their own ends it)."""
    duty = dispatch.duty
    return (
        dispatch.incident.state in RESPONDING_STATES
        and duty.status != Assignment.Status.CANCELLED
        and duty.ends_at > at
    )


@transaction.atomic
def dispatch_progress(
    *,
    dispatch: IncidentDispatch,
    step: str,
    by_person: Personnel,
    idempotency_key: uuid.UUID,
    note: str = "",
) -> tuple[DispatchStep, bool]:
    """The responder presses Berangkat, Tiba or Selesai; returns the step's record and whether
    it is new.

    - Idempotent: the key is unique in the database; a resend (the offline queue after a lost
      answer) returns the first record and writes nothing. The incident's row is locked first,
      as every incident write does, so two sends at once queue behind each other: one record.
      A step already recorded under another key (a double press) answers that record too.
    - Tiba of the first responder moves the incident ditangani → di lokasi
      (incident_arrive). Selesai needs what was done; it ends this person's dispatch duty, and
      when no other responder of the incident is still under way and the incident is di
      lokasi, it resolves the incident with that text (incident_resolve, which releases
      everyone).
    - Refused, with nothing written: another person's dispatch, a dispatch over
      (DispatchEnded), a step after a later one (Berangkat after Tiba, Tiba after Selesai),
      Selesai without a note, a key already used for another step, a clock set back.
    Each step is a timeline line naming the person.
    """
    if step not in Step.values:
        raise ValidationError(_("Langkah tidak dikenal."))
    incident = _locked(dispatch.incident)
    dispatch = (
        IncidentDispatch.objects.select_for_update(of=("self",))
        .select_related("duty", "personnel")
        .get(pk=dispatch.pk)
    )
    dispatch.incident = incident
    if dispatch.personnel_id != by_person.pk:
        raise ValidationError(_("Pengiriman ini bukan milik Anda."))
    existing = DispatchStep.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.dispatch_id == dispatch.pk and existing.step == step:
            return existing, False
        raise ValidationError(_("Kunci kiriman ini sudah dipakai untuk langkah lain."))
    pressed = dispatch.steps.filter(step=step).first()
    if pressed is not None:
        return pressed, False
    at = clock.now()
    if not dispatch_under_way(dispatch, at=at):
        raise DispatchEnded(
            _("Penugasan Anda di %(number)s sudah berakhir: langkah tidak dicatat.")
            % {"number": incident.number}
        )
    if dispatch.progress not in STEP_FROM[step]:
        raise ValidationError(
            _("Sudah tercatat %(progress)s: %(step)s tidak dapat dicatat lagi.")
            % {"progress": dispatch.get_progress_display().lower(), "step": Step(step).label}
        )
    note = _text(
        note,
        label=_("Hasil penanganan") if step == Step.SELESAI else _("Catatan"),
        required=step == Step.SELESAI,
    )
    previous = max(t for t in (dispatch.at, dispatch.departed_at, dispatch.arrived_at) if t)
    if at < previous:
        raise ValidationError(
            _("Jam operasi (%(now)s) lebih awal dari langkah sebelumnya.")
            % {"now": f"{at:%d/%m %H:%M}"}
        )
    user = by_person.user
    record = DispatchStep.objects.create(
        dispatch=dispatch, step=step, at=at, note=note, idempotency_key=idempotency_key, by=user
    )
    who = person_label(dispatch.personnel)
    fields = ["progress"]
    if step == Step.BERANGKAT:
        dispatch.departed_at = at
        fields.append("departed_at")
    if step in (Step.TIBA, Step.SELESAI) and dispatch.arrived_at is None:
        dispatch.arrived_at = at
        fields.append("arrived_at")
    if step == Step.SELESAI:
        dispatch.finished_at = at
        fields.append("finished_at")
    dispatch.progress = {
        Step.BERANGKAT: Progress.BERANGKAT,
        Step.TIBA: Progress.TIBA,
        Step.SELESAI: Progress.SELESAI,
    }[step]
    dispatch.save(update_fields=fields)
    _event(
        incident,
        EVENT_OF[step],
        at=at,
        by=user,
        text=(f"{who}." + (f" {note}" if note else ""))[:NOTE_MAX],
        personnel=dispatch.personnel_id,
        dispatch=dispatch.pk,
    )
    if "arrived_at" in fields and incident.state == S.DITANGANI:
        incident = incident_arrive(
            incident=incident, by=user, note=_("Tiba pertama: %(who)s.") % {"who": who}
        )
    if step == Step.SELESAI:
        _finish(incident, dispatch, at=at, by=user, resolution=note)
    return record, True


def _finish(incident: Incident, dispatch: IncidentDispatch, *, at, by, resolution: str) -> None:
    """This responder is done: free again now. The last of the incident's responders to finish
    while it is di lokasi resolves it (which ends every dispatch duty of it)."""
    others_under_way = (
        IncidentDispatch.objects.filter(incident=incident, finished_at=None)
        .exclude(pk=dispatch.pk)
        .filter(duty__ends_at__gt=at)
        .exclude(duty__status=Assignment.Status.CANCELLED)
        .exists()
    )
    if not others_under_way and incident.state == S.DI_LOKASI:
        incident_resolve(incident=incident, by=by, resolution=resolution)
        return
    dispatch_duties_end(
        duty_ids=[dispatch.duty_id],
        at=at,
        by=by,
        reason=_("%(number)s: selesai %(when)s")
        % {"number": incident.number, "when": wib_time(at)},
    )
