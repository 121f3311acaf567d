# ruff: noqa: E402 - Django is set up before the project's modules are imported
"""The measuring half of bench/coverage.py, in a child process on the benchmark's own database
(DATABASE_URL, set by coverage.py): the engine and its floor, interleaved and repeated.

    python bench/coverage_rounds.py ROUNDS     prints one JSON line: the figures of each round

A round of the engine is what a worker does after a change: coverage_recompute (the operation's
lock, the phases, every snapshot) and then the prune task (coverage_prune). A round of the floor
is bench/coverage_floor.py's one statement per phase, in a transaction with the engine's
settings, and its one prune statement. Each round starts on a new connection, so that the
PostgreSQL backend's peak memory is that round's own: VmHWM of /proc/<pid>/status, reset through
clear_refs (needs the server on this host and the right to write there: root), and its private
memory (RssAnon) sampled every 5 ms. Two rounds of each come first, unmeasured, so that every
measured prune has a snapshot's rows to delete, as it has after each recompute in production.
After every floor round its rows are compared with the engine's current snapshot, every row
and column: any difference ends the run with exit status 2.
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import django

django.setup()

import coverage_floor as floor
from common import interleaved
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import clock
from deployments.coverage import (
    COVERAGE_WORK_MEM,
    coverage_prune,
    coverage_recompute,
    phases_to_compute,
)
from deployments.models import CoverageSnapshot, CoverageState, Operation

WARM_UP = 2


class Memory:
    """Peak resident memory of one process over a with-block: VmHWM (everything it touched,
    shared buffers and libraries included) and the most private memory (RssAnon) seen."""

    def __init__(self, pid: int) -> None:
        self.status = Path(f"/proc/{pid}/status")
        self.readable = self.status.exists()
        self.peak_kb: int | None = None
        self.private_kb: int | None = None

    def _read(self) -> dict[str, int]:
        fields = {}
        for line in self.status.read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS", "RssAnon"):
                fields[name] = int(value.split()[0])
        return fields

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.private_kb = max(self.private_kb or 0, self._read().get("RssAnon", 0))

    def __enter__(self) -> "Memory":
        if not self.readable:
            return self
        try:
            self.status.with_name("clear_refs").write_text("5")  # VmHWM := VmRSS
            self.resettable = True
        except OSError:
            self.resettable = False
        self.private_kb = self._read().get("RssAnon", 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if not self.readable:
            return
        self._stop.set()
        self._thread.join()
        fields = self._read()
        self.private_kb = max(self.private_kb or 0, fields.get("RssAnon", 0))
        self.peak_kb = fields["VmHWM"] if self.resettable else None


class LockWatch:
    """When the recompute's SELECT … FOR UPDATE of the operation returned: the lock is held
    from then until the transaction's commit, just before coverage_recompute returns."""

    def __init__(self) -> None:
        self.locked_at: float | None = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self.locked_at is None and "FOR UPDATE" in sql and "deployments_operation" in sql:
            self.locked_at = time.perf_counter()
        return result


def new_backend() -> int:
    connection.close()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def engine_round(operation: Operation) -> dict:
    pid = new_backend()
    lock = LockWatch()
    with (
        Memory(pid) as backend,
        Memory(os.getpid()) as worker,
        CaptureQueriesContext(connection) as queries,
        connection.execute_wrapper(lock),
    ):
        started = time.perf_counter()
        written = coverage_recompute(operation_id=operation.pk, force=True)
        computed = time.perf_counter()
        compute_queries = len(queries)
        coverage_prune(operation=operation, now=timezone.now())
        pruned = time.perf_counter()
    return {
        "compute": computed - started,
        "prune": pruned - computed,
        "total": pruned - started,
        "lock": computed - lock.locked_at,
        "queries": compute_queries,
        "prune_queries": len(queries) - compute_queries,
        "snapshots": {s.phase_id: s.pk for s in written},
        **memory_figures(backend, worker),
    }


def floor_round(operation: Operation, phases: list[int]) -> dict:
    pid = new_backend()
    version = CoverageState.objects.get(operation=operation).version
    with Memory(pid) as backend, Memory(os.getpid()) as worker:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            # The engine's transaction settings (deployments/coverage/engine.py).
            cursor.execute(
                "SELECT set_config('synchronous_commit', 'off', true), "
                "set_config('work_mem', %s, true), set_config('statement_timeout', %s, true)",
                [COVERAGE_WORK_MEM, f"{settings.COVERAGE_STATEMENT_TIMEOUT_SECONDS}s"],
            )
            snapshots = {
                phase: floor.floor_compute(
                    cursor,
                    operation=operation.pk,
                    phase=phase,
                    computed_at=clock.now(),
                    created_at=timezone.now(),
                    inputs_version=version,
                )
                for phase in phases
            }
        computed = time.perf_counter()
        with connection.cursor() as cursor:
            floor.floor_prune(cursor, operation=operation.pk, now=timezone.now())
        pruned = time.perf_counter()
    return {
        "compute": computed - started,
        "prune": pruned - computed,
        "total": pruned - started,
        "queries": 1 + len(phases),
        "prune_queries": 1,
        "snapshots": snapshots,
        **memory_figures(backend, worker),
    }


def memory_figures(backend: Memory, worker: Memory) -> dict:
    return {
        "pg_peak_kb": backend.peak_kb,
        "pg_private_kb": backend.private_kb,
        "worker_peak_kb": worker.peak_kb,
    }


def check_equal(floor_snapshots: dict[int, int]) -> dict:
    """The floor's snapshot of each phase against the engine's current one; exits on a
    difference. Returns the row counts compared."""
    counts = {}
    with connection.cursor() as cursor:
        for phase, floor_id in floor_snapshots.items():
            engine_id = (
                CoverageSnapshot.objects.filter(phase_id=phase)
                .order_by("-created_at", "-pk")
                .values_list("pk", flat=True)
                .first()
            )
            differing = floor.differences(cursor, engine=engine_id, floor=floor_id)
            counts = floor.row_counts(cursor, engine=engine_id, floor=floor_id)
            if differing or any(e != f or not e for e, f in counts.values()):
                print(
                    f"THE FLOOR DIFFERS FROM THE ENGINE (phase {phase}, engine snapshot "
                    f"{engine_id}, floor snapshot {floor_id}): rows per table {counts}; "
                    f"{len(differing)} rows differ, the first:",
                    *differing[:20],
                    sep="\n",
                    file=sys.stderr,
                )
                sys.exit(2)
    return {table: engine for table, (engine, _floor) in counts.items()}


def main() -> None:
    rounds = int(sys.argv[1])
    operation = Operation.objects.get()
    phases = [phase.pk for phase in phases_to_compute(operation)]
    with connection.cursor() as cursor:
        floor.create_schema(cursor)
        cursor.execute("VACUUM ANALYZE")
    compared: dict = {}

    def engine() -> dict:
        return engine_round(operation)

    def floor_then_check() -> dict:
        figures = floor_round(operation, phases)
        compared.update(check_equal(figures["snapshots"]))
        return figures

    contenders = {"engine": engine, "floor": floor_then_check}
    interleaved(WARM_UP, contenders)
    results = interleaved(rounds, contenders)
    print(json.dumps({**results, "rows": compared, "phases": len(phases)}))


if __name__ == "__main__":
    main()
