"""Writes of field reporting: typed, keyword-only, atomic.

Phones on a failing network send the same thing twice: every write here is idempotent, by the
idempotency key the phone generated for a report or check-in, and by the (TPS, step) unique
constraint for the status timeline, so a second delivery returns the first record.
"""

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.access import Role, access_of
from deployments.models import Assignment, Personnel
from deployments.services import pasca_end, personnel_account_create
from field.geo import distance_m
from field.incidents import services as incidents
from field.models import (
    CheckIn,
    FieldSession,
    Instruction,
    InstructionAck,
    SignInLink,
    SituationReport,
    TPSStatusStep,
    token_digest,
)
from field.photos import photo_prepare
from field.public_url import public_url
from tps.models import TPS, Desa, Kecamatan

# Sign-in links


def signin_url(token: str) -> str:
    """The absolute link on the card: built on the public address (field/public_url.py), never
    on the request's Host header (a card is printed once and must lead to the real site)."""
    return public_url() + reverse("field:signin", kwargs={"token": token})


def _link_expiry(last_end: datetime | None) -> datetime:
    """End of the person's last assignment plus the grace days, as a real-time instant.

    Assignments are in operation time and authentication in real time (API.md): the time left
    on the operation clock is added to the real now. Without a pinned clock the two agree; with
    the demo's clock on election day a card printed today works for the demo's remaining duty.
    """
    domain_now = clock.now()
    end = max(last_end or domain_now, domain_now) + timedelta(days=settings.SIGNIN_LINK_GRACE_DAYS)
    return timezone.now() + (end - domain_now)


def _last_ends(person_ids: Iterable[int]) -> dict[int, datetime]:
    rows = (
        Assignment.objects.not_cancelled()
        .filter(personnel_id__in=list(person_ids))
        .values("personnel_id")
        .annotate(last_end=Max("ends_at"))
        .order_by()
    )
    return {row["personnel_id"]: row["last_end"] for row in rows}


@dataclass(frozen=True)
class IssuedLinks:
    tokens: dict[int, str]  # person id → the token, which exists only here
    refused: list[tuple[Personnel, str]]  # people without a link, and why


@transaction.atomic
def signin_link_issue(*, person: Personnel, by=None) -> tuple[SignInLink, str]:
    """A new one-time link for the person; their earlier unused links stop working.

    Creates the person's field account when it is missing. Returns the link and its token;
    the database keeps only the token's digest.
    """
    issued = signin_links_issue(people=[person], by=by)
    if issued.refused:
        raise ValidationError(issued.refused[0][1])
    token = issued.tokens[person.pk]
    return SignInLink.objects.get(token_hash=token_digest(token)), token


@transaction.atomic
def signin_links_issue(*, people: list[Personnel], by=None) -> IssuedLinks:
    """One new link per person (a print run of cards), revoking their earlier unused links.

    The people's rows are locked, so that two admins printing the same run at once leave each
    person exactly one usable link (the later print's). Someone inactive, or whose account
    cannot be made (their identifier is another account's username), gets no link.
    """
    ids = [p.pk for p in people]
    list(Personnel.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    refused: list[tuple[Personnel, str]] = []
    issued: list[Personnel] = []
    for person in people:
        if not person.active:
            refused.append((person, _("Personel tidak aktif.")))
            continue
        if person.user_id is None:
            try:
                with transaction.atomic():
                    personnel_account_create(personnel=person)
            except ValidationError as exc:
                refused.append((person, exc.messages[0]))
                continue
        issued.append(person)
    issued_ids = [p.pk for p in issued]
    SignInLink.objects.filter(person_id__in=issued_ids, used_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    # A new card replaces the old one, which may be lost with the phone it signed in.
    _sessions_end(person_ids=issued_ids)
    last_ends = _last_ends(issued_ids)
    tokens = {pk: secrets.token_urlsafe(32) for pk in issued_ids}
    SignInLink.objects.bulk_create(
        SignInLink(
            token_hash=token_digest(tokens[pk]),
            person_id=pk,
            created_by=by,
            expires_at=_link_expiry(last_ends.get(pk)),
        )
        for pk in issued_ids
    )
    return IssuedLinks(tokens=tokens, refused=refused)


def signin_link_lookup(token: str) -> SignInLink | None:
    """The usable link of this token whose person may sign in, or None. Changes nothing."""
    link = (
        SignInLink.objects.usable()
        .select_related("person__user")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if link is None or not link.person.active:
        return None
    user = link.person.user
    if user is None or not user.is_active:
        return None
    return link


@transaction.atomic
def signin_link_redeem(*, token: str) -> Personnel | None:
    """Use the link up and return the person to sign in, or None when it no longer works.

    The conditional UPDATE is the lock: of two requests with the same link at once, exactly
    one changes the row and signs in.
    """
    link = signin_link_lookup(token)
    if link is None:
        return None
    used = SignInLink.objects.usable().filter(pk=link.pk).update(used_at=timezone.now())
    return link.person if used == 1 else None


@transaction.atomic
def signin_links_revoke(*, person: Personnel) -> tuple[int, int]:
    """Revoke the person's unused links and sign out their phones (a lost card or phone);
    returns how many links and how many sessions."""
    links = SignInLink.objects.filter(person=person, used_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    return links, _sessions_end(person_ids=[person.pk])


# Phones signed in as a field officer


def field_session_record(*, person_id: int, session_key: str) -> FieldSession:
    """Remember the session a phone signed in with, so that field_sessions_end can end it."""
    # A session cannot outlive FIELD_SESSION_MAX: older rows name nothing alive.
    FieldSession.objects.filter(
        person_id=person_id, created_at__lt=timezone.now() - settings.FIELD_SESSION_MAX
    ).delete()
    record, _created = FieldSession.objects.update_or_create(
        session_key=session_key, defaults={"person_id": person_id}
    )
    return record


def on_user_logged_in(sender, request=None, user=None, **kwargs) -> None:
    """Records a field officer's new session, by link or by password alike."""
    access = access_of(user)
    if request is None or access.role is not Role.FIELD:
        return
    session = request.session
    if session.session_key is None:
        # login() flushed another person's session (a phone passed on): the new one gets its
        # key only when saved, and the key is what must be recorded.
        session.save()
    field_session_record(person_id=access.personnel_id, session_key=session.session_key)


def _sessions_end(*, person_ids: list[int]) -> int:
    """Delete the people's sessions through the session engine (database or cache): their
    phones are signed out on their next request."""
    rows = list(
        FieldSession.objects.filter(person_id__in=person_ids).values_list("pk", "session_key")
    )
    if not rows:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for _pk, session_key in rows:
        store.delete(session_key)
    FieldSession.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    return len(rows)


@transaction.atomic
def field_sessions_end(*, person: Personnel) -> int:
    """ "Keluarkan ponsel": sign out every phone signed in as this person, without touching
    their card; returns how many sessions ended."""
    return _sessions_end(person_ids=[person.pk])


# Check-in and the TPS status timeline


def guard_assignment(person: Personnel, tps: TPS, *, at: datetime) -> Assignment:
    """The person's Pam TPS duty at this TPS that has not ended yet, soonest first."""
    assignment = (
        Assignment.objects.duties_of(person, at=at)
        .guarding()
        .filter(tps=tps)
        .select_related("phase")
        .order_by("starts_at")
        .first()
    )
    if assignment is None:
        raise ValidationError(
            _("%(person)s tidak bertugas di %(tps)s.") % {"person": person.name, "tps": tps}
        )
    return assignment


def _existing(model, person: Personnel, key: uuid.UUID | None):
    if key is None:
        return None
    return model.objects.filter(person=person, idempotency_key=key).first()


@transaction.atomic
def checkin_record(
    *,
    person: Personnel,
    tps: TPS,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy_m: int | None = None,
    idempotency_key: uuid.UUID | None = None,
    entered_by=None,
) -> tuple[CheckIn, bool]:
    """Record "saya sudah di lokasi"; returns the check-in and whether it is new.

    With a position, the distance to the TPS is kept and a far one flagged; without one (no
    permission, no fix, entered by a Posko) the check-in stands as unverified.
    """
    existing = _existing(CheckIn, person, idempotency_key)
    if existing is not None:
        return existing, False
    at = clock.now()
    assignment = guard_assignment(person, tps, at=at)
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Posisi tidak lengkap: lintang dan bujur harus ada keduanya."))
    distance = None
    if latitude is not None:
        distance = round(distance_m(latitude, longitude, tps.latitude, tps.longitude))
    checkin = CheckIn(
        person=person,
        tps=tps,
        phase=assignment.phase,
        at=at,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        distance_m=distance,
        far=distance is not None and distance > settings.FIELD_CHECKIN_FAR_METRES,
        idempotency_key=idempotency_key,
        via_posko=entered_by is not None,
        entered_by=entered_by,
    )
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        # The same key arrived twice at once: the first one is the record.
        return CheckIn.objects.get(person=person, idempotency_key=idempotency_key), False
    return checkin, True


@transaction.atomic
def tps_status_step_record(
    *, person: Personnel, tps: TPS, step: int, entered_by=None
) -> tuple[TPSStatusStep, bool]:
    """Record a step of the TPS's election day; returns the step and whether it is new.

    A step already recorded (by a teammate, or by this phone a minute ago) is returned as it
    is: the first report of a step is the one that counts.
    """
    if step not in TPSStatusStep.Step.values:
        raise ValidationError(_("Tahap status TPS tidak dikenal."))
    guard_assignment(person, tps, at=clock.now())
    existing = TPSStatusStep.objects.filter(tps=tps, step=step).first()
    if existing is not None:
        return existing, False
    record = TPSStatusStep(
        tps=tps,
        step=step,
        at=clock.now(),
        person=person,
        via_posko=entered_by is not None,
        entered_by=entered_by,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Two guards of the TPS pressed the same step at the same moment.
        return TPSStatusStep.objects.get(tps=tps, step=step), False
    return record, True


# Situation reports


@transaction.atomic
def situation_report_create(
    *,
    person: Personnel,
    kind: str,
    text: str,
    urgent: bool,
    idempotency_key: uuid.UUID,
    tps: TPS | None = None,
    photo=None,
    entered_by=None,
) -> tuple[SituationReport, bool]:
    """Store a situation report once per idempotency key; returns it and whether it is new.

    A report queued offline may reach the server twice (the first answer was lost): the second
    delivery gets the first record back.
    """
    existing = _existing(SituationReport, person, idempotency_key)
    if existing is not None:
        return existing, False
    if tps is not None:
        guard_assignment(person, tps, at=clock.now())
    report = SituationReport(
        person=person,
        tps=tps,
        kind=kind,
        text=text.strip(),
        urgent=urgent,
        at=clock.now(),
        idempotency_key=idempotency_key,
        via_posko=entered_by is not None,
        entered_by=entered_by,
    )
    report.full_clean(exclude=["photo", "person", "tps", "entered_by"])
    if photo is not None:
        content = photo_prepare(photo)
        report.photo.save(content.name, content, save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        if report.photo:
            report.photo.delete(save=False)
        return SituationReport.objects.get(person=person, idempotency_key=idempotency_key), False
    if incidents.report_raises_incident(report):
        _incident_open(report)
    return report, True


def _incident_open(report: SituationReport) -> None:
    """An urgent report opens its incident at once (field.incidents); one without a known
    place stays in the feed for the command to open by hand."""
    try:
        with transaction.atomic():
            incidents.incident_open_from_report(report=report)
    except ValidationError:
        pass


@transaction.atomic
def situation_report_mark_handled(*, report: SituationReport, by) -> SituationReport:
    """Mark a report handled by this user; the first to handle it stays on record."""
    SituationReport.objects.filter(pk=report.pk, handled_at=None).update(
        handled_at=clock.now(), handled_by=by
    )
    report.refresh_from_db(fields=["handled_at", "handled_by"])
    return report


# Instructions


@transaction.atomic
def instruction_create(
    *, text: str, by, kecamatan: Kecamatan | None = None, desa: Desa | None = None
) -> Instruction:
    instruction = Instruction(
        text=text.strip(), kecamatan=kecamatan, desa=desa, created_by=by, created_at=clock.now()
    )
    if (kecamatan is None) == (desa is None):
        raise ValidationError(_("Pilih satu wilayah: kecamatan atau desa/kelurahan."))
    instruction.full_clean(exclude=["created_by"])
    instruction.save()
    return instruction


@transaction.atomic
def instruction_withdraw(*, instruction: Instruction) -> Instruction:
    Instruction.objects.filter(pk=instruction.pk, withdrawn_at=None).update(
        withdrawn_at=clock.now()
    )
    instruction.refresh_from_db(fields=["withdrawn_at"])
    return instruction


@transaction.atomic
def instruction_acknowledge(*, instruction: Instruction, person: Personnel) -> InstructionAck:
    ack, _created = InstructionAck.objects.get_or_create(
        instruction=instruction, person=person, defaults={"at": clock.now()}
    )
    return ack


# Retention (UU PDP 27/2022)


@dataclass(frozen=True)
class PurgeResult:
    photos: int
    reports: int
    checkins: int
    steps: int
    acks: int
    links: int


@transaction.atomic
def field_data_purge(*, at: datetime | None = None) -> PurgeResult | None:
    """Once the pasca phase is over: delete report photos and sign-in links, and strip who
    reported, what they wrote and where they stood from the field records.

    What remains is what the operation's record needs and names nobody: which TPS, which step,
    when, of which kind, how far. Returns None (and changes nothing) before the end of pasca.
    Idempotent: a second run finds nothing left to remove. The people themselves are
    deployments.services.personnel_data_purge's, PERSONAL_DATA_RETENTION_DAYS later.
    """
    at = at or clock.now()
    end = pasca_end()
    if end is None or at < end:
        return None
    with_photo = list(SituationReport.objects.exclude(photo="").only("pk", "photo"))
    for report in with_photo:
        report.photo.delete(save=False)
    SituationReport.objects.filter(pk__in=[r.pk for r in with_photo]).update(photo="")
    reports = SituationReport.objects.filter(Q(person__isnull=False) | ~Q(text="")).update(
        person=None, text=""
    )
    checkins = CheckIn.objects.filter(Q(person__isnull=False) | Q(latitude__isnull=False)).update(
        person=None, latitude=None, longitude=None, accuracy_m=None
    )
    steps = TPSStatusStep.objects.exclude(person=None).update(person=None)
    # Incidents keep their course, not the reporters' words: the timeline's copies of report
    # texts go, and so do the summaries the system made from them.
    incidents.incident_texts_purge()
    acks = InstructionAck.objects.all().delete()[0]
    links = SignInLink.objects.all().delete()[0]
    # Who signed in when is personal data too; the sessions themselves expire on their own.
    FieldSession.objects.all().delete()
    return PurgeResult(
        photos=len(with_photo),
        reports=reports,
        checkins=checkins,
        steps=steps,
        acks=acks,
        links=links,
    )
