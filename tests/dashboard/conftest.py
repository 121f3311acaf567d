"""Fixtures of the dashboard tests: election day, a small coverage picture, and synthetic
operations of 839 and 8,390 TPS (module-scoped, rolled back) for the query-count budgets."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.test import override_settings

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, Force, Unit
from tests.api.helpers import ELECTION_DAY_9AM, linmas_pair_at, polri_pair_covering
from tests.dashboard.helpers import operation_of_size
from tests.factories import (
    OperationFactory,
    SecurityPatternFactory,
    TPSFactory,
    UserFactory,
    polsek_staff_user,
)


def _empty() -> None:
    # RedisCache.clear() is FLUSHDB: on a shared Redis it would empty everyone's database 0.
    # Only the in-process cache is cleared whole; a Redis cache loses only its own prefix's keys.
    cache = caches["default"]  # the backend itself: django.core.cache.cache is a proxy
    if isinstance(cache, LocMemCache):
        cache.clear()
        return
    prefix = cache.key_prefix
    if not prefix:
        raise pytest.UsageError(
            "The dashboard tests empty the cache before each test; with a Redis cache that needs "
            "REDIS_KEY_PREFIX set, so that only this run's keys are deleted."
        )
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with a cold cache, so query counts do not depend on test order."""
    _empty()
    yield
    _empty()


def demo_pattern(operation) -> None:
    """kurang rawan 2 Polri per 4 TPS, rawan 2 per 2; Linmas 2 per TPS; nothing of the TNI."""
    rows = [("kurang_rawan", Force.POLRI, 2, 4), ("rawan", Force.POLRI, 2, 2)]
    rows += [(c, Force.LINMAS, 2, 1) for c in ("kurang_rawan", "rawan", "sangat_rawan")]
    for kerawanan, force, people, per in rows:
        SecurityPatternFactory(
            operation=operation,
            kerawanan=kerawanan,
            force=force,
            personnel_count=people,
            tps_count=per,
        )


@pytest.fixture
def picture(election_day, tps_a, tps_b):
    """Coverage of four TPS: tps_a covered (2 Polri over it and a neighbour, 2 Linmas), its
    neighbour short (Polri only), a rawan TPS in Mojoroto unguarded, tps_b in Pesantren covered.
    """
    demo_pattern(election_day)
    neighbour = TPSFactory(desa=tps_a.desa, number=7)
    rawan = TPSFactory(desa=tps_a.desa, number=8, kerawanan="rawan")
    polri = polri_pair_covering([tps_a, neighbour])
    linmas_a = linmas_pair_at(tps_a)
    polri_pair_covering([tps_b])
    linmas_pair_at(tps_b)
    coverage_recompute()
    return {
        "covered": tps_a,
        "short": neighbour,
        "unguarded": rawan,
        "other": tps_b,
        "polri": polri,
        "linmas_a": linmas_a,
    }


SIZES = [839, 8390]


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}tps")
def synthetic(request, django_db_setup, django_db_blocker):
    """An operation of 839 or 8,390 TPS (tests/dashboard/helpers.py) with five TPS left without
    their guards and three snapshots of history; rolled back after the module."""
    size = request.param
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(OPSBOARD_NOW=ELECTION_DAY_9AM):
            operation = OperationFactory()
            demo_pattern(operation)
            stations = operation_of_size(size, operation.phases.get(code="pemungutan"))
            coverage_recompute(force=True)
            first = [station.pk for station in stations[:5]]
            Assignment.objects.filter(tps__in=first).update(status=Assignment.Status.CANCELLED)
            coverage_recompute(force=True)
            coverage_recompute(force=True)
            polsek = Unit.objects.polsek().get(kecamatan__code="357101")
        yield {"size": size, "polsek": polsek, "kecamatan": polsek.kecamatan, "first_tps": first}
        transaction.set_rollback(True)


@pytest.fixture
def synthetic_polsek_staff(synthetic, db):
    return polsek_staff_user("polsek.sintetis", synthetic["polsek"])


@pytest.fixture
def synthetic_command_staff(synthetic, db):
    from core.access import GROUP_COMMAND

    return UserFactory(username="kabagops.sintetis", is_staff=True, groups=[GROUP_COMMAND])


@pytest.fixture
def synthetic_clock(settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
