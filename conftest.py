"""Shared fixtures: the personas of STYLE.md, and the rules for tests that need real services.

Tests marked `services` need the real PostgreSQL and Redis; `replica` tests a hot standby of
that PostgreSQL too; `browser` tests need Debian's chromium. Without them they are deselected,
never skipped, and the run says how many did not run. With CI=true nothing is deselected: a
missing service fails the run.
"""

import os
import shutil
import socket
from urllib.parse import urlparse
from uuid import uuid4

import pytest
from django.conf import settings
from django.utils import translation

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def _redis_answers() -> bool:
    url = os.environ.get("OPSBOARD_TEST_REDIS_URL", "")
    if not url:
        return False
    parsed = urlparse(url)
    try:
        socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1
        ).close()
    except OSError:
        return False
    return True


def _replica_answers() -> bool:
    url = os.environ.get("OPSBOARD_TEST_REPLICA_URL", "")
    if not url or not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return False
    parsed = urlparse(url)
    try:
        socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=1
        ).close()
    except OSError:
        return False
    return True


def _missing_for(marker: str) -> list[str]:
    missing = []
    if marker == "services":
        if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            missing.append("PostgreSQL (DATABASE_URL)")
        if not _redis_answers():
            missing.append("Redis (REDIS_URL)")
    if marker == "replica" and not _replica_answers():
        missing.append("a hot standby of PostgreSQL (OPSBOARD_TEST_REPLICA_URL)")
    if marker == "browser" and not shutil.which(CHROMIUM):
        missing.append(CHROMIUM)
    return missing


_not_run: dict[str, tuple[int, list[str]]] = {}


# This process's own keys in the shared test Redis. The real-worker tests purge their queue
# before they start; without a prefix that purge would empty the `celery` queue of whoever
# else uses database 0 of this host (a colleague's run, a second xdist worker, a dev stack).
BROKER_KEY_PREFIX = f"opsboard-test-{uuid4().hex}:"


def pytest_configure(config):
    # Tasks run eagerly in the suite; the one test with a real worker needs the broker to be
    # the real Redis from the start, since Celery's connection pools keep their first URL.
    redis_url = os.environ.get("OPSBOARD_TEST_REDIS_URL")
    if redis_url:
        from opsboard.celery import app

        app.conf.broker_url = redis_url
        app.conf.broker_transport_options = {
            **(app.conf.broker_transport_options or {}),
            "global_keyprefix": BROKER_KEY_PREFIX,
        }


def pytest_unconfigure(config):
    redis_url = os.environ.get("OPSBOARD_TEST_REDIS_URL")
    if not redis_url or not _redis_answers():
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{BROKER_KEY_PREFIX}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for marker in ("services", "replica", "browser"):
        missing = _missing_for(marker)
        if not missing:
            continue
        if CI:
            raise pytest.UsageError(
                f"CI=true but {', '.join(missing)} is not available for the `{marker}` tests: "
                "CI never deselects them. Start the services (.ci/run does) and run again."
            )
        marked = [item for item in items if item.get_closest_marker(marker)]
        if marked:
            _not_run[marker] = (len(marked), missing)
    for item in items:
        if any(item.get_closest_marker(m) for m in _not_run):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker collects and deselects; the controller, which prints the
    # summary, hears of it through workeroutput (pytest_testnodedown below).
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["opsboard_not_run"] = {m: [c, list(w)] for m, (c, w) in _not_run.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    # Every worker collects the whole suite, so each reports the same count: keep one.
    reported = getattr(node, "workeroutput", {}).get("opsboard_not_run", {})
    for marker, (count, missing) in reported.items():
        seen, _ = _not_run.get(marker, (0, missing))
        _not_run[marker] = (max(seen, count), missing)


def pytest_terminal_summary(terminalreporter):
    for marker, (count, missing) in _not_run.items():
        terminalreporter.write_line(
            f"NOT RUN: {count} `{marker}` tests deselected because {', '.join(missing)} "
            "is not available (they run in CI).",
            yellow=True,
        )


# Personas


@pytest.fixture(autouse=True)
def default_language():
    # LocaleMiddleware activates each request's language in the test's thread and leaves it so:
    # a test that calls gettext directly after another test's English request would read
    # English. Every test starts in the product's default language, as a new request does.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def public_site_url(settings):
    # Tests run with DEBUG=false, like production, which refuses to print cards on a loopback
    # address (field/public_url.py): give them a public address, as a deployment has.
    settings.OPSBOARD_PUBLIC_URL = "https://opsboard.test"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every persona hashes a password on creation and many tests sign in; PBKDF2's deliberate
    # slowness is not what any test is about and made up most of the suite's run time.
    # PBKDF2 stays listed so that hashes made outside a test (the demo seeded once per module)
    # still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def election_day(db, settings):
    """The operation with its phases, the operation clock at 09.00 WIB on 27 Nov 2024."""
    from tests.factories import ELECTION_DAY_9AM, OperationFactory

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    return OperationFactory()


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def ops_admin(db):
    from core.access import GROUP_ADMIN
    from tests.factories import UserFactory

    return UserFactory(username="operator", is_staff=True, groups=[GROUP_ADMIN])


@pytest.fixture
def command_staff(db):
    from core.access import GROUP_COMMAND
    from tests.factories import UserFactory

    return UserFactory(username="kabagops", is_staff=True, groups=[GROUP_COMMAND])


@pytest.fixture
def mojoroto(db):
    from tests.factories import KecamatanFactory

    return KecamatanFactory(code="357101", name="Mojoroto")


@pytest.fixture
def pesantren(db):
    from tests.factories import KecamatanFactory

    return KecamatanFactory(code="357103", name="Pesantren")


@pytest.fixture
def polsek_staff(mojoroto):
    from tests.factories import PolsekFactory, polsek_staff_user

    return polsek_staff_user("polsek.mojoroto", PolsekFactory(kecamatan=mojoroto))


@pytest.fixture
def polsek_staff_other(pesantren):
    """Polsek staff of another kecamatan than the data the test looks at."""
    from tests.factories import PolsekFactory, polsek_staff_user

    return polsek_staff_user("polsek.pesantren", PolsekFactory(kecamatan=pesantren))


@pytest.fixture
def polsek_editor_other(pesantren):
    """Polsek staff of another kecamatan with the admin's edit rights (docs/access.md)."""
    from tests.factories import PolsekFactory, polsek_editor_user

    return polsek_editor_user("polsek.pesantren.editor", PolsekFactory(kecamatan=pesantren))


@pytest.fixture
def tps_a(mojoroto):
    from tests.factories import DesaFactory, TPSFactory

    return TPSFactory(
        desa=DesaFactory(kecamatan=mojoroto, code="3571011001", name="Bandar Lor"), number=6
    )


@pytest.fixture
def tps_b(pesantren):
    from tests.factories import DesaFactory, TPSFactory

    return TPSFactory(
        desa=DesaFactory(kecamatan=pesantren, code="3571031001", name="Blabak"), number=1
    )


def _field_officer_at(tps, username):
    from deployments.services import personnel_account_create
    from tests.factories import AssignmentFactory, LinmasFactory, SatlinmasFactory

    person = LinmasFactory(unit=SatlinmasFactory(desa=tps.desa), identifier=username)
    AssignmentFactory(personnel=person, tps=[tps])
    user = personnel_account_create(personnel=person, password="test-Pass-2024")  # noqa: S106
    return user


@pytest.fixture
def field_officer(tps_a):
    return _field_officer_at(tps_a, "LM-3571011001-01")


@pytest.fixture
def field_officer_other_tps(tps_b):
    return _field_officer_at(tps_b, "LM-3571031001-01")


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as that user (None: anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="opsboard.auth.OpsboardBackend")
        return client

    return _login
