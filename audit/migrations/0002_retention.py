"""The audit log's retention, and pseudonyms for the accounts the UU PDP purge deletes.

The append-only trigger of opsboard/migrations/0002_audit_log.py gains exactly two exceptions
(docs/access.md, "Retention"):

- **Deleting lines older than the retention**, only through ``opsboard_auditevent_purge(before)``:
  the function sets a transaction-local marker that the trigger reads, deletes the lines older
  than ``before`` and clears the marker; a plain ``DELETE`` (a shell, a script, an ORM
  ``.delete()``) is refused as before. The function itself refuses a cut-off less than 30 days
  old, so that neither a bug nor a typo in AUDIT_LOG_RETENTION_DAYS empties the recent log.
  This guards against mistakes, not against the table's owner, who could drop the trigger
  anyway; TRUNCATE stays the owner's (and the test suite's) as before.
- **A pseudonym for a deleted account's name**: a line whose account link is gone (or goes in
  the same UPDATE) may have its ``username`` replaced by ``personel-<id>``, nothing else changed.

On SQLite (the embedded demo) deletes were never refused; the update trigger gains the same
pseudonym exception.
"""

from django.db import migrations

MESSAGE = "opsboard_auditevent_append_only: log audit hanya bisa ditambah"
PURGE_MESSAGE = "opsboard_auditevent_purge: batas retensi minimal 30 hari"
PSEUDONYM = "^personel-[0-9]+$"

PG_FUNCTION_NEW = f"""
CREATE OR REPLACE FUNCTION opsboard_auditevent_refuse_change() RETURNS trigger AS $$
DECLARE
    allowed opsboard_auditevent%ROWTYPE;
    purge_before timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- Only opsboard_auditevent_purge() sets this marker, for its own transaction.
        purge_before := NULLIF(current_setting('opsboard.audit_purge_before', true), '')
            ::timestamptz;
        IF purge_before IS NOT NULL AND OLD.at < purge_before THEN
            RETURN OLD;
        END IF;
    ELSIF NEW.user_id IS NULL THEN
        -- Deleting an account sets user_id to NULL (on_delete=SET_NULL); the UU PDP purge may
        -- also replace the name of an unlinked line by a pseudonym. Nothing else may change.
        allowed := OLD;
        allowed.user_id := NULL;
        IF NEW.username ~ '{PSEUDONYM}' THEN
            allowed.username := NEW.username;
        END IF;
        IF NEW IS NOT DISTINCT FROM allowed
            AND (OLD.user_id IS NOT NULL OR NEW.username IS DISTINCT FROM OLD.username) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

PG_PURGE = f"""
CREATE FUNCTION opsboard_auditevent_purge(before timestamptz) RETURNS bigint AS $$
DECLARE
    removed bigint;
BEGIN
    IF before > now() - interval '30 days' THEN
        RAISE EXCEPTION '{PURGE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    PERFORM set_config('opsboard.audit_purge_before', before::text, true);
    DELETE FROM opsboard_auditevent WHERE at < before;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('opsboard.audit_purge_before', '', true);
    RETURN removed;
END;
$$ LANGUAGE plpgsql;
"""

# As opsboard/migrations/0002_audit_log.py made it.
PG_FUNCTION_OLD = f"""
CREATE OR REPLACE FUNCTION opsboard_auditevent_refuse_change() RETURNS trigger AS $$
DECLARE
    unlinked opsboard_auditevent%ROWTYPE;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL THEN
        unlinked := OLD;
        unlinked.user_id := NULL;
        IF NEW IS NOT DISTINCT FROM unlinked THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

POSTGRESQL_FORWARD = [PG_FUNCTION_NEW, PG_PURGE]
POSTGRESQL_BACKWARD = [
    "DROP FUNCTION IF EXISTS opsboard_auditevent_purge(timestamptz);",
    PG_FUNCTION_OLD,
]


def _sqlite_trigger(username_rule: str, link_rule: str) -> str:
    # Every column but user_id (and username, by the rule) must stay as it was.
    return f"""
    CREATE TRIGGER opsboard_auditevent_append_only
    BEFORE UPDATE ON opsboard_auditevent
    WHEN NOT (
        NEW.user_id IS NULL AND ({link_rule})
        AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
        AND ({username_rule}) AND NEW.ip_address IS OLD.ip_address
        AND NEW.what IS OLD.what AND NEW.detail IS OLD.detail
    )
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """


_SQLITE_PSEUDONYM = "NEW.username GLOB 'personel-[0-9]*' AND NEW.username NOT GLOB 'personel-*[^0-9]*'"
SQLITE_DROP = "DROP TRIGGER IF EXISTS opsboard_auditevent_append_only;"
SQLITE_FORWARD = [
    SQLITE_DROP,
    _sqlite_trigger(
        f"NEW.username IS OLD.username OR ({_SQLITE_PSEUDONYM})",
        "OLD.user_id IS NOT NULL OR NEW.username IS NOT OLD.username",
    ),
]
SQLITE_BACKWARD = [
    SQLITE_DROP,
    _sqlite_trigger("NEW.username IS OLD.username", "OLD.user_id IS NOT NULL"),
]


def _run(schema_editor, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    statements = {
        ("postgresql", True): POSTGRESQL_FORWARD,
        ("postgresql", False): POSTGRESQL_BACKWARD,
        ("sqlite", True): SQLITE_FORWARD,
        ("sqlite", False): SQLITE_BACKWARD,
    }.get((vendor, forward))
    if statements is None:
        raise RuntimeError(f"No audit-log trigger for database vendor {vendor!r}.")
    for sql in statements:
        schema_editor.execute(sql, params=None)  # None: "%ROWTYPE" is no placeholder


def forwards(apps, schema_editor):
    _run(schema_editor, forward=True)


def backwards(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_moved_from_opsboard"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
