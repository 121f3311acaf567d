"""The dashboard's cache with Redis (docs/dashboard.md, "Cache"): one cache for every process,
warmed after a snapshot. Services tests: they need the real Redis (OPSBOARD_TEST_REDIS_URL), in a
keyspace of their own (a unique REDIS_KEY_PREFIX whose keys are deleted afterwards)."""

import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import override_settings

from core.access import GROUP_COMMAND
from deployments.models import CoverageSnapshot
from opsboard.dashboard.warm import warm_dashboard
from tests.factories import UserFactory
from tests.hardening.support import BASE_DIR, app_environ, database_url, redis_keyspace

POLL = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}
CHILD = """
import sys
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), settings.CACHES
cache.set("opsboard:probe", "written by the child", 60)
value = cache.get(sys.argv[1])
sys.stdout.write(repr(value if isinstance(value, str) else (value or b"")[:40]))
"""


@pytest.fixture
def redis_cache():
    """This process's cache on the test Redis, as settings.py builds it from REDIS_URL."""
    with redis_keyspace() as (url, prefix):
        config = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
        with override_settings(CACHES={"default": config}):
            yield url, prefix


def child_reads(url: str, prefix: str, key: str) -> str:
    """Another process of the app, configured by REDIS_URL and REDIS_KEY_PREFIX only."""
    env = app_environ(DATABASE_URL=database_url(), REDIS_URL=url, REDIS_KEY_PREFIX=prefix)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, key], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.services
def test_two_processes_read_and_write_one_cache(redis_cache, db):
    url, prefix = redis_cache
    cache.set("opsboard:parent", "written by the test", 60)

    assert child_reads(url, prefix, "opsboard:parent") == repr("written by the test")
    assert cache.get("opsboard:probe") == "written by the child"


@pytest.mark.services
def test_another_prefix_is_another_keyspace(redis_cache, db):
    url, prefix = redis_cache
    cache.set("opsboard:parent", "written by the test", 60)

    assert child_reads(url, prefix + "other:", "opsboard:parent") == repr(b"")


@pytest.mark.services
def test_a_part_rendered_by_one_worker_is_served_by_another(redis_cache, login, picture, db):
    url, prefix = redis_cache
    user = UserFactory(username="kabagops.redis", groups=[GROUP_COMMAND])
    response = login(user).get("/", headers=POLL)
    tag = response["ETag"].removeprefix("W/").strip('"')

    stored = child_reads(url, prefix, f"opsboard:dash:body:v1:{tag}")

    assert stored == repr(response.content[:40])


@pytest.mark.services
def test_after_the_warm_up_the_first_poll_reads_only_what_says_which_version(
    redis_cache, login, command_staff, polsek_staff, picture, django_assert_num_queries
):
    snapshot = CoverageSnapshot.objects.latest("created_at")
    command = login(command_staff)
    # The Polres and each Polsek's kecamatan (picture has Polsek Mojoroto).
    assert warm_dashboard([snapshot.pk]) >= 2

    # 1 session, 2 the user with their role, 3 operation, 4 phases, 5 snapshot, 6 engine state:
    # every figure, table and the trend come from the warmed keys.
    with django_assert_num_queries(6):
        response = command.get("/", headers=POLL)
    assert response.status_code == 200
    polsek = login(polsek_staff)
    # Polsek staff: 7 their kecamatan, named in the title and the trend.
    with django_assert_num_queries(7):
        polsek.get("/", headers=POLL)
