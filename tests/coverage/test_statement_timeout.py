"""A recompute runs with its own, longer statement timeout on PostgreSQL.

Every other statement is cut off after DATABASE_STATEMENT_TIMEOUT (15 s); a national-size
recompute takes ~13 s, and a worker queued behind another's lock waits about as long. The
recompute's transaction raises the server's bound (SET LOCAL) and the client's wait for an
answer with it (core/db/postgresql), and both are back to the defaults once it has ended.
"""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_save
from django.test import override_settings

from deployments.coverage import coverage_compute, coverage_recompute
from deployments.models import CoverageSnapshot
from tests.factories import AssignmentFactory, LinmasFactory, TPSFactory, phase

# statement_timeout is PostgreSQL's: deselected and counted without it, never skipped, and
# always run in CI (conftest.py).
pytestmark = pytest.mark.services


def _timeouts() -> tuple[int, float | None]:
    """The server's statement_timeout in seconds, and how long the client waits for an answer."""
    with connection.cursor() as cursor:
        # pg_settings gives milliseconds; SHOW would write 300 s as "5min".
        cursor.execute(
            "SELECT setting::int / 1000 FROM pg_settings WHERE name = 'statement_timeout'"
        )
        (statement,) = cursor.fetchone()
    return statement, connection.connection.answer_timeout


@contextmanager
def seen_inside():
    """What each snapshot's insert saw: it runs inside the recompute's transaction."""
    seen: list[tuple[int, float | None]] = []

    def receiver(sender, instance, created, **kwargs):
        if created:
            seen.append(_timeouts())

    post_save.connect(receiver, sender=CoverageSnapshot, weak=False)
    try:
        yield seen
    finally:
        post_save.disconnect(receiver, sender=CoverageSnapshot)


@pytest.mark.django_db(transaction=True)
@override_settings(COVERAGE_STATEMENT_TIMEOUT_SECONDS=42)
def test_recompute_runs_with_the_longer_timeout_and_restores_the_default(operation, demo_pattern):
    AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])
    before = _timeouts()

    with seen_inside() as seen:
        written = coverage_recompute(operation_id=operation.pk, force=True)

    assert written
    assert seen == [(42, 47)] * len(written)
    assert _timeouts() == before
    assert before == (settings.DATABASE_STATEMENT_TIMEOUT, settings.DATABASE_ANSWER_TIMEOUT)


@pytest.mark.django_db(transaction=True)
def test_compute_alone_runs_with_the_longer_timeout(operation, demo_pattern):
    AssignmentFactory(personnel=LinmasFactory(), tps=[TPSFactory()])

    with seen_inside() as seen:
        coverage_compute(operation=operation, phase=phase())

    assert seen == [(300, 305)]  # the default COVERAGE_STATEMENT_TIMEOUT_SECONDS, and 5 s more
    assert _timeouts()[0] == settings.DATABASE_STATEMENT_TIMEOUT
