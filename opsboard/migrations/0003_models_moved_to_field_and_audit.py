"""The field officers' models and the audit log leave the project app, by state only.

``field`` and ``audit`` now own them (their 0001 migrations); the tables keep their names, rows,
constraints and the audit log's trigger. The content types move with the models, renamed in
place rather than recreated, so that every permission granted on them (``record_via_posko`` to
a Posko operator, ``view_auditevent`` to the Admin group) keeps pointing at the same row.
"""

from django.db import migrations

FIELD_MODELS = (
    "signinlink", "checkin", "tpsstatusstep", "situationreport", "instruction", "instructionack",
)


def _move_content_types(apps, schema_editor, *, old: str, field: str, audit: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model, target in [*((m, field) for m in FIELD_MODELS), ("auditevent", audit)]:
        # A type already created under the new label (a migrate interrupted after post_migrate)
        # holds no grants yet: the old row, which holds them, wins.
        if content_types.filter(app_label=old, model=model).exists():
            content_types.filter(app_label=target, model=model).delete()
            content_types.filter(app_label=old, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="opsboard", field="field", audit="audit")


def backwards(apps, schema_editor):
    for label in ("field", "audit"):
        _move_content_types(apps, schema_editor, old=label, field="opsboard", audit="opsboard")


class Migration(migrations.Migration):

    dependencies = [
        ("opsboard", "0002_audit_log"),
        ("field", "0001_moved_from_opsboard"),
        ("audit", "0001_moved_from_opsboard"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='checkin',
                    name='entered_by',
                ),
                migrations.RemoveField(
                    model_name='checkin',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='checkin',
                    name='phase',
                ),
                migrations.RemoveField(
                    model_name='checkin',
                    name='tps',
                ),
                migrations.RemoveField(
                    model_name='instruction',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='instruction',
                    name='desa',
                ),
                migrations.RemoveField(
                    model_name='instruction',
                    name='kecamatan',
                ),
                migrations.RemoveField(
                    model_name='instructionack',
                    name='instruction',
                ),
                migrations.RemoveField(
                    model_name='instructionack',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='signinlink',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='signinlink',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='situationreport',
                    name='entered_by',
                ),
                migrations.RemoveField(
                    model_name='situationreport',
                    name='handled_by',
                ),
                migrations.RemoveField(
                    model_name='situationreport',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='situationreport',
                    name='tps',
                ),
                migrations.RemoveField(
                    model_name='tpsstatusstep',
                    name='entered_by',
                ),
                migrations.RemoveField(
                    model_name='tpsstatusstep',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='tpsstatusstep',
                    name='tps',
                ),
                migrations.DeleteModel(
                    name='AuditEvent',
                ),
                migrations.DeleteModel(
                    name='CheckIn',
                ),
                migrations.DeleteModel(
                    name='Instruction',
                ),
                migrations.DeleteModel(
                    name='InstructionAck',
                ),
                migrations.DeleteModel(
                    name='SignInLink',
                ),
                migrations.DeleteModel(
                    name='SituationReport',
                ),
                migrations.DeleteModel(
                    name='TPSStatusStep',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
