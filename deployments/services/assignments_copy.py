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

from deployments.services.assignments import id_chunks


def copy_available() -> bool:
    return connection.vendor == "postgresql"


def next_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys of the model's table, ascending, from its own sequence."""
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


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
