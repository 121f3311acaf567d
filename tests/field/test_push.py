"""Web Push of incident notifications, end to end: pywebpush's real VAPID signature and
aes128gcm encryption (RFC 8291) to a push service on 127.0.0.1, decrypted here with the
subscription's own keys, as the browser would. Tasks run eagerly (no broker), retries too,
never slept."""

import json

import http_ece
import pytest

from field.incidents.services import incident_open_from_report
from field.notifications.models import NotificationDelivery, PushSubscription
from field.tasks import send_notification_task
from tests.field.incident_helpers import report
from tests.field.push_helpers import LocalServer, browser_keys, serve


@pytest.fixture
def subscription(polsek_staff, push_service, keys):
    return PushSubscription.objects.create(
        user=polsek_staff,
        endpoint=push_service.url("/push/v2/abc123"),
        p256dh=keys.p256dh,
        auth=keys.auth,
    )


def _open_urgent(guard, tps, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return incident_open_from_report(report=report(guard, tps=tps))[0]


def test_an_urgent_incident_reaches_the_subscribed_phone_encrypted_for_it_alone(
    vapid, push_service, subscription, keys, guard, tps_a, django_capture_on_commit_callbacks
):
    incident = _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert len(push_service.requests) == 1
    sent = push_service.requests[0]
    assert sent.path == "/push/v2/abc123"
    assert sent.headers["content-encoding"] == "aes128gcm"
    assert sent.headers["authorization"].startswith("vapid t=")  # RFC 8292, with k=<public key>
    assert ",k=" in sent.headers["authorization"]
    assert int(sent.headers["ttl"]) > 0
    plain = http_ece.decrypt(
        sent.body, private_key=keys.private_key, auth_secret=keys.auth_secret, version="aes128gcm"
    )
    payload = json.loads(plain)
    assert payload["incident"] == incident.pk
    assert incident.title in payload["title"]
    assert payload["url"] == f"/lapangan/kejadian/{incident.pk}/"
    delivery = NotificationDelivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("webpush", "sent", 1)
    assert delivery.sent_at is not None
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None


def test_another_key_cannot_read_the_message(
    vapid, push_service, subscription, guard, tps_a, django_capture_on_commit_callbacks
):
    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)
    stranger = browser_keys()

    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag, or a bad-padding error)
        http_ece.decrypt(
            push_service.requests[0].body,
            private_key=stranger.private_key,
            auth_secret=stranger.auth_secret,
            version="aes128gcm",
        )


def test_a_410_deactivates_the_subscription_and_fails_the_delivery_at_once(
    vapid, push_service, subscription, guard, tps_a, django_capture_on_commit_callbacks
):
    push_service.status = 410

    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert len(push_service.requests) == 1  # gone is gone: no retry
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "410" in delivery.last_error
    subscription.refresh_from_db()
    assert subscription.deactivated_at is not None
    assert subscription.last_failure_at is not None


def test_a_deactivated_subscription_gets_no_more_deliveries(
    vapid, push_service, subscription, guard, tps_a
):
    from django.utils import timezone

    subscription.deactivated_at = timezone.now()
    subscription.save()

    incident_open_from_report(report=report(guard, tps=tps_a))

    assert NotificationDelivery.objects.count() == 0


def test_a_500_is_retried_then_recorded_as_failed_after_the_last_attempt(
    vapid, push_service, subscription, guard, tps_a
):
    push_service.status = 500
    incident_open_from_report(report=report(guard, tps=tps_a))  # on_commit not run: queued
    delivery = NotificationDelivery.objects.get()
    assert delivery.status == "queued"

    send_notification_task.apply(args=(delivery.pk,))

    assert len(push_service.requests) == 3  # NOTIFICATION_MAX_ATTEMPTS
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "500" in delivery.last_error
    subscription.refresh_from_db()
    assert subscription.deactivated_at is None  # a server error says nothing of the browser


def test_a_500_then_a_201_is_sent_on_the_retry(vapid, push_service, subscription, guard, tps_a):
    push_service.statuses = [500, 201]
    incident_open_from_report(report=report(guard, tps=tps_a))
    delivery = NotificationDelivery.objects.get()

    send_notification_task.apply(args=(delivery.pk,))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_push_service_that_is_down_does_not_break_opening_an_incident(
    vapid, polsek_staff, keys, guard, tps_a, django_capture_on_commit_callbacks
):
    # Given a subscription on a port that nobody listens on (a server bound, then closed)
    closed = LocalServer()
    server = serve(closed)
    server.shutdown()
    server.server_close()
    PushSubscription.objects.create(
        user=polsek_staff, endpoint=closed.url("/push/x"), p256dh=keys.p256dh, auth=keys.auth
    )

    incident = _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    incident.refresh_from_db()
    assert incident.notifications.filter(recipient=polsek_staff).exists()
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "tidak terjangkau" in delivery.last_error


def test_without_a_vapid_key_push_is_off_and_logged_not_an_error(
    settings, subscription, guard, tps_a, caplog, django_capture_on_commit_callbacks
):
    from field.notifications import webpush

    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    webpush._log_disabled.cache_clear()

    incident = _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert incident.pk
    assert NotificationDelivery.objects.count() == 0
    assert "Web Push is disabled" in caplog.text
    assert webpush.application_server_key() == ""


def test_a_second_run_of_a_sent_delivery_sends_nothing(
    vapid, push_service, subscription, guard, tps_a, django_capture_on_commit_callbacks
):
    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)
    delivery = NotificationDelivery.objects.get()

    send_notification_task.apply(args=(delivery.pk,))

    assert len(push_service.requests) == 1


def test_beat_sends_a_delivery_whose_enqueue_was_lost(
    vapid, push_service, subscription, guard, tps_a
):
    from datetime import timedelta

    from django.utils import timezone

    from field.tasks import requeue_notifications_task

    # Given a row left queued (its on-commit enqueue never ran: a broker down at that moment)
    incident_open_from_report(report=report(guard, tps=tps_a))
    assert requeue_notifications_task.apply().get() == 0  # too young: maybe still queued
    NotificationDelivery.objects.update(updated_at=timezone.now() - timedelta(minutes=3))

    requeue_notifications_task.apply()

    assert NotificationDelivery.objects.get().status == "sent"
    assert len(push_service.requests) == 1
