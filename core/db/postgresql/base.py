"""Django's PostgreSQL backend, with a client-side bound on how long it waits for an answer.

A server that accepts connections but answers nothing (hung, frozen, a half-dead proxy in
front of it) makes libpq wait forever on a kept connection: the kernel on the far side still
acknowledges every packet, so neither TCP keepalives nor tcp_user_timeout end it, and
statement_timeout is the server's own clock, which has stopped. Every gunicorn worker then
hangs until gunicorn kills it. Here each wait for the server gives up after
OPTIONS["answer_timeout"] seconds (longer than statement_timeout, so a slow but live server
cancels its own statement first), the connection is closed, and the request ends in the
OperationalError that opsboard.views.server_error turns into a 503.

The health check Django runs on a kept connection (conn_health_checks) gets HEALTH_CHECK_SECONDS
only: a `SELECT 1` that takes longer comes from a server not worth waiting for, and a fresh
connection (bounded by connect_timeout) is tried instead.
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import psycopg
from django.db.backends.postgresql import base

HEALTH_CHECK_SECONDS = 2.0
# libpq refuses a connect_timeout below 2 s.
MIN_CONNECT_TIMEOUT = 2


class NoAnswer(psycopg.OperationalError):
    """The server did not answer within the connection's answer timeout; the connection is closed.

    No SQLSTATE, as for every error raised by the client: opsboard.views.database_unavailable
    counts it as the database being unreachable."""


class AnsweringConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server is bounded by `answer_timeout`."""

    answer_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        if timeout is not None:  # psycopg's own bounded waits (notifies, cancel) keep theirs
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, self.answer_timeout)
        # psycopg's internal timeout signal (an OperationalError), raised only when the bound
        # passed above expires; requirements.lock pins the version.
        except psycopg.errors._WaitTimeout:
            # The protocol is half-way through a message: the connection cannot be reused.
            self.pgconn.finish()
            raise NoAnswer(
                f"the database server did not answer within {self.answer_timeout:g} s"
            ) from None


class _Driver:
    """psycopg as Django's wrapper sees it (`self.Database`), connecting with our class."""

    def __getattr__(self, name):
        return getattr(psycopg, name)

    @staticmethod
    def connect(*args, **kwargs) -> AnsweringConnection:
        return AnsweringConnection.connect(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Driver()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._answer_override: float | None = None

    @property
    def answer_timeout(self) -> float | None:
        if self._answer_override is not None:
            return self._answer_override
        return self.settings_dict["OPTIONS"].get("answer_timeout")

    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        params.pop("answer_timeout", None)
        if self._answer_override is not None:
            # A short probe must not spend the whole connect_timeout on a silent host either.
            bound = max(MIN_CONNECT_TIMEOUT, int(self._answer_override))
            params["connect_timeout"] = min(int(params.get("connect_timeout") or bound), bound)
        return params

    def get_new_connection(self, conn_params) -> AnsweringConnection:
        connection = super().get_new_connection(conn_params)
        connection.answer_timeout = self.answer_timeout
        return connection

    @contextmanager
    def answering_within(self, seconds: float) -> Iterator[None]:
        """Bound every wait for the server to `seconds` inside the block, then restore it.

        Shorter for probes (/healthz); longer for work that sets its own longer
        statement_timeout (SET LOCAL), which must also wait longer for its answer.
        """
        previous = self._answer_override
        self._answer_override = seconds
        if self.connection is not None:
            self.connection.answer_timeout = seconds
        try:
            yield
        finally:
            self._answer_override = previous
            if self.connection is not None:
                self.connection.answer_timeout = self.answer_timeout

    def is_usable(self) -> bool:
        with self.answering_within(HEALTH_CHECK_SECONDS):
            return super().is_usable()


def answering_within(connection, seconds: float):
    """`connection.answering_within(seconds)` where the backend has it (not on SQLite)."""
    method = getattr(connection, "answering_within", None)
    return method(seconds) if method is not None else nullcontext()
