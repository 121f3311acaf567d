"""The audit log (audit.models.AuditEvent), and the database's refusal to rewrite it.

Lines are only ever added. On PostgreSQL a trigger refuses every UPDATE and DELETE of a line,
whoever sends it (a shell, a script, a future bug), except the one update Django itself makes
when an account is deleted: ``user_id`` set to NULL with nothing else changed (SET_NULL; the
line keeps the username). TRUNCATE, which only the table's owner may run and which Django's
``flush`` and the test suite use to empty every table, is not a row change and stays possible.

On SQLite the same trigger refuses updates. Deleting is not refused there: Django's ``flush``
(the test suite's teardown of every transactional test, ``manage.py flush``) empties tables with
DELETE, which a trigger cannot tell apart from deleting one line, and SQLite serves only the
embedded demo.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MESSAGE = "opsboard_auditevent_append_only: log audit hanya bisa ditambah"

POSTGRESQL = [
    (
        f"""
        CREATE FUNCTION opsboard_auditevent_refuse_change() RETURNS trigger AS $$
        DECLARE
            unlinked opsboard_auditevent%ROWTYPE;
        BEGIN
            -- Deleting an account sets user_id to NULL (on_delete=SET_NULL): allowed, and
            -- only when nothing else of the line changes.
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
        """,
        "DROP FUNCTION IF EXISTS opsboard_auditevent_refuse_change();",
    ),
    (
        """
        CREATE TRIGGER opsboard_auditevent_append_only
        BEFORE UPDATE OR DELETE ON opsboard_auditevent
        FOR EACH ROW EXECUTE FUNCTION opsboard_auditevent_refuse_change();
        """,
        "DROP TRIGGER IF EXISTS opsboard_auditevent_append_only ON opsboard_auditevent;",
    ),
]

# Every column but user_id must stay as it was; a column added later belongs in this list.
SQLITE = [
    (
        f"""
        CREATE TRIGGER opsboard_auditevent_append_only
        BEFORE UPDATE ON opsboard_auditevent
        WHEN NOT (
            OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
            AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
            AND NEW.username IS OLD.username AND NEW.ip_address IS OLD.ip_address
            AND NEW.what IS OLD.what AND NEW.detail IS OLD.detail
        )
        BEGIN
            SELECT RAISE(ABORT, '{MESSAGE}');
        END;
        """,
        "DROP TRIGGER IF EXISTS opsboard_auditevent_append_only;",
    ),
]


def _statements(schema_editor, forward: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    pairs = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if pairs is None:
        raise RuntimeError(f"No audit-log trigger for database vendor {vendor!r}.")
    return [create for create, _drop in pairs] if forward else [d for _c, d in reversed(pairs)]


def create_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=True):
        schema_editor.execute(sql, params=None)  # None: "%ROWTYPE" is no placeholder


def drop_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('opsboard', '0001_field_reporting'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, help_text='Waktu nyata, bukan jam operasi.', verbose_name='waktu')),
                ('kind', models.CharField(choices=[('sign_in', 'Masuk'), ('sign_in_link', 'Masuk lewat tautan'), ('sign_in_failed', 'Gagal masuk'), ('sign_out', 'Keluar'), ('export', 'Ekspor')], max_length=20, verbose_name='jenis')),
                ('username', models.CharField(blank=True, help_text='Seperti diketik saat masuk gagal (dipotong); tetap ada bila akun dihapus.', max_length=150, verbose_name='nama pengguna')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='alamat IP')),
                ('what', models.CharField(blank=True, help_text='Alamat halaman: tempat masuk, atau ekspor yang diunduh atau dicetak.', max_length=200, verbose_name='apa')),
                ('detail', models.JSONField(blank=True, default=dict, help_text='Untuk ekspor: berkas, format, filter atau cakupan, dan jumlah baris.', verbose_name='rincian')),
                ('user', models.ForeignKey(blank=True, help_text='Kosong bila akunnya sudah dihapus, atau bila masuk gagal.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='akun')),
            ],
            options={
                'verbose_name': 'catatan audit',
                'verbose_name_plural': 'log audit',
                'ordering': ['-at', '-pk'],
                'default_permissions': ('view',),
                'indexes': [models.Index(fields=['-at'], name='opsboard_au_at_bb8fa4_idx'), models.Index(fields=['kind', '-at'], name='opsboard_au_kind_4e3e21_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['sign_in', 'sign_in_link', 'sign_in_failed', 'sign_out', 'export'])), name='opsboard_auditevent_kind_valid'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'export'), _negated=True), models.Q(('what', ''), _negated=True), _connector='OR'), name='opsboard_auditevent_export_names_what'), models.CheckConstraint(condition=models.Q(('kind', 'sign_in_failed'), models.Q(('username', ''), _negated=True), _connector='OR'), name='opsboard_auditevent_username_present')],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
