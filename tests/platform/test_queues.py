"""Celery queues by kind (opsboard/queues.py): every task routed, and their lengths on /metrics."""

import os

import pytest
from django.conf import settings as django_settings

from opsboard import queues
from opsboard.celery import app


def _registered() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_is_routed_to_a_queue_of_its_kind():
    routed = set(queues.ROUTES)
    assert _registered() - routed == set(), "route these in opsboard/queues.py"
    assert routed - _registered() == set(), "these routes name no task"
    assert {route["queue"] for route in queues.ROUTES.values()} <= set(queues.QUEUES)


def test_every_periodic_task_is_routed():
    beat = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat - set(queues.ROUTES) == set()


def test_a_task_goes_to_its_queue():
    router = app.amqp.router
    assert router.route({}, "deployments.tasks.recompute_coverage_task")["queue"].name == (
        queues.COVERAGE
    )
    assert router.route({}, "deployments.tasks.apply_import_task")["queue"].name == queues.IMPORTS
    assert router.route({}, "field.tasks.send_notification_task")["queue"].name == (
        queues.NOTIFICATIONS
    )


def _metric(body: str, queue: str) -> int:
    line = next(line for line in body.splitlines() if f'queue="{queue}"' in line)
    return int(line.rsplit(" ", 1)[1])


@pytest.mark.services
def test_metrics_count_the_tasks_waiting_in_each_queue(client, settings):
    """No worker runs: two recomputes and an import wait, in this run's own Redis keyspace
    (the root conftest's prefix), and are purged from it after."""
    settings.REDIS_URL = os.environ["OPSBOARD_TEST_REDIS_URL"]
    app.control.purge()
    try:
        for _ in range(2):
            app.send_task("deployments.tasks.prune_coverage_task", args=[0])
        app.send_task("deployments.tasks.validate_import_task", args=[0])

        response = client.get("/metrics")

        body = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")
        assert "opsboard_broker_up 1" in body
        assert _metric(body, queues.COVERAGE) == 2
        assert _metric(body, queues.IMPORTS) == 1
        assert _metric(body, queues.NOTIFICATIONS) == 0
    finally:
        app.control.purge()


@pytest.mark.services
def test_metrics_say_the_broker_is_down_and_answer_200(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert "opsboard_broker_up 0" in response.content.decode()
    assert 'queue="' not in response.content.decode()


def test_without_a_broker_there_are_no_queues(client, settings):
    settings.REDIS_URL = ""
    body = client.get("/metrics").content.decode()
    assert "opsboard_broker_up 0" in body and 'queue="' not in body
