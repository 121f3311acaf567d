"""Celery tasks of the UU PDP retention: thin interfaces over plain functions (their names
keep the project app's, as beat and running workers know them)."""

from celery import shared_task

from deployments.services import personal_data_purge
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
