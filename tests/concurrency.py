"""Calls run at the same moment on PostgreSQL, for the tests of what two sessions do at once:
each in its own thread, connection and transaction, released together by a barrier."""

import threading

from django.db import connection


def in_parallel(*calls) -> list[object]:
    """Each call's return value, or the exception it raised, in the calls' order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
