"""Delivery of notifications outside the app: rows written with the notification, sent after
commit by a Celery task on the `notifications` queue (field.tasks.send_notification_task).

A channel that is down never blocks or rolls back the incident: the incident's transaction
only writes NotificationDelivery rows (no network), the sending starts after its commit, and an
enqueue that fails (a broker that is down) leaves the rows queued for the beat safety net
(deliveries_requeue).
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from field.notifications.channels import DeliveryError, DeliveryRefused, channels
from field.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
)

logger = logging.getLogger(__name__)

SEND_TASK = "field.tasks.send_notification_task"

# A queued row untouched this long had its enqueue lost (a broker down at commit): beat sends
# it again. Longer than a busy queue's wait, so that it rarely doubles a task still queued (the
# attempt's row lock makes a double harmless anyway).
REQUEUE_AFTER = timedelta(minutes=2)


def deliveries_create(*, notifications: Iterable[Notification]) -> list[NotificationDelivery]:
    """One queued row per notification and target of every enabled channel, sent after the
    surrounding transaction commits. Idempotent: a row that exists is not written again."""
    enabled = [c for c in channels().values() if c.enabled()]
    if not enabled:
        return []
    rows = [
        NotificationDelivery(
            notification=notification,
            channel=c.name,
            target=target.label,
            subscription_id=target.subscription_id,
        )
        for notification in notifications
        for c in enabled
        for target in c.targets(notification)
    ]
    if not rows:
        return []
    NotificationDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts gives no ids back: read the queued rows of these notifications.
    created = list(
        NotificationDelivery.objects.filter(
            notification__in=[r.notification for r in rows], status=DeliveryStatus.QUEUED
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: deliveries_enqueue(created), robust=True)
    return rows


def deliveries_for_level(
    *, incident_id: int, level: int, kind: str = NotificationKind.ESCALATION
) -> None:
    """Every notification of this incident, kind and level goes out (the escalation's and the
    panic's hook)."""
    notifications = Notification.objects.filter(incident_id=incident_id, kind=kind, level=level)
    deliveries_create(notifications=notifications.select_related("incident"))


def notifications_send(
    *, incident, recipient_ids: Iterable[int], kind: str, level: int, at
) -> list[int]:
    """Tell these accounts of the incident: one notification each of this kind and level (a
    second call for the same people writes nothing), and their phones and chats after the
    surrounding transaction commits (rows only, no network here). Returns the ids asked for,
    sorted and without repeats (those told before are in it, though not told again)."""
    told = sorted(set(recipient_ids))
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, incident=incident, kind=kind, level=level, created_at=at)
            for pk in told
        ],
        ignore_conflicts=True,
    )
    if told:
        deliveries_for_level(incident_id=incident.pk, level=level, kind=kind)
    return told


def deliveries_enqueue(delivery_ids: Iterable[int]) -> int:
    """Hands each delivery to the `notifications` queue; returns how many were enqueued. Stops
    at the first broker error (the next would wait as long), leaving the rest to beat."""
    count = 0
    for pk in delivery_ids:
        try:
            # By name: field.tasks imports this module, and an app's modules import in one
            # direction (scripts/check_import_cycles.py). A registered task still honours
            # CELERY_TASK_ALWAYS_EAGER this way.
            current_app.signature(SEND_TASK, args=(pk,)).delay()
        except Exception:
            logger.exception("Notification delivery %s not enqueued: left for the beat", pk)
            break
        count += 1
    return count


def deliveries_requeue(now=None) -> int:
    """Beat's safety net: queued rows nobody has tried since REQUEUE_AFTER."""
    now = now or timezone.now()
    stale = NotificationDelivery.objects.filter(
        status=DeliveryStatus.QUEUED, updated_at__lt=now - REQUEUE_AFTER
    ).values_list("pk", flat=True)
    return deliveries_enqueue(list(stale[:500]))


def _finish(delivery: NotificationDelivery, status: str, error: str = "") -> None:
    delivery.status = status
    delivery.last_error = error[:2000]
    if status == DeliveryStatus.SENT:
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])


def delivery_attempt(delivery_id: int) -> str:
    """One try of one delivery; returns the row's status afterwards.

    Raises DeliveryError when the try failed and another may work: the task retries it with
    back-off. After NOTIFICATION_MAX_ATTEMPTS tries, or on a refusal that retrying cannot
    change, the row is recorded as failed and nothing is raised. The row is locked for the
    try, so that a doubled task (the safety net, a redelivery) skips instead of sending twice.
    """
    retry: DeliveryError | None = None
    with transaction.atomic():
        delivery = (
            # of=self: the subscription is the nullable side of an outer join, which
            # PostgreSQL refuses to lock.
            NotificationDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "notification__incident__kecamatan", "notification__recipient", "subscription"
            )
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:  # another try holds it, or the notification is gone
            return "skipped"
        if delivery.status != DeliveryStatus.QUEUED:
            return delivery.status
        delivery.attempts += 1
        try:
            channels()[delivery.channel].send(delivery)
        except DeliveryRefused as exc:  # TargetGone too: retrying cannot help
            _finish(delivery, DeliveryStatus.FAILED, str(exc))
        except DeliveryError as exc:
            if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                _finish(delivery, DeliveryStatus.FAILED, str(exc))
            else:
                delivery.last_error = str(exc)[:2000]
                delivery.save(update_fields=["attempts", "last_error", "updated_at"])
                retry = exc
        else:
            _finish(delivery, DeliveryStatus.SENT)
        if delivery.status == DeliveryStatus.FAILED:
            logger.warning(
                "Notification delivery %s (%s) failed after %s tries: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                delivery.last_error,
            )
    # Raised after the commit, so that the try's count is kept when the task retries.
    if retry is not None:
        raise retry
    return delivery.status
