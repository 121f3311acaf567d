#!/usr/bin/env bash
# `make backup` / `make restore RESTORE=FILE` (docs/backup.md).
#
#   scripts/backup.sh backup          one archive, var/backups/opsboard-<time>.tar: the database
#                                     and the file stores (report photos, rakor attachments,
#                                     media), with a MANIFEST and the SHA256SUMS of every file
#   scripts/backup.sh restore FILE    replace the database's contents and the file stores with
#                                     FILE's (an archive; an older database-only .dump or
#                                     .sqlite3 restores the database alone)
#
# The database and the stores are the ones Opsboard itself uses: opsboard/settings.py resolves
# them (DATABASE_URL, DATABASE_URL_FILE, OPSBOARD_VAR_DIR). PostgreSQL goes through
# pg_dump -Fc / pg_restore --clean in one transaction; SQLite through its online backup API,
# which copies a consistent database while the app runs. The database is dumped before the
# files are read, so every file a row names is in the archive (one written meanwhile may be too,
# unnamed, which is harmless). BACKUP_DIR overrides var/backups.
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
# name=path of every file store, in the archive under files/<name>/.
stores = {
    "field-photos": settings.FIELD_PHOTO_ROOT,
    "attachments": settings.COORDINATION_ATTACHMENT_ROOT,
    "media": settings.MEDIA_ROOT,
}
print("STORES=(" + " ".join(shlex.quote(f"{k}={v}") for k, v in stores.items()) + ")")
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
    file="$backup_dir/opsboard-$(date +%Y%m%d-%H%M%S).tar"
    if [ -e "$file" ]; then
      echo "$file exists already; wait a second and run again." >&2
      exit 1
    fi
    work="$(mktemp -d "$backup_dir/.opsboard-backup-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    if [ "$DB_ENGINE" = postgresql ]; then
      pg_dump --format=custom --file="$work/database.$suffix"
    else
      sqlite_copy "$DB_NAME" "$work/database.$suffix"
    fi
    mkdir "$work/files"
    {
      echo "Opsboard backup, $(date --iso-8601=seconds)"
      echo "database: $DB_ENGINE, database.$suffix"
    } >"$work/MANIFEST"
    for store in "${STORES[@]}"; do
      name="${store%%=*}" path="${store#*=}"
      if [ -d "$path" ]; then
        ln -s "$path" "$work/files/$name"  # archived through the link (tar -h), not copied
      else
        mkdir "$work/files/$name"  # an empty store restores as empty
      fi
      count="$(find -L "$work/files/$name" -type f | wc -l)"
      echo "files/$name: $count files from $path" >>"$work/MANIFEST"
    done
    (cd "$work" && find -L database."$suffix" files -type f -print0 | sort -z \
      | xargs -0 sha256sum >SHA256SUMS)
    # Written under a temporary name: a failed backup never looks like a good one.
    tar --create --dereference --file="$file.part" -C "$work" \
      MANIFEST SHA256SUMS "database.$suffix" files
    mv "$file.part" "$file"
    echo "$file"
    ;;
  restore)
    file="${2:-}"
    if [ -z "$file" ]; then
      echo "Name the backup to restore: make restore RESTORE=FILE. The newest ones:" >&2
      ls -1t "$backup_dir"/opsboard-*.tar "$backup_dir"/opsboard-*."$suffix" 2>/dev/null \
        | head -5 >&2 || true
      exit 2
    fi
    if [ ! -f "$file" ]; then
      echo "$file: no such backup." >&2
      exit 1
    fi
    case "$file" in
      *.tar)
        # Unpacked next to the stores (same file system: each is swapped in with one rename)
        # and checked whole before anything is replaced.
        mkdir -p "$DB_VAR_DIR"
        work="$(mktemp -d "$DB_VAR_DIR/.opsboard-restore-XXXXXX")"
        trap 'rm -rf "$work"' EXIT
        tar --extract --same-permissions --file="$file" -C "$work"
        if [ ! -f "$work/database.$suffix" ]; then
          echo "$file holds no database.$suffix, which is what $DB_ENGINE needs." >&2
          exit 1
        fi
        if ! (cd "$work" && sha256sum --check --quiet --strict SHA256SUMS); then
          echo "$file is damaged (SHA256SUMS do not match); nothing was restored." >&2
          exit 1
        fi
        database="$work/database.$suffix"
        ;;
      *."$suffix") work="" database="$file" ;;
      *) echo "$file is not a .tar or .$suffix backup." >&2; exit 1 ;;
    esac
    if [ "$DB_ENGINE" = postgresql ]; then
      # --clean drops what the backup holds and recreates it; one transaction: all or nothing.
      pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
        --exit-on-error --dbname="$DB_NAME" "$database"
    else
      sqlite_copy "$database" "$DB_NAME"
    fi
    echo "restored $file into $DB_ENGINE database $DB_NAME"
    if [ -n "$work" ]; then
      for store in "${STORES[@]}"; do
        name="${store%%=*}" path="${store#*=}"
        [ -d "$work/files/$name" ] || continue
        mkdir -p "$(dirname "$path")"
        rm -rf "$path.before-restore"
        if [ -e "$path" ]; then mv "$path" "$path.before-restore"; fi
        mv "$work/files/$name" "$path"
        rm -rf "$path.before-restore"
        echo "restored files/$name into $path"
      done
    fi
    ;;
  *) usage ;;
esac
