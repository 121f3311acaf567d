"""Privacy: an officer of TPS B gets 403 or 404 on everything of TPS A, on every field URL.

The persona `field_officer_other_tps` guards TPS B (Pesantren); `field_officer` guards TPS A
(Mojoroto). Each URL of field/urls.py appears below, or is named in NOT_SCOPED with
the reason it holds nothing of anyone's.
"""

import pytest
from django.urls import get_resolver

from field.alerts.services import area_alert_set
from field.incidents.models import EventKind
from field.services import (
    checkin_record,
    signin_link_issue,
    situation_report_create,
)
from tests.factories import InstructionFactory, LogisticsLegFactory
from tests.field.helpers import jpeg, key
from tests.field.incident_helpers import later_dispatch

NOT_SCOPED = {
    "field:service_worker": "the same static script for everyone",
    "field:signin": "whoever holds a link may use it: that is what a card is (test_signin_link)",
    "field:panic": "an officer's panic is their own; it names nothing of TPS A (test_panic)",
    "field:push_subscribe": "a phone's own subscription; it names nothing of TPS A "
    "(test_push_subscribe: another account's endpoint is refused)",
    "field:push_unsubscribe": "removes only the signed-in account's own subscription",
    "field:roll_call": "the apels the officer commands, none of TPS A's (test_rollcall_pages)",
}


@pytest.fixture
def tps_a_world(guard, tps_a, mojoroto, settings, command_staff):
    report = situation_report_create(
        person=guard,
        kind="gangguan",
        text="Rahasia TPS A",
        urgent=True,
        idempotency_key=key(),
        tps=tps_a,
        photo=jpeg((300, 200)),
    )[0]
    checkin_record(person=guard, tps=tps_a)
    instruction = InstructionFactory(kecamatan=mojoroto, text="Hanya untuk Mojoroto.")
    signin_link_issue(person=guard)
    batch = LogisticsLegFactory(batch__kecamatan=mojoroto).batch
    dispatch = later_dispatch(guard, report.incident_link.incident)
    alert = area_alert_set(kecamatan=mojoroto, level="kuning", reason="Waspada", by=command_staff)
    return {
        "shift": _shift_duty(guard),
        "report": report,
        "instruction": instruction,
        "batch": batch,
        "dispatch": dispatch,
        "checklist_item": alert.checklist.first().pk,
    }


def _shift_duty(guard):
    """A shift of a PPK the guard holds after the election (docs/shifts.md), and the next."""
    from tests.shift_factories import GuardedPostFactory, phase_at, shift_at, wib

    post = GuardedPostFactory(kind="ppk")
    shift = shift_at(post, wib(2, 7, month=12))
    shift_at(post, wib(2, 15, month=12))
    phase = phase_at(shift.starts_at)
    guard.assignments.create(
        phase=phase,
        kind=post.kind,
        post=post,
        shift=shift,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    return shift


def _requests(tps_a, world):
    report, instruction, batch = world["report"], world["instruction"], world["batch"]
    incident = report.incident_link.incident  # the urgent report opened it
    duty = report.person.assignments.get(kind="pam_tps")  # the guard's duty at TPS A
    kecamatan_id = tps_a.desa.kecamatan_id
    return {
        "field:tps_status": [
            ("get", f"/me/tps/{tps_a.pk}/status/", {}),
            ("post", f"/me/tps/{tps_a.pk}/status/", {"step": 1}),
        ],
        "field:checkin": [("post", "/me/checkin/", {"tps": tps_a.pk})],
        "field:report": [
            ("post", "/me/lapor/", {"kind": "aman", "tps": tps_a.pk, "idempotency_key": key()})
        ],
        "field:instruction_ack": [("post", f"/me/instruksi/{instruction.pk}/terima/", {})],
        "field:dispatch_progress": [
            (
                "post",
                f"/me/kejadian/{world['dispatch'].pk}/langkah/",
                {"step": "tiba", "idempotency_key": key()},
            )
        ],
        "field:report_photo": [("get", f"/laporan/{report.pk}/foto/", {})],
        "field:handover": [
            ("get", f"/me/regu/{world['shift'].pk}/serah-terima/", {}),
            ("post", f"/me/regu/{world['shift'].pk}/serah-terima/", {"text": "Aman"}),
        ],
        "field:incidents": [("get", "/lapangan/insiden/", {})],
        "field:incident_handle": [("post", f"/lapangan/insiden/{report.pk}/ditangani/", {})],
        "field:incident_open": [("post", f"/lapangan/insiden/{report.pk}/kejadian/", {})],
        "field:incident_board": [("get", "/lapangan/kejadian/", {})],
        "field:incident_export": [("get", "/lapangan/kejadian/ekspor/", {})],
        "field:incident_detail": [("get", f"/lapangan/kejadian/{incident.pk}/", {})],
        "field:incident_print": [("get", f"/lapangan/kejadian/{incident.pk}/cetak/", {})],
        "field:incident_act": [
            ("post", f"/lapangan/kejadian/{incident.pk}/ubah/", {"action": "verify"})
        ],
        "field:incident_responders": [("get", f"/lapangan/kejadian/{incident.pk}/personel/", {})],
        "field:incident_dispatch_preview": [
            ("get", f"/lapangan/kejadian/{incident.pk}/personel/pratinjau/", {"personnel": 1})
        ],
        "field:incident_dispatch": [
            ("post", f"/lapangan/kejadian/{incident.pk}/kirim/", {"personnel": 1})
        ],
        "field:notifications": [("get", "/lapangan/pemberitahuan/", {})],
        "field:incident_acknowledge": [("post", f"/lapangan/kejadian/{incident.pk}/tanggapi/", {})],
        "field:checkins": [("get", "/lapangan/checkin/", {})],
        "field:turnout": [("get", "/lapangan/kehadiran/", {})],
        "field:logistics": [("get", "/lapangan/logistik/", {})],
        "field:logistics_batch": [("get", f"/lapangan/logistik/{batch.pk}/", {})],
        "field:logistics_print": [("get", f"/lapangan/logistik/{batch.pk}/cetak/", {})],
        "field:logistics_record": [
            (
                "post",
                f"/lapangan/logistik/{batch.pk}/catat/",
                {"action": "depart", "leg": batch.legs.get().pk, "boxes": 1, "ballots": 1},
            )
        ],
        "field:instructions": [
            ("get", "/lapangan/instruksi/", {}),
            ("post", "/lapangan/instruksi/", {"kecamatan": tps_a.desa.kecamatan_id, "text": "x"}),
        ],
        "field:instruction_withdraw": [
            ("post", f"/lapangan/instruksi/{instruction.pk}/tarik/", {})
        ],
        "field:cards": [("get", "/lapangan/kartu/", {})],
        "field:cards_print": [("post", "/lapangan/kartu/cetak/", {"desa": tps_a.desa_id})],
        "field:links_revoke": [("post", "/lapangan/kartu/cabut/", {"revoke-identifier": "x"})],
        "field:sessions_end": [("post", "/lapangan/kartu/keluarkan/", {"signout-identifier": "x"})],
        "field:posko": [("get", "/posko/", {})],
        "field:posko_checkin": [("post", "/posko/checkin/", {"person": 1, "tps": tps_a.pk})],
        "field:posko_status": [("post", "/posko/status/", {"person": 1, "tps": tps_a.pk})],
        "field:posko_report": [("post", "/posko/laporan/", {"person": 1})],
        "field_api:tps_field_status": [("get", "/api/tps-field-status.json", {})],
        "field_api:area_alerts": [("get", "/api/area-alerts.json", {})],
        "field_api:incidents_geojson": [("get", "/api/incidents.geojson", {})],
        "field:alert_panel": [("get", "/lapangan/siaga/", {})],
        "field:alert_set": [
            (
                "post",
                f"/lapangan/siaga/{tps_a.desa.kecamatan_id}/tetapkan/",
                {"level": "merah", "reason": "x"},
            )
        ],
        "field:alert_tick": [
            ("post", f"/lapangan/siaga/langkah/{world['checklist_item']}/centang/", {})
        ],
        "field:wall_board": [("get", "/lapangan/layar/", {})],
        "field:panic_alarm": [("get", "/lapangan/darurat/", {})],
        "field:turnout_send": [
            ("post", f"/me/tps/{tps_a.pk}/kehadiran/", {"voters": 1, "idempotency_key": key()})
        ],
        "field:posko_turnout": [
            ("post", "/posko/kehadiran/", {"person": 1, "tps": tps_a.pk, "voters": 1})
        ],
        "field:turnout_import": [("get", "/lapangan/kehadiran/impor/", {})],
        "field_api:tps_turnout": [("get", "/api/tps-turnout.json", {})],
        "field:roll_call_record": [("post", f"/me/apel/{duty.pk}/", {"status": "absent"})],
        "field:roll_call_panel": [("get", "/lapangan/apel/", {})],
        "field:posko_roll_call": [("get", f"/posko/apel/?kecamatan={kecamatan_id}", {})],
        "field:posko_roll_call_record": [("post", f"/posko/apel/{duty.pk}/", {"status": "absent"})],
    }


def report_incident_untouched(world) -> bool:
    incident = world["report"].incident_link.incident
    incident.refresh_from_db()
    # Only what opening wrote: the incident's first line and its chain's first level.
    opening = {EventKind.CREATED, EventKind.NOTIFIED}
    return incident.state == "dilaporkan" and not incident.events.exclude(kind__in=opening).exists()


def _field_url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for namespace in ("field", "field_api"):
        _prefix, sub = resolver.namespace_dict[namespace]
        names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    return names


def test_every_field_url_is_checked_here(tps_a, tps_a_world):
    checked = set(_requests(tps_a, tps_a_world)) | set(NOT_SCOPED)

    assert _field_url_names() == checked


def test_an_officer_of_another_tps_gets_403_or_404_everywhere(
    login, field_officer_other_tps, tps_a, tps_a_world
):
    client = login(field_officer_other_tps)
    wrong = []

    for name, calls in _requests(tps_a, tps_a_world).items():
        for method, path, data in calls:
            response = getattr(client, method)(path, data)
            if response.status_code not in (403, 404):
                wrong.append(f"{name} {method.upper()} {path}: {response.status_code}")

    assert wrong == []


def test_me_of_another_tps_shows_nothing_of_tps_a(
    login, field_officer_other_tps, guard, tps_a, tps_a_world
):
    body = login(field_officer_other_tps).get("/me/").content.decode()

    assert guard.name not in body
    assert str(tps_a) not in body
    assert "Rahasia TPS A" not in body
    assert "Hanya untuk Mojoroto." not in body


def test_nothing_was_written_by_the_refused_requests(
    login, field_officer_other_tps, guard, tps_a, tps_a_world
):
    from field.models import (
        CheckIn,
        InstructionAck,
        RollCall,
        SignInLink,
        SituationReport,
        TPSStatusStep,
    )

    client = login(field_officer_other_tps)
    for calls in _requests(tps_a, tps_a_world).values():
        for method, path, data in calls:
            getattr(client, method)(path, data)

    assert CheckIn.objects.count() == 1
    assert SituationReport.objects.count() == 1
    assert SituationReport.objects.get().handled_at is None
    assert report_incident_untouched(tps_a_world)
    assert tps_a_world["batch"].legs.get().departed_at is None
    assert not tps_a_world["dispatch"].steps.exists()
    assert not TPSStatusStep.objects.exists()
    assert not InstructionAck.objects.exists()
    assert not RollCall.objects.exists()
    assert SignInLink.objects.filter(revoked_at=None).count() == 1
    from field.notifications.models import PushSubscription

    assert not PushSubscription.objects.exists()
