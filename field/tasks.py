"""Celery tasks of the project app: thin interfaces over plain functions."""

from celery import shared_task

from field.services import field_data_purge


@shared_task(name="opsboard.tasks.purge_field_data_task")
def purge_field_data_task() -> None:
    """UU PDP retention of field data (field.services.field_data_purge); idempotent,
    a no-op before the end of the pasca phase. Run by beat every six hours."""
    field_data_purge()
