"""The Telegram channel against its real HTTP protocol (Bot API sendMessage), the API a
server on 127.0.0.1 (TELEGRAM_API_URL), tasks run eagerly, never slept."""

import json

import pytest

from field.incidents.services import incident_open_from_report
from field.notifications.models import NotificationDelivery, TelegramChat
from tests.field.incident_helpers import report
from tests.field.push_helpers import LocalServer, serve

TOKEN = "123456:TEST-token"


@pytest.fixture
def bot_api(settings):
    state = LocalServer(status=200, reply=b'{"ok": true, "result": {"message_id": 7}}')
    server = serve(state)
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_URL = state.url("")
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    settings.OPSBOARD_PUBLIC_URL = "https://opsboard.example.go.id"
    yield state
    server.shutdown()
    server.server_close()


def _open_urgent(guard, tps, capture):
    with capture(execute=True):
        return incident_open_from_report(report=report(guard, tps=tps))[0]


def test_the_bot_posts_send_message_to_the_recipients_chat(
    bot_api, polsek_staff, guard, tps_a, django_capture_on_commit_callbacks
):
    TelegramChat.objects.create(user=polsek_staff, chat_id="-1001234567")

    incident = _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert [r.path for r in bot_api.requests] == [f"/bot{TOKEN}/sendMessage"]
    sent = json.loads(bot_api.requests[0].body)
    assert sent["chat_id"] == "-1001234567"
    assert incident.title in sent["text"]
    assert f"K-{incident.pk:04d}" in sent["text"]
    assert f"https://opsboard.example.go.id/lapangan/kejadian/{incident.pk}/" in sent["text"]
    delivery = NotificationDelivery.objects.get()
    assert (delivery.channel, delivery.target, delivery.status) == (
        "telegram",
        "-1001234567",
        "sent",
    )


def test_nobody_without_a_chat_is_sent_anything(
    bot_api, polsek_staff, guard, tps_a, django_capture_on_commit_callbacks
):
    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert bot_api.requests == []
    assert NotificationDelivery.objects.count() == 0


def test_a_blocked_bot_deactivates_the_chat(
    bot_api, polsek_staff, guard, tps_a, django_capture_on_commit_callbacks
):
    bot_api.status = 403
    bot_api.reply = b'{"ok": false, "description": "Forbidden: bot was blocked by the user"}'
    chat = TelegramChat.objects.create(user=polsek_staff, chat_id="42")

    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "blocked" in delivery.last_error
    chat.refresh_from_db()
    assert chat.active is False


def test_telegram_down_is_retried_then_failed_and_the_incident_stands(
    bot_api, polsek_staff, guard, tps_a, django_capture_on_commit_callbacks
):
    bot_api.status = 502
    TelegramChat.objects.create(user=polsek_staff, chat_id="42")

    incident = _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert len(bot_api.requests) == 2
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    incident.refresh_from_db()
    assert incident.notifications.exists()


def test_without_a_token_telegram_is_off(
    settings, polsek_staff, guard, tps_a, django_capture_on_commit_callbacks
):
    settings.TELEGRAM_BOT_TOKEN = ""
    TelegramChat.objects.create(user=polsek_staff, chat_id="42")

    _open_urgent(guard, tps_a, django_capture_on_commit_callbacks)

    assert NotificationDelivery.objects.count() == 0


def test_the_database_refuses_a_chat_id_that_is_no_number(polsek_staff):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TelegramChat.objects.create(user=polsek_staff, chat_id="@someone")
