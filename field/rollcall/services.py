"""Writing the roll call (docs/rollcall.md): one service, whoever calls.

Who may record a duty's entry:
- the **commander** of the duty's group (field.rollcall.rules), signed in on their phone, inside
  the duty's roll-call window;
- the **Posko**: admins, and command or Polsek staff who are "operator Posko"
  (field.record_via_posko; Polsek staff for the duties of their kecamatan), from the window's
  opening until the duty ends, so that a late report by radio can still be entered.

Everyone else is refused with an Indonesian message; nothing is written then.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.access import Role, access_of
from core.formats import wib_stamp
from deployments.models import Assignment, PostKind
from field.access import is_posko_operator
from field.rollcall.models import RollCall, RollCallStatus
from field.rollcall.rules import call_at, commander_of, in_window, window_of

MAX_LATE_MINUTES = 24 * 60


@dataclass
class RollCallRefused(Exception):
    """Why an entry was not written, in Indonesian, and the HTTP status that says so."""

    message: str
    status: int = 403

    def __str__(self) -> str:
        return self.message


@transaction.atomic
def record_roll_call(
    *,
    recorder,
    duty: Assignment,
    status: str,
    late_minutes: int | None = None,
    at: datetime | None = None,
) -> RollCall:
    """Writes (or corrects) the duty's entry. Late without minutes: late until now."""
    at = at or clock.now()
    if status not in RollCallStatus.values:
        raise RollCallRefused(_("Pilih Hadir, Tidak hadir atau Terlambat."), status=422)
    # The duty's row lock: two callers (the commander and the Posko) correct one after the
    # other, each seeing the other's entry, instead of racing on the unique entry.
    duty = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("shift", "personnel")
        .get(pk=duty.pk)
    )
    if duty.status == Assignment.Status.CANCELLED or duty.kind == PostKind.KEJADIAN:
        raise RollCallRefused(_("Penugasan ini tidak diapel."), status=422)
    source = _source_for(recorder, duty, at)
    minutes = _late_minutes(duty, status, late_minutes, at)
    # The duty's lock above serialises writers of its entry: read, then write once (one
    # history row per write).
    entry = RollCall.objects.filter(duty=duty).first() or RollCall(duty=duty)
    entry.status, entry.late_minutes, entry.source, entry.at = status, minutes, source, at
    entry.recorded_by = recorder
    entry._history_user = recorder  # the writer in the history, outside a request too
    entry.save()
    return entry


def _source_for(recorder, duty: Assignment, at: datetime) -> str:
    access = access_of(recorder)
    opens, closes = window_of(duty)
    if access.role is Role.FIELD:
        if commander_of(duty) != access.personnel_id:
            # No name in the refusal: any duty's id may be posted, and must tell nothing.
            raise RollCallRefused(_("Hanya komandan pos ini yang dapat mengapel tugas ini."))
        if not in_window(duty, at):
            raise RollCallRefused(_window_message(opens, closes), status=422)
        return RollCall.Source.COMMANDER
    if not is_posko_operator(recorder):
        raise RollCallRefused(_("Mencatat apel dari Posko memerlukan hak operator Posko."))
    if access.role is Role.POLSEK and not _in_scope(recorder, duty):
        raise RollCallRefused(_("Penugasan ini di luar kecamatan Anda."))
    if not opens <= at < duty.ends_at:
        raise RollCallRefused(_window_message(opens, duty.ends_at), status=422)
    return RollCall.Source.POSKO


def _in_scope(user, duty: Assignment) -> bool:
    return Assignment.objects.visible_to(user).filter(pk=duty.pk).exists()


def _window_message(opens: datetime, closes: datetime) -> str:
    return _("Apel tugas ini hanya dapat dicatat dari %(opens)s sampai %(closes)s.") % {
        "opens": wib_stamp(opens),
        "closes": wib_stamp(closes),
    }


def _late_minutes(duty: Assignment, status: str, given: int | None, at: datetime) -> int | None:
    if status != RollCallStatus.LATE:
        return None
    if given is None:
        # Marked late as they arrive: late by the time since the apel began.
        given = int((at - call_at(duty)).total_seconds() // 60)
        if given < 1:
            raise RollCallRefused(
                _("Apel belum dimulai: tuliskan berapa menit terlambat."), status=422
            )
    if not 1 <= given <= MAX_LATE_MINUTES:
        raise RollCallRefused(
            _("Menit terlambat harus antara 1 dan %(max)s.") % {"max": MAX_LATE_MINUTES},
            status=422,
        )
    return given
