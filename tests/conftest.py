"""Fixtures shared by the access tests in tests/ and tests/hardening/ (the root conftest.py holds
the personas and places they use)."""

import importlib

import pytest

from tests.access_objects import world_a
from tests.field.push_helpers import vapid_private_key

TEST_VAPID_KEY = vapid_private_key()  # made for this run, never a real server's


@pytest.fixture
def objects_world(
    election_day,
    settings,
    tmp_path,
    mojoroto,
    tps_a,
    field_officer,
    polsek_staff,
    ops_admin,
):
    """One object of every kind that belongs to kecamatan A (Mojoroto) and TPS A, for the
    object-level checks of the access matrix and the CSRF test."""
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    settings.COORDINATION_ATTACHMENT_ROOT = tmp_path / "attachments"
    # Web Push on (a test key), so that subscribing answers as it does in production.
    settings.WEBPUSH_VAPID_PRIVATE_KEY = TEST_VAPID_KEY
    return world_a(
        kecamatan=mojoroto,
        tps=tps_a,
        field_officer=field_officer,
        polsek_staff=polsek_staff,
        ops_admin=ops_admin,
    )


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker in a thread, consuming from the real Redis (the root conftest points
    the app's broker there for the whole run; tasks stay eager elsewhere). Solo pool: tasks run
    one at a time, in the order sent. No result backend: tests read the worker's work from the
    tables."""
    from celery.contrib.testing.worker import start_worker

    from opsboard.celery import app

    assert app.conf.broker_url.startswith("redis://")
    settings.COVERAGE_DEBOUNCE_SECONDS = 0
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager = True


def migration_seeds_restore() -> None:
    """Put back the rows migrations seed — the escalation chain (field/0006) and the alert
    levels' contingency steps (field/0014) — when a transactional test's flush has emptied
    them: under xdist such a test can run before other files' tests in the same process, which
    would then open urgent incidents that tell nobody, or raise a level with an empty checklist.
    Seeded by the migrations' own functions, so the rows are the migrations'."""
    from django.apps import apps

    from field.alerts.models import ContingencyStep
    from field.notifications.models import EscalationRule

    if not EscalationRule.objects.exists():
        migration = importlib.import_module("field.migrations.0006_escalation_notifications")
        migration.seed_rules(apps, None)
    if not ContingencyStep.objects.exists():
        migration = importlib.import_module("field.migrations.0014_area_alerts")
        migration.seed_steps(apps, None)


@pytest.fixture(autouse=True)
def seeded_rows_as_migrated(request):
    """migration_seeds_restore() before every test that uses the database."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("db")  # the test's own database access (its marker decides which)
    migration_seeds_restore()
