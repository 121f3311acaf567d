"""Celery tasks of the imports: thin interfaces; progress and preview live in the ImportJob row.

Names pinned to those they had as deployments.tasks, so that queued messages still resolve.
"""

from celery import shared_task

from deployments.imports.jobs import import_job_apply, import_job_validate


@shared_task(name="deployments.tasks.validate_import_task", acks_late=True, ignore_result=True)
def validate_import_task(job_id: int) -> None:
    """The dry run of a large upload; its progress and preview live in the ImportJob row."""
    import_job_validate(job_id=job_id)


@shared_task(name="deployments.tasks.apply_import_task", acks_late=True, ignore_result=True)
def apply_import_task(job_id: int, user_id: int) -> None:
    """The confirmed import of a large upload, all-or-nothing; safe to run twice."""
    import_job_apply(job_id=job_id, by_id=user_id)
