#!/usr/bin/env bash
# `make backup` / `make restore RESTORE=FILE` (docs/backup.md).
#
#   scripts/backup.sh backup          the database into var/backups/opsboard-<time>.<dump|sqlite3>
#   scripts/backup.sh restore FILE    replace the database's contents with FILE's
#
# The database is the one Opsboard itself uses: opsboard/settings.py resolves it (DATABASE_URL,
# DATABASE_URL_FILE, or the SQLite file under OPSBOARD_VAR_DIR). PostgreSQL goes through
# pg_dump -Fc / pg_restore --clean in one transaction; SQLite through its online backup API,
# which copies a consistent database while the app runs. BACKUP_DIR overrides var/backups.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
umask 077  # backups hold personal data: readable by their owner only

usage() {
  echo "usage: $0 backup | restore FILE" >&2
  exit 2
}

database_settings() {
  "$PY" - <<'PYEOF'
import os
import shlex

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsboard.settings")
import django

django.setup()
from django.conf import settings

db = settings.DATABASES["default"]
engines = {"core.db.postgresql": "postgresql", "django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
values = {
    "ENGINE": engines.get(db["ENGINE"], db["ENGINE"]),
    "NAME": str(db["NAME"]),
    "USER": db.get("USER") or "",
    "PASSWORD": db.get("PASSWORD") or "",
    "HOST": db.get("HOST") or "",
    "PORT": str(db.get("PORT") or ""),
    "VAR_DIR": str(settings.VAR_DIR),
}
for key, value in values.items():
    print(f"DB_{key}={shlex.quote(value)}")
PYEOF
}

sqlite_copy() {  # source destination: SQLite's backup API, page by page, consistent
  "$PY" - "$1" "$2" <<'PYEOF'
import sqlite3
import sys

source, target = sys.argv[1], sys.argv[2]
src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
problems = src.execute("PRAGMA quick_check").fetchone()[0]
if problems != "ok":
    sys.exit(f"{source} is damaged ({problems}); nothing was copied.")
dst = sqlite3.connect(target, timeout=20)
src.backup(dst)
dst.close()
src.close()
PYEOF
}

[ $# -ge 1 ] || usage
eval "$(database_settings)"
case "$DB_ENGINE" in
  postgresql)
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGDATABASE="$DB_NAME"
    [ -z "$DB_PASSWORD" ] || export PGPASSWORD="$DB_PASSWORD"
    suffix=dump
    ;;
  sqlite) suffix=sqlite3 ;;
  *) echo "Backups support PostgreSQL and SQLite, not $DB_ENGINE." >&2; exit 1 ;;
esac
backup_dir="${BACKUP_DIR:-$DB_VAR_DIR/backups}"

case "$1" in
  backup)
    mkdir -p "$backup_dir"
    file="$backup_dir/opsboard-$(date +%Y%m%d-%H%M%S).$suffix"
    if [ -e "$file" ]; then
      echo "$file exists already; wait a second and run again." >&2
      exit 1
    fi
    if [ "$DB_ENGINE" = postgresql ]; then
      # Written under a temporary name: a failed dump never looks like a good one.
      pg_dump --format=custom --file="$file.part" && mv "$file.part" "$file"
    else
      sqlite_copy "$DB_NAME" "$file.part" && mv "$file.part" "$file"
    fi
    echo "$file"
    ;;
  restore)
    file="${2:-}"
    if [ -z "$file" ]; then
      echo "Name the backup to restore: make restore RESTORE=FILE. The newest ones:" >&2
      ls -1t "$backup_dir"/opsboard-*."$suffix" 2>/dev/null | head -5 >&2 || true
      exit 2
    fi
    if [ ! -f "$file" ]; then
      echo "$file: no such backup." >&2
      exit 1
    fi
    case "$file" in
      *."$suffix") ;;
      *) echo "$file is not a .$suffix backup, which is what $DB_ENGINE needs." >&2; exit 1 ;;
    esac
    if [ "$DB_ENGINE" = postgresql ]; then
      # --clean drops what the backup holds and recreates it; one transaction: all or nothing.
      pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
        --exit-on-error --dbname="$DB_NAME" "$file"
    else
      sqlite_copy "$file" "$DB_NAME"
    fi
    echo "restored $file into $DB_ENGINE database $DB_NAME"
    ;;
  *) usage ;;
esac
