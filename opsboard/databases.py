"""The PostgreSQL connection settings (opsboard/settings.py reads the variables and calls this).

A server that is gone, or that stops answering, must fail a request (and /healthz) with a 503
within seconds, never hang the gunicorn workers until gunicorn kills them all. Each bound has
its own failure: connect_timeout a host that does not answer a new connection; keepalives and
tcp_user_timeout a peer that vanished from the network (no more ACKs); statement_timeout a live
server stuck on one statement (a lock, a runaway query); and answer_timeout (core/db/postgresql)
a server whose kernel acknowledges but which answers nothing, which only a client-side clock can
end. Work that needs longer statements sets its own (SET LOCAL statement_timeout, and
connection.answering_within). `?name=value` in DATABASE_URL overrides any of the libpq ones.

JIT is off: the app's statements are short lookups, and PostgreSQL compiled /me/'s plan at Polda
size for a second to save milliseconds (docs/benchmarks.md, /me/). A statement that wants it back
sets it locally (SET LOCAL jit = on).

Behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction, docs/deploy.md
"PgBouncer") each transaction may run on another server connection: nothing may live beyond
one. So no server-side cursors (Django's iterator() keeps a WITH HOLD cursor open across
transactions), no prepared statements (psycopg prepares a query it has run five times;
PgBouncer 1.18 does not carry them over), and no startup `options`, which PgBouncer refuses: its
connect_query sets the same statement_timeout and jit on every server connection it opens
(docker/pgbouncer/pgbouncer.ini).

A streaming replica (DATABASE_REPLICA_URL; opsboard/replica.py, docs/deploy.md "Read replica")
is reached directly, never through PgBouncer, with the direct connection's options.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POOL_MODES = ("session", "transaction")


def configure_postgresql(
    databases: dict,
    *,
    statement_timeout: int,
    answer_timeout: int,
    pool_mode: str,
    replica_url: str,
) -> None:
    """Complete DATABASES["default"] (and add "replica") for PostgreSQL, in place."""
    if answer_timeout <= statement_timeout:
        raise ImproperlyConfigured(
            "DATABASE_ANSWER_TIMEOUT must be longer than DATABASE_STATEMENT_TIMEOUT: a live "
            "server must get to cancel a slow statement itself, with a clear error."
        )
    if pool_mode not in POOL_MODES:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MODE={pool_mode!r}: use session (a direct connection or "
            "PgBouncer in session mode) or transaction (PgBouncer in transaction mode)."
        )
    default = databases["default"]
    default["ENGINE"] = "core.db.postgresql"
    options = default.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 5)
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    options.setdefault("tcp_user_timeout", 10_000)  # ms of unacknowledged data
    startup = f"-c statement_timeout={statement_timeout * 1000} -c jit=off"
    if pool_mode == "transaction":
        default["DISABLE_SERVER_SIDE_CURSORS"] = True
        options["prepare_threshold"] = None
    else:
        options.setdefault("options", startup)
    options["answer_timeout"] = answer_timeout
    if replica_url:
        replica = dj_database_url.parse(
            replica_url, conn_max_age=default["CONN_MAX_AGE"], conn_health_checks=True
        )
        replica["ENGINE"] = "core.db.postgresql"
        replica["OPTIONS"] = {
            **{k: v for k, v in options.items() if k != "prepare_threshold"},
            "connect_timeout": 2,
            "options": startup,
        }
        # In a test run the alias reads this run's test database on the standby.
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
