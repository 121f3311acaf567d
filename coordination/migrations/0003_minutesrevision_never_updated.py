"""A published revision of the minutes is never updated: the database itself refuses it.

The model's clean() and the services refuse it first with a readable message; this trigger is
the guarantee for every other path (a shell, a script, a future bug). Deleting stays possible,
so that deleting a whole meeting (and the demo's --reset) still works.
"""

from django.db import migrations

MESSAGE = "coordination_minutesrevision_never_updated: buat revisi baru"

POSTGRESQL = [
    (
        f"""
        CREATE FUNCTION coordination_minutesrevision_refuse_update() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql;
        """,
        "DROP FUNCTION IF EXISTS coordination_minutesrevision_refuse_update();",
    ),
    (
        """
        CREATE TRIGGER coordination_minutesrevision_never_updated
        BEFORE UPDATE ON coordination_minutesrevision
        FOR EACH ROW EXECUTE FUNCTION coordination_minutesrevision_refuse_update();
        """,
        "DROP TRIGGER IF EXISTS coordination_minutesrevision_never_updated "
        "ON coordination_minutesrevision;",
    ),
]

SQLITE = [
    (
        f"""
        CREATE TRIGGER coordination_minutesrevision_never_updated
        BEFORE UPDATE ON coordination_minutesrevision
        BEGIN
            SELECT RAISE(ABORT, '{MESSAGE}');
        END;
        """,
        "DROP TRIGGER IF EXISTS coordination_minutesrevision_never_updated;",
    ),
]


def _statements(schema_editor, forward: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    pairs = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if pairs is None:
        raise RuntimeError(f"No minutes-revision trigger for database vendor {vendor!r}.")
    return [create for create, _drop in pairs] if forward else [d for _c, d in reversed(pairs)]


def create_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=True):
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0002_revisions_attachments_asta_siap")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
