#!/bin/sh
# Renders pgbouncer.ini and its userlist from the stack's environment, then runs PgBouncer.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
statement_ms=$(( ${DATABASE_STATEMENT_TIMEOUT:-15} * 1000 ))
mkdir -p /run/opsboard-pgbouncer
printf '"opsboard" "%s"\n' "$POSTGRES_PASSWORD" > /run/opsboard-pgbouncer/userlist.txt
sed -e "s|@DB_HOST@|db|" -e "s|@DB_PORT@|5432|" -e "s|@DB_NAME@|opsboard|" -e "s|@DB_EXTRA@||" \
    -e "s|@STATEMENT_TIMEOUT_MS@|$statement_ms|" -e "s|@LISTEN_ADDR@|0.0.0.0|" \
    -e "s|@LISTEN_PORT@|6432|" -e "s|@AUTH_TYPE@|scram-sha-256|" \
    -e "s|@AUTH_FILE@|/run/opsboard-pgbouncer/userlist.txt|" \
    /etc/opsboard/pgbouncer.ini > /run/opsboard-pgbouncer/pgbouncer.ini
chown -R postgres:postgres /run/opsboard-pgbouncer
chmod 600 /run/opsboard-pgbouncer/userlist.txt
exec su postgres -s /bin/sh -c 'exec pgbouncer /run/opsboard-pgbouncer/pgbouncer.ini'
