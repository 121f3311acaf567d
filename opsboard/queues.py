"""Celery queues by kind of work (docs/deploy.md, "Queues"), so that one kind never waits behind
another: a 156,000-row import or a night's purge must not hold the recompute that tells the
command a TPS is unguarded, and a slow push service must not hold the escalation check.

Every task is routed here by name (tests/platform/test_queues.py fails on one that is not);
`celery` stays the default queue for a task added without a route, and the stack's workers
consume it too, so such a task still runs. Settings read QUEUES and ROUTES.
"""

from kombu import Queue

COVERAGE = "coverage"  # the engine: recompute, its safety net, prune, and the cache warm-up
IMPORTS = "imports"  # long bulk work: imports, reports, purges (minutes, not seconds)
NOTIFICATIONS = "notifications"  # Web Push and Telegram sends, and their requeue
FIELD = "field"  # the field's time-bound checks: escalation of unanswered incidents, late legs
DEFAULT = "celery"

QUEUES = (DEFAULT, COVERAGE, IMPORTS, NOTIFICATIONS, FIELD)

TASK_QUEUES = tuple(Queue(name) for name in QUEUES)

_ROUTED = {
    COVERAGE: (
        "deployments.tasks.recompute_coverage_task",
        "deployments.tasks.recompute_coverage_if_behind_task",
        "deployments.tasks.prune_coverage_task",
        "opsboard.tasks.warm_dashboard_task",
    ),
    IMPORTS: (
        "deployments.tasks.validate_import_task",
        "deployments.tasks.apply_import_task",
        "opsboard.tasks.generate_daily_report_task",
        "opsboard.tasks.generate_special_reports_task",
        "opsboard.tasks.purge_field_data_task",
        "opsboard.tasks.purge_personal_data_task",
    ),
    NOTIFICATIONS: (
        "field.tasks.send_notification_task",
        "field.tasks.requeue_notifications_task",
    ),
    FIELD: (
        "field.tasks.escalate_due_task",
        "field.tasks.flag_late_logistics_task",
    ),
}

ROUTES = {task: {"queue": queue} for queue, tasks in _ROUTED.items() for task in tasks}


def queue_lengths(app) -> dict[str, int]:
    """Messages waiting in each queue (a task a worker has taken but not yet acknowledged is
    not counted), in one connection. On Redis a declare writes nothing and answers the list's
    length; kombu's passive declare is no use here: with a key prefix (REDIS_KEY_PREFIX) it
    looks for the unprefixed key and calls every queue missing."""
    with app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1)
        channel = connection.default_channel
        return {name: channel.queue_declare(queue=name).message_count for name in QUEUES}
