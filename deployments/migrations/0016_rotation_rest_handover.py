"""Shifts (issue #18): the handover note between two shifts of a post, and two rules the
database holds on every write path, on PostgreSQL as on SQLite:

- the minimum rest between two shift duties of one person (deployments/models/rest.py): the
  trigger reads SHIFT_MIN_REST_HOURS from the connection (on PostgreSQL the session parameter
  opsboard.shift_min_rest_hours that settings.py passes at connect, 8 h when a session has none;
  on SQLite the function opsboard_shift_min_rest_seconds() deployments.apps registers). On
  PostgreSQL it first locks the person's row (FOR NO KEY UPDATE: two writers of the same
  person's shift duties wait for each other; a foreign key's key-share lock does not), so two
  sessions cannot each write a duty too close to the other's;
- a handover note goes to a shift of the same post, and once acknowledged it is not changed.

SQLite remakes a table to add a constraint and the remade table loses its triggers: a later
migration that remakes deployments_assignment on SQLite drops these too, and must make them
again as 0014 does for 0013's (sqlite_forward / sqlite_backward below).
"""

import django.db.models.deletion
from django.db import migrations, models

from core.db.operations import PostgreSQLOnlySQL

_REST_CONDITION = """
    a.personnel_id = NEW.personnel_id AND a.id <> NEW.id
    AND a.shift_id IS NOT NULL AND a.shift_id <> NEW.shift_id AND a.status <> 'cancelled'
    AND NOT (a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at)
"""

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION deployments_assignment_rest() RETURNS trigger AS $$
    DECLARE
      rest interval := make_interval(hours => coalesce(
        nullif(current_setting('opsboard.shift_min_rest_hours', true), ''), '8')::int);
    BEGIN
      IF NEW.shift_id IS NOT NULL AND NEW.status <> 'cancelled' AND rest > interval '0' THEN
        PERFORM 1 FROM deployments_personnel WHERE id = NEW.personnel_id FOR NO KEY UPDATE;
        IF EXISTS (
          SELECT 1 FROM deployments_assignment a WHERE {_REST_CONDITION}
            AND a.starts_at < NEW.ends_at + rest AND a.ends_at > NEW.starts_at - rest
        ) THEN
          RAISE EXCEPTION 'deployments_assignment_rest' USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER deployments_assignment_rest BEFORE INSERT OR UPDATE
    ON deployments_assignment FOR EACH ROW EXECUTE FUNCTION deployments_assignment_rest();
    """,
    """
    CREATE FUNCTION deployments_handovernote_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION 'deployments_handovernote_acknowledged' USING ERRCODE = 'check_violation';
      END IF;
      IF (SELECT post_id FROM deployments_shift WHERE id = NEW.from_shift_id)
         IS DISTINCT FROM (SELECT post_id FROM deployments_shift WHERE id = NEW.to_shift_id) THEN
        RAISE EXCEPTION 'deployments_handovernote_same_post' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER deployments_handovernote_guard BEFORE INSERT OR UPDATE
    ON deployments_handovernote FOR EACH ROW EXECUTE FUNCTION deployments_handovernote_guard();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER deployments_handovernote_guard ON deployments_handovernote",
    "DROP FUNCTION deployments_handovernote_guard()",
    "DROP TRIGGER deployments_assignment_rest ON deployments_assignment",
    "DROP FUNCTION deployments_assignment_rest()",
]

# SQLite compares the stored UTC text of the times in whole seconds; on insert NEW.id is still
# NULL, so "another row" is written IS NOT.
_SQLITE_REST = """
    CREATE TRIGGER deployments_assignment_rest_{event}
    BEFORE {EVENT} ON deployments_assignment
    WHEN NEW.shift_id IS NOT NULL AND NEW.status <> 'cancelled' AND EXISTS (
        SELECT 1 FROM deployments_assignment a
        WHERE a.personnel_id = NEW.personnel_id AND a.id IS NOT NEW.id
          AND a.shift_id IS NOT NULL AND a.shift_id <> NEW.shift_id AND a.status <> 'cancelled'
          AND NOT (a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at)
          AND strftime('%s', a.starts_at) + 0
              < strftime('%s', NEW.ends_at) + opsboard_shift_min_rest_seconds()
          AND strftime('%s', a.ends_at) + 0
              > strftime('%s', NEW.starts_at) - opsboard_shift_min_rest_seconds()
    )
    BEGIN
        SELECT RAISE(ABORT, 'deployments_assignment_rest');
    END;
"""
_SQLITE_HANDOVER = """
    CREATE TRIGGER deployments_handovernote_guard_{event}
    BEFORE {EVENT} ON deployments_handovernote
    WHEN {frozen}(SELECT post_id FROM deployments_shift WHERE id = NEW.from_shift_id)
         IS NOT (SELECT post_id FROM deployments_shift WHERE id = NEW.to_shift_id)
    BEGIN
        SELECT RAISE(ABORT, 'deployments_handovernote_guard');
    END;
"""
SQLITE = [
    (
        _SQLITE_REST.format(event="insert", EVENT="INSERT"),
        "DROP TRIGGER IF EXISTS deployments_assignment_rest_insert;",
    ),
    (
        _SQLITE_REST.format(event="update", EVENT="UPDATE"),
        "DROP TRIGGER IF EXISTS deployments_assignment_rest_update;",
    ),
    (
        _SQLITE_HANDOVER.format(event="insert", EVENT="INSERT", frozen=""),
        "DROP TRIGGER IF EXISTS deployments_handovernote_guard_insert;",
    ),
    (
        _SQLITE_HANDOVER.format(
            event="update", EVENT="UPDATE", frozen="OLD.acknowledged_at IS NOT NULL OR "
        ),
        "DROP TRIGGER IF EXISTS deployments_handovernote_guard_update;",
    ),
]


def _sqlite(schema_editor, *, forward: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    pairs = SQLITE if forward else list(reversed(SQLITE))
    for create, drop in pairs:
        # No parameters: the trigger's strftime('%s') is not a placeholder.
        schema_editor.execute(create if forward else drop, params=None)


def sqlite_forward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=True)


def sqlite_backward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ('deployments', '0015_object_coverage'),
    ]

    operations = [
        migrations.CreateModel(
            name='HandoverNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='catatan')),
                ('written_at', models.DateTimeField(verbose_name='ditulis pada')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='diterima pada')),
                ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handover_notes_acknowledged', to='deployments.personnel', verbose_name='diterima oleh')),
                ('from_shift', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='handover_note', to='deployments.shift', verbose_name='regu yang menyerahkan')),
                ('to_shift', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='handover_notes_received', to='deployments.shift', verbose_name='regu yang menerima')),
                ('written_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='handover_notes_written', to='deployments.personnel', verbose_name='ditulis oleh')),
            ],
            options={
                'verbose_name': 'catatan serah terima',
                'verbose_name_plural': 'catatan serah terima',
                'ordering': ['-written_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('text__regex', '\\S')), name='deployments_handovernote_text_present'), models.CheckConstraint(condition=models.Q(('from_shift', models.F('to_shift')), _negated=True), name='deployments_handovernote_to_another_shift'), models.CheckConstraint(condition=models.Q(models.Q(('acknowledged_at__isnull', True), ('acknowledged_by__isnull', True)), models.Q(('acknowledged_at__isnull', False), ('acknowledged_by__isnull', False)), _connector='OR'), name='deployments_handovernote_ack_complete'), models.CheckConstraint(condition=models.Q(('acknowledged_at__isnull', True), ('acknowledged_at__gte', models.F('written_at')), _connector='OR'), name='deployments_handovernote_ack_after_writing')],
            },
        ),
        PostgreSQLOnlySQL(sql=POSTGRESQL_FORWARD, reverse_sql=POSTGRESQL_BACKWARD),
        migrations.RunPython(sqlite_forward, sqlite_backward),
    ]
