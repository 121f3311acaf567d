"""The demo is seeded once per test module, inside a transaction rolled back at the end.

Tests also take `db`, so whatever they write (a second seed, a reset) is a savepoint inside the
seeded transaction and is undone after each test.
"""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.conftest import migration_seeds_restore

DEMO_PASSWORD = "demo-Kediri-2024"


def run_seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_kediri_2024", *args, stdout=out)
    return out.getvalue()


def demo_checksum() -> str:
    """A fingerprint of who is who, which TPS is where and who guards what."""
    from deployments.models import Assignment, Personnel
    from tps.models import TPS

    rows = [
        *Personnel.objects.order_by("force", "identifier").values_list(
            "force", "identifier", "name", "rank", "unit__code", "phone"
        ),
        *TPS.objects.order_by("desa__code", "number").values_list(
            "desa__code", "number", "latitude", "longitude", "registered_voters", "kerawanan"
        ),
        *Assignment.tps.through.objects.order_by(
            "assignment__personnel__identifier", "tps__desa__code", "tps__number"
        ).values_list("assignment__personnel__identifier", "tps__desa__code", "tps__number"),
        *Assignment.objects.exclude(post=None)
        .order_by("personnel__identifier")
        .values_list("personnel__identifier", "post__name", "sprin__number"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed command's output; the demo (with demo logins) is in the database."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Module-scoped: it runs before the per-test restore, after any flush that emptied them.
        migration_seeds_restore()
        with pytest.MonkeyPatch.context() as env:
            env.setenv("OPSBOARD_DEMO_PASSWORD", DEMO_PASSWORD)
            output = run_seed()
        # This transaction never commits: drop what the seed queued for its commit (the
        # coverage recompute that the reserve pair's dispatch asks for, demo/incidents.py), so
        # that a test's own change queues its own recompute rather than joining that one.
        connection.run_on_commit.clear()
        yield output
        transaction.set_rollback(True)
