"""Celery tasks of the project app: thin wrappers around plain functions that tests call.

Named by string from deployments/coverage/tasks.py, which may not import this app (the layers of
pyproject.toml); autodiscovery registers them in the worker.
"""

from celery import shared_task

from opsboard.dashboard.warm import warm_dashboard

WARM_DASHBOARD_TASK = "opsboard.tasks.warm_dashboard_task"


@shared_task(name=WARM_DASHBOARD_TASK, ignore_result=True)
def warm_dashboard_task(snapshot_ids: list[int]) -> int:
    return warm_dashboard(snapshot_ids)
