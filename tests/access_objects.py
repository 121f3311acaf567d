"""Real objects of kecamatan A / TPS A for the object-level half of the access matrix.

`tests/test_access_matrix.py` walks every URL pattern that takes an id, a token or a file name.
Each one needs a builder here: it makes a real object that belongs to Mojoroto (kecamatan A)
and its TPS A, and answers the request to make with it and the object's scope. A URL with an id
and no builder fails the walk, so that no object URL is added without its object-level check.

Scopes: ``tps`` — the TPS's guards, and dashboard readers whose scope holds its kecamatan;
``kecamatan`` — dashboard readers whose scope holds the kecamatan (and, for instructions, the
guards serving there); ``polres`` — rows of the whole Polres (meetings, Sprin, the security
pattern, accounts…) that every reader of the group reads, whatever their kecamatan;
``bearer`` — whoever holds the token (a sign-in card).
"""

import itertools
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from coordination.services import attachment_add, minutes_publish
from deployments.models import ImportJob, PostKind, StaffProfile
from field.models import SignInLink, token_digest
from field.services import situation_report_create
from tests.coordination.helpers import pdf
from tests.factories import (
    ActionItemFactory,
    AgencyFactory,
    AssignmentFactory,
    GuardNormFactory,
    IndicatorFactory,
    InstructionFactory,
    MeetingFactory,
    OperationFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    ReadinessItemFactory,
    SecurityPatternFactory,
    SprinFactory,
    UnitReadinessFactory,
)
from tests.field.helpers import jpeg

TPS, KECAMATAN, POLRES, BEARER = "tps", "kecamatan", "polres", "bearer"


@dataclass
class Case:
    """One request about one object of kecamatan A."""

    path: str
    scope: str
    method: str = "get"
    data: dict = field(default_factory=dict)
    model: str = ""  # "app_label.model" of an admin page: the permission it needs


@dataclass
class WorldA:
    """Kecamatan A (Mojoroto), its TPS A, and the guard of TPS A (the `field_officer`)."""

    kecamatan: object
    tps: object
    guard: object
    polsek: object
    polsek_staff: object
    admin_user: object
    admin_objects: dict = field(default_factory=dict)  # one object per admin model


def world_a(*, kecamatan, tps, field_officer, polsek_staff, ops_admin) -> WorldA:
    polsek = polsek_staff.staff_profile.unit
    return WorldA(
        kecamatan=kecamatan,
        tps=tps,
        guard=field_officer.personnel,
        polsek=polsek,
        polsek_staff=polsek_staff,
        admin_user=ops_admin,
    )


def _key() -> str:
    return str(uuid.uuid4())


def _report(world: WorldA, *, photo: bool):
    return situation_report_create(
        person=world.guard,
        kind="gangguan",
        text="Laporan TPS A",
        urgent=True,
        idempotency_key=_key(),
        tps=world.tps,
        photo=jpeg((300, 200)) if photo else None,
    )[0]


def _meeting():
    meeting = MeetingFactory(minutes="# Notulen\n\nRakor kecamatan A.")
    minutes_publish(meeting=meeting)
    return meeting


# The site's own object URLs, by URL name


def _tps_page(name: str) -> Callable[[WorldA], Case]:
    return lambda w: Case(reverse(name, kwargs={"pk": w.tps.pk}), KECAMATAN)


def _signin(w: WorldA) -> Case:
    # Made directly: issuing a card (signin_link_issue) signs out the guard's phones, and the
    # guard is the field officer who walks this matrix.
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        token_hash=token_digest(token),
        person=w.guard,
        expires_at=timezone.now() + timedelta(days=1),
    )
    # GET only: it shows whose card it is and uses nothing up.
    return Case(reverse("field:signin", kwargs={"token": token}), BEARER)


def _tps_status(w: WorldA) -> Case:
    return Case(reverse("field:tps_status", kwargs={"pk": w.tps.pk}), TPS)


def _turnout_send(w: WorldA) -> Case:
    # The guard's second POST with the same key is a resend, answered 200 like the first.
    path = reverse("field:turnout_send", kwargs={"pk": w.tps.pk})
    data = {"voters": 0, "idempotency_key": str(uuid.uuid4())}
    return Case(path, TPS, method="post", data=data)


def _guard_duty(w: WorldA):
    return w.guard.assignments.get(kind=PostKind.PAM_TPS)


def _roll_call_record(w: WorldA) -> Case:
    """The guard of TPS A marked present on their own duty: they are a Linmas, no commander."""
    path = reverse("field:roll_call_record", kwargs={"pk": _guard_duty(w).pk})
    return Case(path, TPS, method="post", data={"status": "present"})


def _posko_roll_call_record(w: WorldA) -> Case:
    path = reverse("field:posko_roll_call_record", kwargs={"pk": _guard_duty(w).pk})
    return Case(path, TPS, method="post", data={"status": "absent"})


def _instruction_ack(w: WorldA) -> Case:
    instruction = InstructionFactory(kecamatan=w.kecamatan)
    return Case(
        reverse("field:instruction_ack", kwargs={"pk": instruction.pk}), KECAMATAN, method="post"
    )


def _report_photo(w: WorldA) -> Case:
    report = _report(w, photo=True)
    return Case(reverse("field:report_photo", kwargs={"pk": report.pk}), TPS)


def _incident_handle(w: WorldA) -> Case:
    report = _report(w, photo=False)
    return Case(
        reverse("field:incident_handle", kwargs={"pk": report.pk}), KECAMATAN, method="post"
    )


def _incident(w: WorldA):
    from field.incidents.services import incident_open_from_report

    return incident_open_from_report(report=_report(w, photo=False))[0]


def _incident_open(w: WorldA) -> Case:
    report = _report(w, photo=False)
    return Case(reverse("field:incident_open", kwargs={"pk": report.pk}), KECAMATAN, method="post")


def _incident_detail(w: WorldA) -> Case:
    return Case(reverse("field:incident_detail", kwargs={"pk": _incident(w).pk}), KECAMATAN)


def _incident_act(w: WorldA) -> Case:
    path = reverse("field:incident_act", kwargs={"pk": _incident(w).pk})
    return Case(path, KECAMATAN, method="post", data={"action": "note", "note": "Catatan"})


def _incident_print(w: WorldA) -> Case:
    return Case(reverse("field:incident_print", kwargs={"pk": _incident(w).pk}), KECAMATAN)


def _incident_acknowledge(w: WorldA) -> Case:
    path = reverse("field:incident_acknowledge", kwargs={"pk": _incident(w).pk})
    return Case(path, KECAMATAN, method="post")


def _alert_set(w: WorldA) -> Case:
    path = reverse("field:alert_set", kwargs={"pk": w.kecamatan.pk})
    return Case(path, KECAMATAN, method="post", data={"level": "kuning", "reason": "Uji akses"})


def _alert_tick(w: WorldA) -> Case:
    from field.alerts.services import area_alert_set

    # Merah: the walk's POST to alert_set raises kecamatan A to kuning, before or after this.
    alert = area_alert_set(kecamatan=w.kecamatan, level="merah", reason="Uji", by=w.admin_user)
    path = reverse("field:alert_tick", kwargs={"pk": alert.checklist.first().pk})
    return Case(path, KECAMATAN, method="post")


def _verified_incident(w: WorldA):
    from field.incidents.services import incident_verify

    return incident_verify(incident=_incident(w), by=w.admin_user)


def _incident_responders(w: WorldA) -> Case:
    return Case(reverse("field:incident_responders", kwargs={"pk": _incident(w).pk}), KECAMATAN)


def _patrol_of_a(w: WorldA):
    """A patrol officer of kecamatan A's Polsek on duty now: someone the dispatch may send."""
    person = PersonnelFactory(unit=w.polsek)
    AssignmentFactory(
        personnel=person,
        kind=PostKind.PATROLI,
        post=PostFactory(kind=PostKind.PATROLI, name=f"Patroli {person.identifier}"),
    )
    return person


def _incident_dispatch_preview(w: WorldA) -> Case:
    path = reverse("field:incident_dispatch_preview", kwargs={"pk": _verified_incident(w).pk})
    return Case(path, KECAMATAN, data={"personnel": _patrol_of_a(w).pk})


def _incident_dispatch(w: WorldA) -> Case:
    path = reverse("field:incident_dispatch", kwargs={"pk": _verified_incident(w).pk})
    return Case(path, KECAMATAN, method="post", data={"personnel": _patrol_of_a(w).pk})


def _dispatch_progress(w: WorldA) -> Case:
    """The guard of TPS A sent to an incident of kecamatan A (on a later duty: see
    later_dispatch); they post Berangkat, everyone else is refused."""
    from django.db.models import F

    from field.incidents.models import Incident
    from tests.field.incident_helpers import later_dispatch

    incident = _verified_incident(w)
    Incident.objects.filter(pk=incident.pk).update(
        state="ditangani", dispatched_at=F("verified_at")
    )
    dispatch = later_dispatch(w.guard, incident, by=w.admin_user)
    path = reverse("field:dispatch_progress", kwargs={"pk": dispatch.pk})
    return Case(
        path, TPS, method="post", data={"step": "berangkat", "idempotency_key": str(uuid.uuid4())}
    )


def _instruction_withdraw(w: WorldA) -> Case:
    instruction = InstructionFactory(kecamatan=w.kecamatan)
    return Case(
        reverse("field:instruction_withdraw", kwargs={"pk": instruction.pk}),
        KECAMATAN,
        method="post",
    )


def _logistics_batch(w: WorldA):
    from tests.factories import LogisticsBatchFactory, LogisticsLegFactory, LogisticsPlaceFactory

    ppk = LogisticsPlaceFactory(kind="ppk", name=f"PPK {_key()[:8]}", kecamatan=w.kecamatan)
    batch = LogisticsBatchFactory(kecamatan=w.kecamatan)
    LogisticsLegFactory(batch=batch, order=1, destination=ppk)
    return batch


def _logistics_page(name: str) -> Callable[[WorldA], Case]:
    return lambda w: Case(reverse(name, kwargs={"pk": _logistics_batch(w).pk}), KECAMATAN)


def _logistics_record(w: WorldA) -> Case:
    batch = _logistics_batch(w)
    data = {"action": "depart", "leg": batch.legs.get().pk, "boxes": 10, "ballots": 5000}
    path = reverse("field:logistics_record", kwargs={"pk": batch.pk})
    return Case(path, KECAMATAN, method="post", data=data)


def _report_sign() -> Case:
    from opsboard.reports.services import daily_report_update

    report = _daily_report()
    daily_report_update(report=report, data={"summary": "Aman"}, by=None)
    return Case(reverse("reports:report_sign", kwargs={"pk": report.pk}), POLRES, method="post")


def _meeting_page(name: str) -> Callable[[WorldA], Case]:
    return lambda w: Case(reverse(name, kwargs={"pk": _meeting().pk}), POLRES)


def _attachment_file(w: WorldA) -> Case:
    attachment = attachment_add(meeting=_meeting(), file=pdf(), title="Daftar hadir")
    return Case(
        reverse("coordination:attachment_file", kwargs={"name": attachment.file.name}), POLRES
    )


_REPORT_DAYS = itertools.count()


def _daily_report(*, signed: bool = False):
    """A report of a day of its own: a report is one per day, and every role's walk builds
    its own. A signed one (for the correction's page) has its summary."""
    from opsboard.reports.services import (
        daily_report_generate,
        daily_report_sign,
        daily_report_update,
    )

    day = date(2024, 1, 1) + timedelta(days=next(_REPORT_DAYS))
    report = daily_report_generate(day=day)[0]
    if signed:
        daily_report_update(report=report, data={"summary": "Aman"}, by=None)
        report = daily_report_sign(report=report, by=_signer())
    return report


def _signer():
    from tests.factories import UserFactory

    return UserFactory(username=f"kabagops-{_key()[:8]}")


def _report_page(name: str, *, method: str = "get", data=None, signed=False):
    def build(w: WorldA) -> Case:
        report = _daily_report(signed=signed)
        return Case(reverse(name, kwargs={"pk": report.pk}), POLRES, method=method, data=data or {})

    return build


def notable_incident(w: WorldA):
    """A Tinggi incident at TPS A, notable enough for a special report."""
    from field.incidents.models import Incident, Severity

    return Incident.objects.create(
        title="Bentrok pendukung",
        incident_class="bentrok_massa",
        severity=Severity.TINGGI,
        tps=w.tps,
        desa=w.tps.desa,
        kecamatan=w.kecamatan,
        reported_at=timezone.now(),
    )


def _special_page(name: str, *, method: str = "get", data=None, state: str = "draft"):
    """A special report of an incident of kecamatan A: a draft, one ready to sign (its gist
    written), or a signed one (for the correction)."""

    def build(w: WorldA) -> Case:
        from opsboard.reports.special import (
            special_report_generate,
            special_report_sign,
            special_report_update,
        )

        report = special_report_generate(incident=notable_incident(w))[0]
        if state in ("ready", "signed"):
            report = special_report_update(report=report, data={"summary": "Bentrok"}, by=None)
        if state == "signed":
            report = special_report_sign(report=report, by=_signer())
        path = reverse(name, kwargs={"pk": report.pk})
        return Case(path, KECAMATAN, method=method, data=data or {})

    return build


def _guarded_post(w: WorldA):
    from tests.shift_factories import GuardedPostFactory

    return GuardedPostFactory(kind=PostKind.PPK, desa=w.tps.desa)


def _shift_of_a(w: WorldA):
    from tests.shift_factories import shift_at, wib

    return shift_at(_guarded_post(w), wib(27, 7))


def _shift_swap(w: WorldA) -> Case:
    from tests.shift_factories import phase_at, shift_at, wib

    post = _guarded_post(w)
    duties = []
    for start in (wib(26, 7), wib(27, 7)):
        shift = shift_at(post, start)
        duties.append(
            AssignmentFactory(
                personnel=PersonnelFactory(unit=w.polsek),
                phase=phase_at(start),
                kind=post.kind,
                post=post,
                shift=shift,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
            ).pk
        )
    path = reverse("opsboard:shift_swap", kwargs={"pk": post.pk})
    return Case(path, KECAMATAN, method="post", data={"duty": duties})


def _shift_rotation(w: WorldA) -> Case:
    from tests.shift_factories import ShiftTemplateFactory

    path = reverse("opsboard:shift_rotation", kwargs={"pk": _guarded_post(w).pk})
    data = {
        "template": ShiftTemplateFactory().pk,
        "starts_on": "2024-11-27",
        "ends_on": "2024-11-27",
        "action": "preview",
    }
    return Case(path, KECAMATAN, method="post", data=data)


def _handover(w: WorldA) -> Case:
    from tests.shift_factories import shift_at, wib

    post = _guarded_post(w)
    shift = shift_at(post, wib(2, 7, month=12))
    shift_at(post, wib(2, 15, month=12))
    w.guard.assignments.create(
        phase=_phase_of(shift),
        kind=post.kind,
        post=post,
        shift=shift,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    return Case(reverse("field:handover", kwargs={"pk": shift.pk}), TPS)


def _phase_of(shift):
    from tests.shift_factories import phase_at

    return phase_at(shift.starts_at)


SITE_CASES: dict[str, Callable[[WorldA], Case]] = {
    "field:handover": _handover,
    "opsboard:shift_week": lambda w: Case(
        reverse("opsboard:shift_week", kwargs={"pk": _guarded_post(w).pk}), KECAMATAN
    ),
    "opsboard:shift_person": lambda w: Case(
        reverse("opsboard:shift_person", kwargs={"pk": w.guard.pk}), KECAMATAN
    ),
    "opsboard:shift_rotation": _shift_rotation,
    "opsboard:shift_swap": _shift_swap,
    "special:report_detail": _special_page("special:report_detail"),
    "special:report_edit": _special_page(
        "special:report_edit", method="post", data={"subject": "Bentrok", "summary": "Bentrok"}
    ),
    "special:report_sign": _special_page("special:report_sign", method="post", state="ready"),
    "special:report_revise": _special_page(
        "special:report_revise", method="post", data={"reason": "Koreksi"}, state="signed"
    ),
    "special:report_print": _special_page("special:report_print"),
    "special:report_export": _special_page("special:report_export"),
    "api:special_report": _special_page("api:special_report"),
    "reports:report_detail": _report_page("reports:report_detail"),
    "reports:report_edit": _report_page(
        "reports:report_edit", method="post", data={"summary": "Aman terkendali"}
    ),
    "reports:report_sign": lambda w: _report_sign(),
    "reports:report_revise": _report_page(
        "reports:report_revise", method="post", data={"reason": "Koreksi"}, signed=True
    ),
    "reports:report_print": _report_page("reports:report_print"),
    "reports:report_export": _report_page("reports:report_export"),
    "api:daily_report": _report_page("api:daily_report"),
    "opsboard:tps_detail": _tps_page("opsboard:tps_detail"),
    "opsboard:tps_popup": _tps_page("opsboard:tps_popup"),
    "field:signin": _signin,
    "field:tps_status": _tps_status,
    "field:turnout_send": _turnout_send,
    "field:instruction_ack": _instruction_ack,
    "field:roll_call_record": _roll_call_record,
    "field:posko_roll_call_record": _posko_roll_call_record,
    "field:dispatch_progress": _dispatch_progress,
    "field:report_photo": _report_photo,
    "field:incident_handle": _incident_handle,
    "field:alert_set": _alert_set,
    "field:alert_tick": _alert_tick,
    "field:incident_open": _incident_open,
    "field:incident_detail": _incident_detail,
    "field:incident_print": _incident_print,
    "field:incident_act": _incident_act,
    "field:incident_acknowledge": _incident_acknowledge,
    "field:incident_responders": _incident_responders,
    "field:incident_dispatch_preview": _incident_dispatch_preview,
    "field:incident_dispatch": _incident_dispatch,
    "field:instruction_withdraw": _instruction_withdraw,
    "field:logistics_batch": _logistics_page("field:logistics_batch"),
    "field:logistics_print": _logistics_page("field:logistics_print"),
    "field:logistics_record": _logistics_record,
    "coordination:meeting_detail": _meeting_page("coordination:meeting_detail"),
    "coordination:meeting_print": _meeting_page("coordination:meeting_print"),
    "coordination:attachment_file": _attachment_file,
}


# The admin's object pages, by model: the object of kecamatan A and its scope. The page kinds
# (change, delete, history, a history version, the import confirmation, the desa boundary, a
# password) are reversed with the object's id.


def _logistics_warehouse():
    from tests.factories import LogisticsPlaceFactory

    return LogisticsPlaceFactory()


def _axes_row(model):
    common = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": f"LM-3571011001-{_key()[:8]}",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    if model is AccessAttempt:
        return model.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    return model.objects.create(**common)


def _import_job(w: WorldA):
    return ImportJob.objects.create(
        kind=ImportJob.Kind.PERSONNEL,
        file_name="personel-mojoroto.csv",
        content=b"force,identifier\n",
        content_sha256="0" * 64,
        created_by=w.admin_user,
    )


def _unavailability(w: WorldA):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from deployments.models import Unavailability

    # A week after the election: no duty of the guard overlaps it.
    starts = timezone.make_aware(datetime(2024, 12, 10, 8))
    return Unavailability.objects.create(
        personnel=w.guard, kind="sick", starts_at=starts, ends_at=starts + timedelta(days=2)
    )


def _shift_template():
    from tests.shift_factories import ShiftTemplateFactory

    return ShiftTemplateFactory()


def _bko_in(w: WorldA):
    from datetime import date, datetime, timedelta

    from django.utils import timezone

    from tests.factories import BkoInFactory

    starts = timezone.make_aware(datetime(2024, 12, 10, 8))
    return BkoInFactory(
        personnel=PersonnelFactory(unit=w.polsek, name="Bripda Brimob"),
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
        sprin_date=date(2024, 12, 1),
    )


def _bko_out(w: WorldA):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from deployments.models import BkoOut

    starts = timezone.make_aware(datetime(2024, 12, 20, 8))
    return BkoOut.objects.create(
        personnel=w.guard,
        kind="bko_out",
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
        destination="Polres Blitar",
        sprin_number="Sprin/9/XII/2024",
    )


def _audit_event(w: WorldA):
    from audit.models import AuditEvent

    return AuditEvent.objects.create(kind="sign_in", user=w.guard.user, username="x")


def _notification(w: WorldA):
    from field.incidents.services import incident_open_from_report

    incident = incident_open_from_report(report=_report(w, photo=False))[0]
    return incident.notifications.get(recipient=w.polsek_staff)


def _push_subscription(w: WorldA):
    from field.notifications.models import PushSubscription

    return PushSubscription.objects.create(
        user=w.polsek_staff,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{_key()}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )


def _delivery(w: WorldA):
    from field.notifications.models import NotificationDelivery

    return NotificationDelivery.objects.create(
        notification=_notification(w), channel="telegram", target="42"
    )


def _telegram_chat(w: WorldA):
    from field.notifications.models import TelegramChat

    return TelegramChat.objects.create(user=w.polsek_staff, chat_id="42")


def _contingency_step():
    from field.alerts.models import ContingencyStep

    return ContingencyStep.objects.order_by("pk").first()


ADMIN_OBJECTS: dict[str, tuple[str, Callable[[WorldA], object]]] = {
    # Notifications outside the app: the superuser's (field/admin.py).
    "field_notificationdelivery": (KECAMATAN, _delivery),
    "field_pushsubscription": (POLRES, _push_subscription),
    "field_telegramchat": (POLRES, _telegram_chat),
    # Logistics custody: a batch of kecamatan A; the KPU warehouse serves the whole Polres.
    "field_logisticsbatch": (KECAMATAN, _logistics_batch),
    "field_logisticsplace": (POLRES, lambda w: _logistics_warehouse()),
    # The alert levels' contingency plan: the superuser's, like the escalation rules.
    "field_contingencystep": (POLRES, lambda w: _contingency_step()),
    # Accounts and lockouts belong to the whole site.
    "auth_group": (POLRES, lambda w: Group.objects.get_or_create(name="Wall screen")[0]),
    "auth_user": (POLRES, lambda w: w.guard.user),
    "axes_accessattempt": (POLRES, lambda w: _axes_row(AccessAttempt)),
    "axes_accesslog": (POLRES, lambda w: _axes_row(AccessLog)),
    "axes_accessfailurelog": (POLRES, lambda w: _axes_row(AccessFailureLog)),
    "audit_auditevent": (POLRES, _audit_event),
    # Places: a Polsek sees its own kecamatan and its desa only.
    "tps_kabkota": (POLRES, lambda w: w.kecamatan.kabkota),
    "tps_kecamatan": (KECAMATAN, lambda w: w.kecamatan),
    "tps_desa": (KECAMATAN, lambda w: w.tps.desa),
    "tps_indicator": (POLRES, lambda w: IndicatorFactory()),
    "tps_tps": (KECAMATAN, lambda w: w.tps),
    # People and duties of kecamatan A.
    "deployments_personnel": (KECAMATAN, lambda w: w.guard),
    "deployments_assignment": (KECAMATAN, lambda w: w.guard.assignments.first()),
    "deployments_unit": (KECAMATAN, lambda w: w.polsek),
    "deployments_post": (
        KECAMATAN,
        lambda w: PostFactory(kind=PostKind.POSKO, name="Posko Mojoroto", desa=w.tps.desa),
    ),
    # Rows of the whole Polres.
    "deployments_operation": (POLRES, lambda w: OperationFactory()),
    "deployments_staffprofile": (POLRES, lambda w: StaffProfile.objects.get(user=w.polsek_staff)),
    "deployments_securitypattern": (POLRES, lambda w: SecurityPatternFactory()),
    "deployments_guardnorm": (POLRES, lambda w: GuardNormFactory()),
    "deployments_sprin": (POLRES, lambda w: SprinFactory()),
    "deployments_importjob": (POLRES, _import_job),
    "deployments_unavailability": (KECAMATAN, lambda w: _unavailability(w)),
    "deployments_shift": (KECAMATAN, _shift_of_a),
    "deployments_shifttemplate": (POLRES, lambda w: _shift_template()),
    "deployments_bkoin": (KECAMATAN, _bko_in),
    "deployments_bkoout": (KECAMATAN, _bko_out),
    "coordination_agency": (POLRES, lambda w: AgencyFactory()),
    "coordination_meeting": (POLRES, lambda w: _meeting()),
    "coordination_actionitem": (POLRES, lambda w: ActionItemFactory()),
    "coordination_minutesrevision": (POLRES, lambda w: _meeting().revisions.get()),
    "coordination_readinessitem": (POLRES, lambda w: ReadinessItemFactory()),
    "coordination_unitreadiness": (
        POLRES,
        lambda w: UnitReadinessFactory(unit=PolsekFactory(kecamatan=w.kecamatan)),
    ),
}

ADMIN_PAGES = (
    "change",
    "errors_csv",
    "delete",
    "history",
    "simple_history",
    "confirm",
    "boundary",
    "password_change",
)


def admin_case(name: str, w: WorldA) -> Case | None:
    """The case of an admin object page, or None when its model has no builder here."""
    local = name.removeprefix("admin:")
    for page in sorted(ADMIN_PAGES, key=len, reverse=True):
        suffix = "_" + page
        if local.endswith(suffix):
            model_key = local.removesuffix(suffix)
            break
    else:
        return None
    if model_key not in ADMIN_OBJECTS:
        return None
    scope, build = ADMIN_OBJECTS[model_key]
    if model_key not in w.admin_objects:
        w.admin_objects[model_key] = build(w)
    obj = w.admin_objects[model_key]
    if page == "simple_history":
        version = obj.history.order_by("-history_id").first()
        path = reverse(name, args=[obj.pk, version.history_id])
    elif page == "password_change":
        path = reverse(name, kwargs={"id": obj.pk})
    else:
        path = reverse(name, kwargs={"object_id": obj.pk})
    # The import's confirmation takes only a POST (a GET is a 405, which is no answer to access).
    method = "post" if page == "confirm" else "get"
    return Case(path, scope, method=method, model=obj._meta.label_lower)


def case_for(name: str | None, w: WorldA) -> Case | None:
    if name in SITE_CASES:
        return SITE_CASES[name](w)
    if name and name.startswith("admin:"):
        return admin_case(name, w)
    return None
