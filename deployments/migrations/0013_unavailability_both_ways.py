"""An unavailable person cannot be on duty, whichever is written first (issue #18).

0011's trigger refuses a duty over a period of unavailability on PostgreSQL. This adds the
other way round — a period of unavailability over a duty the person holds — and makes the two
safe against each other: each trigger first locks the person's row (a key-share lock for a duty,
the lock its foreign key takes anyway; an update lock for a period, which waits for it), so a
duty and a period written at the same moment by two sessions cannot both pass. On SQLite, which
writes one transaction at a time, the same two rules hold without the locks, so that `make
run`'s database refuses what production refuses.
"""

from django.db import migrations

from core.db.operations import PostgreSQLOnlySQL

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION deployments_assignment_available() RETURNS trigger AS $$
    BEGIN
      IF NEW.status <> 'cancelled' THEN
        PERFORM 1 FROM deployments_personnel WHERE id = NEW.personnel_id FOR KEY SHARE;
        IF EXISTS (
          SELECT 1 FROM deployments_unavailability u
          WHERE u.personnel_id = NEW.personnel_id
            AND u.starts_at < NEW.ends_at AND u.ends_at > NEW.starts_at
        ) THEN
          RAISE EXCEPTION 'deployments_assignment_unavailable' USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE FUNCTION deployments_unavailability_free() RETURNS trigger AS $$
    BEGIN
      PERFORM 1 FROM deployments_personnel WHERE id = NEW.personnel_id FOR UPDATE;
      IF EXISTS (SELECT 1 FROM deployments_assignment a
          WHERE a.personnel_id = NEW.personnel_id AND a.status <> 'cancelled'
            AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at) THEN
        RAISE EXCEPTION 'deployments_unavailability_over_duty' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER deployments_unavailability_free BEFORE INSERT OR UPDATE
    ON deployments_unavailability FOR EACH ROW EXECUTE FUNCTION deployments_unavailability_free();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER deployments_unavailability_free ON deployments_unavailability",
    "DROP FUNCTION deployments_unavailability_free()",
    """
    CREATE OR REPLACE FUNCTION deployments_assignment_available() RETURNS trigger AS $$
    BEGIN
      IF NEW.status <> 'cancelled' AND EXISTS (
        SELECT 1 FROM deployments_unavailability u
        WHERE u.personnel_id = NEW.personnel_id
          AND u.starts_at < NEW.ends_at AND u.ends_at > NEW.starts_at
      ) THEN
        RAISE EXCEPTION 'deployments_assignment_unavailable' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
]

SQLITE = [
    (
        """
        CREATE TRIGGER deployments_assignment_available_insert
        BEFORE INSERT ON deployments_assignment
        WHEN NEW.status <> 'cancelled' AND EXISTS (
            SELECT 1 FROM deployments_unavailability u
            WHERE u.personnel_id = NEW.personnel_id
              AND u.starts_at < NEW.ends_at AND u.ends_at > NEW.starts_at
        )
        BEGIN
            SELECT RAISE(ABORT, 'deployments_assignment_unavailable');
        END;
        """,
        "DROP TRIGGER IF EXISTS deployments_assignment_available_insert;",
    ),
    (
        """
        CREATE TRIGGER deployments_assignment_available_update
        BEFORE UPDATE ON deployments_assignment
        WHEN NEW.status <> 'cancelled' AND EXISTS (
            SELECT 1 FROM deployments_unavailability u
            WHERE u.personnel_id = NEW.personnel_id
              AND u.starts_at < NEW.ends_at AND u.ends_at > NEW.starts_at
        )
        BEGIN
            SELECT RAISE(ABORT, 'deployments_assignment_unavailable');
        END;
        """,
        "DROP TRIGGER IF EXISTS deployments_assignment_available_update;",
    ),
    (
        """
        CREATE TRIGGER deployments_unavailability_free_insert
        BEFORE INSERT ON deployments_unavailability
        WHEN EXISTS (
            SELECT 1 FROM deployments_assignment a
            WHERE a.personnel_id = NEW.personnel_id AND a.status <> 'cancelled'
              AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
        )
        BEGIN
            SELECT RAISE(ABORT, 'deployments_unavailability_over_duty');
        END;
        """,
        "DROP TRIGGER IF EXISTS deployments_unavailability_free_insert;",
    ),
    (
        """
        CREATE TRIGGER deployments_unavailability_free_update
        BEFORE UPDATE ON deployments_unavailability
        WHEN EXISTS (
            SELECT 1 FROM deployments_assignment a
            WHERE a.personnel_id = NEW.personnel_id AND a.status <> 'cancelled'
              AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
        )
        BEGIN
            SELECT RAISE(ABORT, 'deployments_unavailability_over_duty');
        END;
        """,
        "DROP TRIGGER IF EXISTS deployments_unavailability_free_update;",
    ),
]


def _sqlite(schema_editor, *, forward: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    pairs = SQLITE if forward else list(reversed(SQLITE))
    for create, drop in pairs:
        schema_editor.execute(create if forward else drop)


def sqlite_forward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=True)


def sqlite_backward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("deployments", "0012_dispatch_duty")]

    operations = [
        PostgreSQLOnlySQL(sql=POSTGRESQL_FORWARD, reverse_sql=POSTGRESQL_BACKWARD),
        migrations.RunPython(sqlite_forward, sqlite_backward),
    ]
