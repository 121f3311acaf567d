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

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deployments.models import Personnel
from deployments.services.dispatch import assignments_dispatch
from field.dispatch.models import IncidentDispatch
from field.incidents.models import NOTE_MAX, EventKind, Incident, IncidentState
from field.incidents.services import _event, _locked, _now_after, _require, _text

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
    return links
