#!/usr/bin/env bash
# `make test`: the whole suite, on PostgreSQL and Redis when they are reachable (or named in
# DATABASE_URL / REDIS_URL), else on SQLite with the `services` tests deselected and counted.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

answers() {  # host port -> exit 0 when something listens there
  "$PY" - "$1" "$2" <<'PYEOF'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PYEOF
}

if [ -z "${DATABASE_URL:-}" ] && answers 127.0.0.1 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/opsboard"
fi
if [ -z "${REDIS_URL:-}" ] && answers 127.0.0.1 6379; then
  export REDIS_URL="redis://127.0.0.1:6379/0"
fi
# The read-replica tests (tests/platform/test_replica.py) use a hot standby of that PostgreSQL
# (.ci/run starts one on 5433); the suite itself never routes reads there.
if [ -z "${OPSBOARD_TEST_REPLICA_URL:-}" ] && answers 127.0.0.1 5433; then
  export OPSBOARD_TEST_REPLICA_URL="postgres://postgres@127.0.0.1:5433/opsboard"
fi
unset DATABASE_REPLICA_URL
# The suite runs Celery in-process unless a test starts a real worker itself.
# The coverage engine is checked on SQLite beside PostgreSQL (a second database alias).
export OPSBOARD_COMPARE_SQLITE=true
export OPSBOARD_TEST_REDIS_URL="${REDIS_URL:-}"
unset REDIS_URL
unset OPSBOARD_NOW

db="SQLite (embedded)"
case "${DATABASE_URL:-}" in postgres*) db="PostgreSQL ${DATABASE_URL#*@}" ;; esac
redis="${OPSBOARD_TEST_REDIS_URL:-absent}"
echo "make test: database ${db}; Redis ${redis}; replica ${OPSBOARD_TEST_REPLICA_URL:-absent}; CI=${CI:-false}"

# Two processes by default (pytest-xdist, whole files per process so that module fixtures are
# built once): CI has 2 cores, and one process left one idle while the other waited on
# PostgreSQL. TEST_WORKERS=0 runs in this process (pdb, -x on the first failure in order).
workers="${TEST_WORKERS:-2}"
parallel=()
if [ "$workers" != "0" ]; then
  parallel=(-n "$workers" --dist loadfile)
fi
echo "make test: ${workers/#0/no} parallel workers (TEST_WORKERS)"

status=0
"$PY" -m pytest "${parallel[@]}" "$@" || status=$?
# pytest exits 5 when nothing ran: never a green run.
exit "$status"
