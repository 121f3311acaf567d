"""Celery tasks of the UU PDP retention: thin interfaces over plain functions (their names
keep the project app's, as beat and running workers know them)."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from deployments.services import personal_data_purge
from field.notifications.channels import DeliveryError
from field.notifications.delivery import deliveries_requeue, delivery_attempt
from field.services import field_data_purge


@shared_task(name="opsboard.tasks.purge_field_data_task")
def purge_field_data_task() -> None:
    """UU PDP retention of field data (field.services.field_data_purge); idempotent,
    a no-op before the end of the pasca phase. Run by beat every six hours."""
    field_data_purge()


@shared_task(name="opsboard.tasks.purge_personal_data_task")
def purge_personal_data_task() -> None:
    """UU PDP retention of the people deployed and of the audit log
    (deployments.services.personal_data_purge); idempotent, the personnel part a no-op until
    PERSONAL_DATA_RETENTION_DAYS after pasca. Run by beat daily."""
    personal_data_purge()


@shared_task(name="field.tasks.escalate_due_task")
def escalate_due_task() -> int:
    """Escalation of unacknowledged urgent incidents (field.notifications.escalation
    .escalate_due); idempotent. Run by beat every minute."""
    from field.notifications.escalation import escalate_due

    return escalate_due()


@shared_task(
    name="field.tasks.send_notification_task",
    bind=True,
    # The row counts the tries and records the failure at NOTIFICATION_MAX_ATTEMPTS; this is
    # only Celery's own bound, never reached first.
    max_retries=settings.NOTIFICATION_MAX_ATTEMPTS + 1,
)
def send_notification_task(self, delivery_id: int) -> str:
    """One try of one notification delivery (field.notifications.delivery.delivery_attempt),
    retried with exponential back-off while it raises; idempotent. Routed to the
    `notifications` queue (CELERY_TASK_ROUTES)."""
    try:
        return delivery_attempt(delivery_id)
    except DeliveryError as exc:
        if self.request.is_eager:
            # No broker to wait on (development without Redis, the tests): the next try
            # follows at once, and delivery_attempt stops raising at the last one.
            return self.run(delivery_id)
        # 1 s, 2 s, 4 s … capped, full jitter: a push service back from an outage is not hit
        # by every retry in the same second.
        countdown = get_exponential_backoff_interval(
            factor=1,
            retries=self.request.retries,
            maximum=settings.NOTIFICATION_RETRY_MAX_SECONDS,
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="field.tasks.requeue_notifications_task")
def requeue_notifications_task() -> int:
    """Deliveries whose enqueue was lost (field.notifications.delivery.deliveries_requeue).
    Run by beat every minute."""
    return deliveries_requeue()


@shared_task(name="field.tasks.flag_late_logistics_task")
def flag_late_logistics_task() -> int:
    """Logistics legs late against their plan (field.logistics.services.logistics_flag_late);
    idempotent. Run by beat every minute."""
    from field.logistics.services import logistics_flag_late

    return logistics_flag_late()
