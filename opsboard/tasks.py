"""Celery tasks of the project app: thin wrappers around plain functions that tests call.

Named by string from deployments/coverage/tasks.py, which may not import this app (the layers of
pyproject.toml); autodiscovery registers them in the worker.
"""

from datetime import date

from celery import shared_task

from opsboard.dashboard.warm import warm_dashboard
from opsboard.reports.services import daily_reports_generate_due, report_day_due
from opsboard.reports.special import special_reports_generate_due

WARM_DASHBOARD_TASK = "opsboard.tasks.warm_dashboard_task"


@shared_task(name=WARM_DASHBOARD_TASK, ignore_result=True)
def warm_dashboard_task(snapshot_ids: list[int]) -> int:
    return warm_dashboard(snapshot_ids)


GENERATE_DAILY_REPORT_TASK = "opsboard.tasks.generate_daily_report_task"


@shared_task(name=GENERATE_DAILY_REPORT_TASK, ignore_result=True)
def generate_daily_report_task(day: str | None = None) -> int:
    """Beat's, at DAILY_REPORT_AT: the draft reports of the day that ended (or ``day``, ISO),
    the Polres's and each kecamatan's. Returns the Polres report's id."""
    report = daily_reports_generate_due(day=date.fromisoformat(day) if day else report_day_due())
    return report.pk


GENERATE_SPECIAL_REPORTS_TASK = "opsboard.tasks.generate_special_reports_task"


@shared_task(name=GENERATE_SPECIAL_REPORTS_TASK, ignore_result=True)
def generate_special_reports_task(day: str | None = None) -> int:
    """Beat's, at DAILY_REPORT_AT with the daily report: a draft laporan khusus for each notable
    incident first reported on the day that ended (or ``day``, ISO) that has none. Returns how
    many were drafted."""
    return special_reports_generate_due(day=date.fromisoformat(day) if day else report_day_due())
