"""The Telegram channel: the Bot API's sendMessage (POST <TELEGRAM_API_URL>/bot<token>/
sendMessage with chat_id and text) to the chat an admin entered for the account
(TelegramChat). Disabled while TELEGRAM_BOT_TOKEN is unset."""

import requests
from django.conf import settings

from field.notifications import content
from field.notifications.channels import (
    Channel,
    DeliveryError,
    DeliveryRefused,
    Target,
    TargetGone,
    register,
)
from field.notifications.models import Notification, NotificationDelivery, TelegramChat
from field.public_url import public_url


def enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def targets(notification: Notification) -> list[Target]:
    chat = TelegramChat.objects.filter(user_id=notification.recipient_id, active=True).first()
    return [] if chat is None else [Target(label=chat.chat_id)]


def text(notification: Notification) -> str:
    return "\n".join(
        [
            content.title(notification),
            content.body(notification),
            public_url() + content.incident_path(notification),
        ]
    )


def send(delivery: NotificationDelivery) -> None:
    url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
    data = {
        "chat_id": delivery.target,
        "text": text(delivery.notification),
        "disable_web_page_preview": True,
    }
    try:
        response = requests.post(url, json=data, timeout=settings.NOTIFICATION_SEND_TIMEOUT)
    except requests.RequestException as exc:
        # The token is in the URL: the error names the exception only.
        raise DeliveryError(f"Telegram tidak terjangkau: {exc.__class__.__name__}") from exc
    if response.status_code == 200:
        return
    try:
        description = str(response.json().get("description", ""))[:200]
    except ValueError:
        description = ""
    status = response.status_code
    if status == 403:
        # The person blocked the bot or left the group: nothing more goes there.
        TelegramChat.objects.filter(chat_id=delivery.target).update(active=False)
        raise TargetGone(f"Telegram {status}: {description}")
    if status == 429 or status >= 500:
        raise DeliveryError(f"Telegram {status}: {description}")
    raise DeliveryRefused(f"Telegram {status}: {description}")


register(Channel(name="telegram", enabled=enabled, targets=targets, send=send))
