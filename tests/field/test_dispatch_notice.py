"""The people sent to an incident are told on their phones (issue #15, "Notifications that
reach phones"): one notification of kind penugasan per account, sent by Web Push through the
real encryption to a push service on 127.0.0.1 and decrypted here with the subscription's own
keys; its link is the officer's /me/, where the dispatch card is. Whoever has no account is
named on the timeline, for the command to call."""

import json

import http_ece
import pytest
from django.db import IntegrityError, transaction

from field.dispatch import services
from field.incidents.models import EventKind
from field.notifications.escalation import acknowledge
from field.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationKind,
    PushSubscription,
)
from tests.factories import UserFactory
from tests.field.dispatch_helpers import command_user as _command
from tests.field.dispatch_helpers import dispatch_world, election_day_at, guard_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(election_day, mojoroto, tps_a):
    return dispatch_world(election_day, mojoroto, tps_a)


@pytest.fixture
def andi(world):
    person, _duty = guard_at(world, world["tps"], name="Andi Berakun", user=UserFactory())
    return person


def _send(world, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.incident_dispatch(
            incident=world["incident"], by=_command(), personnel_ids=[p.pk for p in people]
        )


def test_the_people_sent_are_told_on_their_phone_and_the_unreachable_are_named(
    world,
    andi,
    vapid,
    push_service,
    keys,
    django_capture_on_commit_callbacks,
    login,
):
    PushSubscription.objects.create(
        user=andi.user,
        endpoint=push_service.url("/push/andi"),
        p256dh=keys.p256dh,
        auth=keys.auth,
    )
    budi, _duty = guard_at(world, world["tps"], name="Budi Tanpa Akun")

    _send(world, [andi, budi], django_capture_on_commit_callbacks)

    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.level) == (andi.user, "penugasan", 0)
    [sent] = push_service.requests
    plain = http_ece.decrypt(
        sent.body, private_key=keys.private_key, auth_secret=keys.auth_secret, version="aes128gcm"
    )
    payload = json.loads(plain)
    incident = world["incident"]
    assert (payload["incident"], payload["kind"]) == (incident.pk, "penugasan")
    assert payload["url"] == "/me/#kejadian"  # the incident's page is the command's
    assert "Anda dikirim" in payload["body"]
    assert NotificationDelivery.objects.get().status == "sent"
    line = incident.events.get(kind=EventKind.NOTIFIED)
    assert line.data["notice"] == "penugasan" and line.data["told"] == [andi.user_id]
    assert "1 akun" in line.text and "Budi Tanpa Akun" in line.text
    assert "Andi" not in line.text

    # The command's page says what reached whom, in the kind's own words.
    page = login(_command()).get(f"/lapangan/kejadian/{incident.pk}/").content.decode()
    table = page[page.index('id="delivery-status"') :]
    assert "Penugasan" in table and "Kartu penugasan di halaman tugas" in table


def test_someone_told_of_a_panic_is_told_again_when_sent(
    world,
    andi,
    django_capture_on_commit_callbacks,
):
    Notification.objects.create(
        recipient=andi.user,
        incident=world["incident"],
        kind=NotificationKind.PANIC,
        level=0,
        created_at=election_day_at(-5),
    )

    _send(world, [andi], django_capture_on_commit_callbacks)

    kinds = Notification.objects.filter(recipient=andi.user).values_list("kind", flat=True)
    assert sorted(kinds) == ["darurat", "penugasan"]


@pytest.mark.parametrize(
    ("kind", "level"),
    [("eskalasi", 0), ("penugasan", 1), ("darurat", 2), ("lain", 0)],
)
def test_the_database_refuses_a_kind_at_a_level_it_does_not_have(
    world,
    andi,
    kind,
    level,
):
    with (
        pytest.raises(IntegrityError, match="field_notification_kind_level"),
        transaction.atomic(),
    ):
        Notification.objects.create(
            recipient=andi.user,
            incident=world["incident"],
            kind=kind,
            level=level,
            created_at=election_day_at(0),
        )


def test_one_notification_per_person_incident_and_kind(world, andi):
    def told():
        return Notification.objects.create(
            recipient=andi.user,
            incident=world["incident"],
            kind=NotificationKind.DISPATCH,
            level=0,
            created_at=election_day_at(0),
        )

    told()
    with pytest.raises(IntegrityError), transaction.atomic():
        told()


def test_the_commands_acknowledgement_answers_only_the_escalation(
    world, andi, command_staff, django_capture_on_commit_callbacks
):
    """The command answering the chain is not the people sent answering their phones: the
    after-action report's "Ditanggapi" column must not say they did."""
    escalation = Notification.objects.create(
        recipient=command_staff,
        incident=world["incident"],
        kind=NotificationKind.ESCALATION,
        level=1,
        created_at=election_day_at(-10),
    )
    _send(world, [andi], django_capture_on_commit_callbacks)

    acknowledge(incident_id=world["incident"].pk, user=command_staff)

    escalation.refresh_from_db()
    notice = Notification.objects.get(recipient=andi.user, kind=NotificationKind.DISPATCH)
    assert escalation.acknowledged_at is not None
    assert notice.acknowledged_at is None
