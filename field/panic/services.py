"""The panic button (tombol darurat) of /me/: a field officer in danger opens a darurat incident
at their position with one press (docs/incidents.md, "Panic").

Exactly once however often it arrives: the person's row is locked, so two presses of the same
person are handled one after the other; a press with a key seen before (the offline queue
resending after a lost answer) returns what the first did (PanicSignal's unique key backs it);
a press with a new key while the person's alert is open (a double tap, a second tab) joins the
open incident with a timeline line and the new position (PanicAlert's partial unique index,
"one open panic per person", backs it).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock
from deployments.models import Assignment, Personnel
from field.dispatch.selectors import responder_candidates
from field.forms import ACCURACY_MAX_METRES
from field.incidents.models import (
    EventKind,
    Incident,
    IncidentClass,
    Severity,
)
from field.incidents.services import _event, _locked
from field.notifications.delivery import notifications_send
from field.notifications.escalation import escalation_start
from field.notifications.models import PANIC_LEVEL, NotificationKind
from field.panic.models import PanicAlert, PanicSignal

# How many of the nearest free reserves and patrols are told at once (besides the team).
RESERVES_TOLD = 5


@dataclass(frozen=True)
class PanicResult:
    alert: PanicAlert
    signal: PanicSignal
    opened: bool  # this press opened the incident
    repeated: bool  # this very press (its key) had arrived before: nothing new written

    @property
    def incident(self) -> Incident:
        return self.alert.incident


def _position(latitude, longitude, accuracy) -> tuple[Decimal | None, Decimal | None, int | None]:
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Posisi tidak lengkap; coba lagi."))
    if latitude is not None:
        try:
            latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
        except InvalidOperation:
            raise ValidationError(_("Posisi tidak terbaca; coba lagi.")) from None
        finite = latitude.is_finite() and longitude.is_finite()
        if not (finite and -90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationError(_("Posisi di luar jangkauan peta; coba lagi."))
        latitude, longitude = round(latitude, 6), round(longitude, 6)
    if accuracy is not None:
        if not (isinstance(accuracy, int | float) and 0 <= accuracy <= ACCURACY_MAX_METRES):
            raise ValidationError(_("Akurasi posisi tidak masuk akal; coba lagi."))
        accuracy = round(accuracy)
    return latitude, longitude, accuracy


def _duty_now(person: Personnel, at: datetime) -> Assignment | None:
    """The duty under way: a TPS guard's first (their TPS), else one at a post."""
    duties = (
        Assignment.objects.at(at)
        .filter(personnel=person)
        .select_related("post__desa")
        .prefetch_related("tps__desa")
        .order_by("starts_at", "pk")
    )
    duties = list(duties)
    with_tps = [d for d in duties if d.tps.all()]
    return (with_tps or duties or [None])[0]


def _place(person: Personnel, duty: Assignment | None) -> dict:
    """The incident's TPS and desa (so the Polsek of its kecamatan sees it): the duty's TPS,
    else its post's desa, else the person's unit's or home desa; a Polsek's kecamatan alone
    when nothing finer is known."""
    if duty is not None:
        stations = sorted(duty.tps.all(), key=lambda t: t.pk)
        if stations:
            tps = stations[0]
            return {"tps": tps, "desa": tps.desa, "kecamatan_id": tps.desa.kecamatan_id}
        if duty.post_id is not None and duty.post.desa_id is not None:
            desa = duty.post.desa
            return {"desa": desa, "kecamatan_id": desa.kecamatan_id}
    unit = person.unit
    desa = unit.desa if unit.desa_id else person.home_desa
    if desa is not None:
        return {"desa": desa, "kecamatan_id": desa.kecamatan_id}
    return {"kecamatan_id": unit.kecamatan_id} if unit.kecamatan_id else {}


def _where(latitude, longitude, accuracy) -> str:
    if latitude is None:
        return _("tanpa posisi (ponsel tidak memberi lokasi)")
    text = f"{latitude}, {longitude}"
    return text + (f" ±{accuracy} m" if accuracy is not None else "")


def _team_users(person: Personnel, duty: Assignment | None, at: datetime) -> list:
    """The accounts of the others on the same TPS or post duty now."""
    if duty is None:
        return []
    same = Q(pk__in=[])
    stations = [t.pk for t in duty.tps.all()]
    if stations:
        same |= Q(tps__in=stations)
    if duty.post_id is not None:
        same |= Q(post_id=duty.post_id)
    people = Assignment.objects.at(at).filter(same).exclude(personnel=person).values("personnel")
    return list(
        get_user_model()
        .objects.filter(is_active=True, personnel__in=people, personnel__active=True)
        .distinct()
        .order_by("pk")
    )


def _reserve_users(incident: Incident, person: Personnel, at: datetime, skip: set[int]) -> list:
    """The accounts of the nearest free reserves and patrols (the dispatch's own candidates,
    in their order), up to RESERVES_TOLD people who have an account."""
    users = []
    for candidate in responder_candidates(incident, user=None, now=at):
        if len(users) == RESERVES_TOLD:
            break
        other = candidate.person
        if not candidate.first or not candidate.available or other.pk == person.pk:
            continue
        if other.user_id is None or other.user_id in skip:
            continue
        users.append(other.user_id)
    return list(get_user_model().objects.filter(pk__in=users, is_active=True).order_by("pk"))


def _tell_team_and_reserves(incident, person, duty, at) -> None:
    team = _team_users(person, duty, at)
    reserves = _reserve_users(incident, person, at, {u.pk for u in team})
    notifications_send(
        incident=incident,
        recipient_ids=[u.pk for u in team + reserves],
        kind=NotificationKind.PANIC,
        level=PANIC_LEVEL,
        at=at,
    )
    _event(
        incident,
        EventKind.NOTIFIED,
        at=at,
        text=_(
            "Tombol darurat: diberi tahu tim (%(team)s akun) dan cadangan terdekat "
            "(%(reserves)s akun)."
        )
        % {"team": len(team), "reserves": len(reserves)},
        level=PANIC_LEVEL,
        team=[u.pk for u in team],
        reserves=[u.pk for u in reserves],
    )


def _open(person, duty, at, latitude, longitude, accuracy) -> PanicAlert:
    place = _place(person, duty)
    if latitude is not None:
        place.update(latitude=latitude, longitude=longitude)
    if not (place.get("tps") or place.get("desa") or latitude is not None):
        raise ValidationError(
            _("Posisi ponsel dan tempat tugas Anda tidak diketahui: telepon Polsek atau Posko.")
        )
    title = _("DARURAT: %(person)s menekan tombol darurat") % {"person": person.name}
    if latitude is None:
        title += " · " + _("tanpa posisi")
    incident = Incident.objects.create(
        title=title[:200],
        incident_class=IncidentClass.GANGGUAN,
        severity=Severity.DARURAT,
        reported_at=at,
        **place,
    )
    alert = PanicAlert.objects.create(incident=incident, person=person, raised_at=at)
    _event(
        incident,
        EventKind.CREATED,
        at=at,
        text=_("Tombol darurat ditekan oleh %(person)s: %(where)s.")
        % {"person": person, "where": _where(latitude, longitude, accuracy)},
        panic=alert.pk,
        person=person.pk,
        positioned=latitude is not None,
    )
    escalation_start(incident)
    _tell_team_and_reserves(incident, person, duty, at)
    return alert


def _join(alert: PanicAlert, person, at, latitude, longitude, accuracy) -> None:
    """Another press while the alert is open: a line on the timeline, and the newer position
    (the person may be moving)."""
    incident = _locked(alert.incident)
    if latitude is not None:
        incident.latitude, incident.longitude = latitude, longitude
        incident.save(update_fields=["latitude", "longitude"])
    _event(
        incident,
        EventKind.NOTE,
        at=max(at, incident.reported_at),
        text=_("Tombol darurat ditekan lagi oleh %(person)s: %(where)s.")
        % {"person": person, "where": _where(latitude, longitude, accuracy)},
        panic=alert.pk,
        person=person.pk,
        positioned=latitude is not None,
    )


@transaction.atomic
def panic_raise(
    *,
    person: Personnel,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    accuracy: float | None = None,
    idempotency_key: uuid.UUID | str,
    at: datetime | None = None,
) -> PanicResult:
    """The person pressed the panic button: open their darurat incident, or join the open one.
    Refuses (ValidationError, nothing written) a position out of range or half given, a key
    that is no UUID or another person's, and a person with neither a position nor a duty
    place."""
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError:
        raise ValidationError(_("Kunci kiriman tidak sah.")) from None
    latitude, longitude, accuracy = _position(latitude, longitude, accuracy)
    # Every press of one person in a line: the same key twice, two tabs, a double tap.
    person = (
        Personnel.objects.select_for_update(of=("self",))
        .select_related("unit", "home_desa")
        .get(pk=person.pk)
    )
    seen = PanicSignal.objects.filter(idempotency_key=key).select_related("alert__incident").first()
    if seen is not None:
        if seen.alert.person_id != person.pk:
            raise ValidationError(_("Kunci kiriman ini sudah dipakai."))
        return PanicResult(seen.alert, seen, opened=False, repeated=True)
    at = at or clock.now()
    alert = (
        PanicAlert.objects.filter(person=person, is_open=True).select_related("incident").first()
    )
    if alert is not None and not alert.incident.is_open:
        # Closed outside the services (the admin, a shell): the next press is a new panic.
        PanicAlert.objects.filter(pk=alert.pk).update(
            is_open=False, closed_at=max(at, alert.raised_at)
        )
        alert = None
    opened = alert is None
    if opened:
        alert = _open(person, _duty_now(person, at), at, latitude, longitude, accuracy)
    else:
        _join(alert, person, at, latitude, longitude, accuracy)
    try:
        with transaction.atomic():
            signal = PanicSignal.objects.create(
                alert=alert,
                idempotency_key=key,
                at=at,
                latitude=latitude,
                longitude=longitude,
                accuracy_m=accuracy,
            )
    except IntegrityError:  # pragma: no cover - the person's lock makes this unreachable
        raise ValidationError(_("Kunci kiriman ini sudah dipakai.")) from None
    return PanicResult(alert, signal, opened=opened, repeated=False)
