"""Reads from a PostgreSQL streaming replica (docs/deploy.md, "Read replica").

The dashboards, their exports and the read API are most of the traffic and only read: with
DATABASE_REPLICA_URL set, their GETs read from the replica (the `replica` alias) through
ReplicaRouter; every write, and everything else, goes to the primary. Three rules keep a reader
from being misled or failed:

- **Bounded staleness**: the replica's lag is read at most every REPLICA_CHECK_SECONDS per
  process; above DATABASE_REPLICA_MAX_LAG_SECONDS reads go to the primary until it catches up.
  A page served from the replica says so, with the lag (`replica_lag` in its context).
- **Your own writes**: a user who has just written (any POST, PUT, PATCH or DELETE) reads from
  the primary for DATABASE_REPLICA_PIN_SECONDS (a cookie), so their change is there on the page
  they come back to.
- **The replica going away**: a replica that does not answer its check is not used; one that
  fails during a request makes that GET run again on the primary (reads are safe to repeat),
  and is not tried again until the next check. Never a 500 for a replica.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "opsboard_primary"
REPLICA_CHECK_SECONDS = 5.0
# The views whose GETs may read from the replica, by URL name or namespace.
REPLICA_VIEWS = frozenset(
    {
        "opsboard:dashboard",
        "opsboard:wallscreen",
        "opsboard:gaps_export",
        "opsboard:areas_export",
        "opsboard:print_summary",
        "opsboard:strength",
        "opsboard:guarded_objects",
        "opsboard:objects_export",
    }
)
REPLICA_NAMESPACES = frozenset({"api"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

_reading_replica: ContextVar[bool] = ContextVar("opsboard_reading_replica", default=False)

# Lag of the replica behind the primary, the query the standby answers itself: nothing to
# replay means caught up (an idle primary writes nothing, so the last replayed transaction's
# age is no measure then).
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


@dataclass
class ReplicaState:
    usable: bool
    lag: float | None  # seconds; None when the replica did not answer
    checked_at: float


_state: ReplicaState | None = None


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_state(*, now: float | None = None) -> ReplicaState:
    """The replica's last check, made again when older than REPLICA_CHECK_SECONDS."""
    global _state
    now = time.monotonic() if now is None else now
    if _state is not None and now - _state.checked_at < REPLICA_CHECK_SECONDS:
        return _state
    _state = _check(now)
    return _state


def _check(now: float) -> ReplicaState:
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("replica: not used, it did not answer: %s", exc)
        replica.close()
        return ReplicaState(usable=False, lag=None, checked_at=now)
    lag = float(lag or 0)
    usable = bool(in_recovery) and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if not usable:
        logger.warning("replica: not used, lag %.1f s (in recovery: %s)", lag, in_recovery)
    return ReplicaState(usable=usable, lag=lag, checked_at=now)


def mark_down() -> None:
    """The replica failed during a request: not used again before the next check."""
    global _state
    _state = ReplicaState(usable=False, lag=None, checked_at=time.monotonic())
    connections[REPLICA].close()


class ReplicaRouter:
    """Reads to the replica while a replica-read view runs (the middleware says when); every
    write, every other read and every migration to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Decides per request whether its reads go to the replica (see the module's rules)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.replica_lag = None
        response = self.get_response(request)
        if configured() and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._wants_replica(request):
            return None
        state = replica_state()
        if not state.usable:
            return None
        token = _reading_replica.set(True)
        request.replica_lag = state.lag
        try:
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()  # a TemplateResponse reads when it renders
            return response
        except DatabaseError as exc:
            if not _from_replica(exc):
                raise
            logger.warning("replica: failed during %s, read again on the primary", request.path)
            mark_down()
            _reading_replica.reset(token)
            token = None
            request.replica_lag = None
            return view_func(request, *view_args, **view_kwargs)
        finally:
            if token is not None:
                _reading_replica.reset(token)

    def _wants_replica(self, request) -> bool:
        if not configured() or request.method not in SAFE_METHODS:
            return False
        if request.COOKIES.get(PIN_COOKIE):
            return False  # their own write may not have reached the replica yet
        match = request.resolver_match
        if match is None:
            return False
        return match.view_name in REPLICA_VIEWS or bool(
            REPLICA_NAMESPACES.intersection(match.namespaces)
        )


def _from_replica(exc: BaseException) -> bool:
    """An error of the replica's connection: it is broken, or it never opened."""
    replica = connections[REPLICA]
    return (
        replica.connection is None
        or getattr(replica.connection, "closed", False)
        or (not replica.is_usable())
    )


def replica_context(request) -> dict:
    """For the page: how far behind the data it shows may be (None: read from the primary)."""
    return {"replica_lag": getattr(request, "replica_lag", None)}
