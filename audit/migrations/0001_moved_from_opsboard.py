"""The audit log's model, moved here from the project app by state only.

Its table, constraints and the PostgreSQL trigger that refuses UPDATE and DELETE stay as
opsboard/migrations/0002 made them (``db_table`` keeps ``opsboard_auditevent``).
"""


import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('opsboard', '0002_audit_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
                        'db_table': 'opsboard_auditevent',
                        'ordering': ['-at', '-pk'],
                        'default_permissions': ('view',),
                        'indexes': [models.Index(fields=['-at'], name='opsboard_au_at_bb8fa4_idx'), models.Index(fields=['kind', '-at'], name='opsboard_au_kind_4e3e21_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['sign_in', 'sign_in_link', 'sign_in_failed', 'sign_out', 'export'])), name='opsboard_auditevent_kind_valid'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'export'), _negated=True), models.Q(('what', ''), _negated=True), _connector='OR'), name='opsboard_auditevent_export_names_what'), models.CheckConstraint(condition=models.Q(('kind', 'sign_in_failed'), models.Q(('username', ''), _negated=True), _connector='OR'), name='opsboard_auditevent_username_present')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
