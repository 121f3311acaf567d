"""The dashboard's shared cache and its validators (docs/dashboard.md, "Cache").

With REDIS_URL set the cache is Redis (opsboard/settings.py), shared by every gunicorn worker and
the Celery worker that warms it after writing a snapshot; `make run` keeps a per-process
LocMemCache. Keys carry the snapshot id, so a new snapshot is a new key: old entries are never
deleted by hand, they expire.

The cache is an accelerator, never a dependency: while Redis is cut every read computes what it
would have fetched (tests/hardening/test_redis_down.py), after one short socket timeout.
"""

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_ERRORS = (redis.RedisError, OSError)
# A miss that another process is already computing waits for its answer this long at most, in
# steps of LOCK_POLL_SECONDS, then computes too: one slow worker must not stall the others.
LOCK_SECONDS = 10
LOCK_WAIT_SECONDS = 2.0
LOCK_POLL_SECONDS = 0.02


def digest(*parts: Any) -> str:
    """A short stable hash of the parts, for keys and ETags."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def snapshot_token(snapshot) -> str:
    """The snapshot in keys and ETags: its id and its real-time creation. The id alone would
    name another snapshot's entries after a database is restored from a backup (or rolled
    back, as in tests) while Redis kept its keys."""
    if snapshot is None:
        return "-"
    return f"{snapshot.pk}.{int(snapshot.created_at.timestamp() * 1_000_000)}"


def get(key: str) -> Any:
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable (get %s): %s", key.split(":", 3)[:3], error)
        return None


def put(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable (set): %s", error)


def get_or_compute(key: str, compute: Callable[[], Any], timeout: int) -> Any:
    """The cached value, or `compute()` stored under `key`.

    Computed once per key across all processes: the first to miss takes a short lock (an atomic
    add), the others wait for its answer instead of running the same queries at the same
    moment — after a new snapshot every dashboard in the Posko polls the same few keys.
    """
    value = get(key)
    if value is not None:
        return value
    lock = f"{key}:lock"
    try:
        mine = cache.add(lock, 1, LOCK_SECONDS)
    except CACHE_ERRORS:
        return compute()
    if not mine:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(LOCK_POLL_SECONDS)
            value = get(key)
            if value is not None:
                return value
    try:
        value = compute()
        if value is not None:
            put(key, value, timeout)
        return value
    finally:
        if mine:
            with contextlib.suppress(*CACHE_ERRORS):
                cache.delete(lock)
