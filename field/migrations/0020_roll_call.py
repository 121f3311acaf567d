"""The roll call (apel) of each duty: present, absent or late, one entry per duty, with its
history."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deployments', '0014_guarded_objects_and_shifts'),
        ('field', '0019_notification_kind_level'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalRollCall',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('present', 'Hadir'), ('absent', 'Tidak hadir'), ('late', 'Terlambat')], max_length=10, verbose_name='kehadiran')),
                ('late_minutes', models.PositiveSmallIntegerField(blank=True, help_text='Hanya untuk yang terlambat: menit sesudah apel dimulai.', null=True, verbose_name='terlambat (menit)')),
                ('source', models.CharField(choices=[('commander', 'Komandan pos'), ('posko', 'Posko')], max_length=10, verbose_name='dicatat lewat')),
                ('at', models.DateTimeField(help_text='Waktu operasi saat dicatat.', verbose_name='waktu')),
                ('recorded_at', models.DateTimeField(blank=True, editable=False, verbose_name='tercatat')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('duty', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deployments.assignment', verbose_name='penugasan')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'riwayat apel',
                'verbose_name_plural': 'historical apel',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='RollCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('present', 'Hadir'), ('absent', 'Tidak hadir'), ('late', 'Terlambat')], max_length=10, verbose_name='kehadiran')),
                ('late_minutes', models.PositiveSmallIntegerField(blank=True, help_text='Hanya untuk yang terlambat: menit sesudah apel dimulai.', null=True, verbose_name='terlambat (menit)')),
                ('source', models.CharField(choices=[('commander', 'Komandan pos'), ('posko', 'Posko')], max_length=10, verbose_name='dicatat lewat')),
                ('at', models.DateTimeField(help_text='Waktu operasi saat dicatat.', verbose_name='waktu')),
                ('recorded_at', models.DateTimeField(auto_now=True, verbose_name='tercatat')),
                ('duty', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='roll_call', to='deployments.assignment', verbose_name='penugasan')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'apel',
                'verbose_name_plural': 'apel',
                'ordering': ['-at', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['present', 'absent', 'late'])), name='field_rollcall_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('late_minutes__gte', 1), ('late_minutes__isnull', False), ('status', 'late')), models.Q(models.Q(('status', 'late'), _negated=True), ('late_minutes__isnull', True)), _connector='OR'), name='field_rollcall_late_has_minutes'), models.CheckConstraint(condition=models.Q(('source__in', ['commander', 'posko'])), name='field_rollcall_source_valid')],
            },
        ),
    ]
