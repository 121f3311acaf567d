"""PostgreSQL's COPY for the rows an import inserts (assignments, their TPS links, history and
its TPS rows): plain tuples streamed to the server instead of model instances turned into
multi-row INSERTs, which cost an import of 2,285 duties a second of the Django process's CPU.

COPY fires the same triggers (the unavailability one) and checks the same constraints (the
exclusion constraint, the checks, the foreign keys) as INSERT does. The ids are taken from the
tables' own sequences beforehand, one query per table, so that the rows can name each other
(a link its assignment, a history TPS row its history record) without reading them back.
"""

import time
from collections.abc import Sequence

from django.db import connection

from deployments.services.assignments_reads import id_chunks


def copy_available() -> bool:
    return connection.vendor == "postgresql"


def next_ids(*wanted: tuple[type, int]) -> list[list[int]]:
    """For each (model, count): `count` fresh primary keys of its table, ascending, from its
    own sequence; all of them in one query."""
    parts, params = [], []
    for number, (model, count) in enumerate(wanted):
        meta = model._meta
        parts.append(
            "SELECT %s::int, nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
        )
        params += [number, meta.db_table, meta.pk.column, count]
    ids: list[list[int]] = [[] for _ in wanted]
    if any(count for _model, count in wanted):
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for number, pk in cursor.fetchall():
                ids[number].append(pk)
    return [sorted(found) for found in ids]


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """COPY the rows into the table, LOOKUP_CHUNK a statement: each stays far inside the
    statement timeout (a Polda roster is 131,000 duties), and the query count grows by one per
    chunk, as bulk_create's did. Errors are Django's (IntegrityError…), as from a query."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    for chunk in id_chunks(rows):
        started = time.monotonic()
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(sql) as copy,
        ):
            for row in chunk:
                copy.write_row(row)
        if connection.queries_logged:
            # Logged as Django logs a query, so that query counts and SQL time include it.
            connection.queries_log.append(
                {
                    "sql": f"{sql} -- {len(chunk)} rows",
                    "time": f"{time.monotonic() - started:.3f}",
                }
            )
