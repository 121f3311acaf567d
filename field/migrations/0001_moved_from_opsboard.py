"""The field officers' models, moved here from the project app by state only.

Their tables stay where opsboard/migrations/0001 created them (``db_table`` keeps the
``opsboard_`` names), so nothing is renamed or rebuilt; opsboard/migrations/0003 removes the models
from the project app's state and carries their content types over.
"""


import django.db.models.deletion
import field.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('opsboard', '0002_audit_log'),
        ('deployments', '0006_coverage_tps_composite_key'),
        ('tps', '0002_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Instruction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=1000, verbose_name='instruksi')),
                        ('created_at', models.DateTimeField(help_text='Waktu operasi.', verbose_name='dibuat')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='ditarik')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dari')),
                        ('desa', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tps.desa', verbose_name='desa/kelurahan')),
                        ('kecamatan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tps.kecamatan', verbose_name='kecamatan')),
                    ],
                    options={
                        'verbose_name': 'instruksi',
                        'verbose_name_plural': 'instruksi',
                        'db_table': 'opsboard_instruction',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='InstructionAck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(help_text='Waktu operasi.', verbose_name='waktu')),
                        ('instruction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acks', to='field.instruction', verbose_name='instruksi')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='instruction_acks', to='deployments.personnel', verbose_name='personel')),
                    ],
                    options={
                        'verbose_name': 'tanda terima instruksi',
                        'verbose_name_plural': 'tanda terima instruksi',
                        'db_table': 'opsboard_instructionack',
                    },
                ),
                migrations.CreateModel(
                    name='SignInLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat')),
                        ('expires_at', models.DateTimeField(help_text='Akhir penugasan terakhir orang ini ditambah masa tenggang (waktu nyata).', verbose_name='berlaku sampai')),
                        ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='dipakai')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='dicabut')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dibuat oleh')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signin_links', to='deployments.personnel', verbose_name='personel')),
                    ],
                    options={
                        'verbose_name': 'tautan masuk',
                        'verbose_name_plural': 'tautan masuk',
                        'db_table': 'opsboard_signinlink',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SituationReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('via_posko', models.BooleanField(default=False, help_text='Dicatat operator Posko atas nama petugas yang melapor lewat telepon/radio.', verbose_name='lewat Posko')),
                        ('kind', models.CharField(choices=[('aman', 'Aman'), ('gangguan', 'Gangguan'), ('hoaks', 'Hoaks'), ('lainnya', 'Lainnya')], max_length=10, verbose_name='jenis')),
                        ('text', models.TextField(blank=True, max_length=1000, verbose_name='isi laporan')),
                        ('photo', models.FileField(blank=True, max_length=200, storage=field.models.PrivatePhotoStorage(), upload_to='laporan/', verbose_name='foto')),
                        ('urgent', models.BooleanField(default=False, help_text='Ditandai untuk pimpinan di dasbor.', verbose_name='mendesak')),
                        ('at', models.DateTimeField(help_text='Waktu operasi saat dilaporkan.', verbose_name='waktu')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='tercatat')),
                        ('idempotency_key', models.UUIDField(help_text='Dari ponsel: laporan yang dikirim ulang setelah luring disimpan sekali.')),
                        ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='ditangani')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
                        ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ditangani oleh')),
                        ('person', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='situation_reports', to='deployments.personnel', verbose_name='pelapor')),
                        ('tps', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='situation_reports', to='tps.tps', verbose_name='TPS')),
                    ],
                    options={
                        'verbose_name': 'laporan situasi',
                        'verbose_name_plural': 'laporan situasi',
                        'db_table': 'opsboard_situationreport',
                        'ordering': ['-at', '-pk'],
                        'permissions': [('record_via_posko', 'Dapat mencatat laporan lapangan atas nama petugas (operator Posko)')],
                    },
                ),
                migrations.CreateModel(
                    name='TPSStatusStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('via_posko', models.BooleanField(default=False, help_text='Dicatat operator Posko atas nama petugas yang melapor lewat telepon/radio.', verbose_name='lewat Posko')),
                        ('step', models.PositiveSmallIntegerField(choices=[(1, 'Petugas pengamanan hadir (H-1)'), (2, 'TPS dibuka'), (3, 'Pemungutan suara ditutup'), (4, 'Penghitungan suara selesai'), (5, 'Kotak suara dikawal ke PPS'), (6, 'Kotak suara diserahkan di PPK')], verbose_name='tahap')),
                        ('at', models.DateTimeField(help_text='Waktu operasi saat dilaporkan.', verbose_name='waktu')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='tercatat')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
                        ('person', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='status_steps', to='deployments.personnel', verbose_name='dilaporkan oleh')),
                        ('tps', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_steps', to='tps.tps', verbose_name='TPS')),
                    ],
                    options={
                        'verbose_name': 'status TPS',
                        'verbose_name_plural': 'status TPS',
                        'db_table': 'opsboard_tpsstatusstep',
                        'ordering': ['tps', 'step'],
                    },
                ),
                migrations.CreateModel(
                    name='CheckIn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('via_posko', models.BooleanField(default=False, help_text='Dicatat operator Posko atas nama petugas yang melapor lewat telepon/radio.', verbose_name='lewat Posko')),
                        ('at', models.DateTimeField(help_text='Waktu operasi saat melapor.', verbose_name='waktu')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='tercatat')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='lintang')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='bujur')),
                        ('accuracy_m', models.PositiveIntegerField(blank=True, help_text='Akurasi posisi menurut ponsel.', null=True, verbose_name='akurasi (m)')),
                        ('distance_m', models.PositiveIntegerField(blank=True, help_text='Kosong: tanpa posisi.', null=True, verbose_name='jarak ke TPS (m)')),
                        ('far', models.BooleanField(default=False, help_text='Posisi lebih jauh dari batas (FIELD_CHECKIN_FAR_METRES) saat melapor.', verbose_name='jauh dari TPS')),
                        ('idempotency_key', models.UUIDField(blank=True, help_text='Dari ponsel: laporan yang dikirim ulang disimpan sekali.', null=True)),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
                        ('person', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='checkins', to='deployments.personnel', verbose_name='personel')),
                        ('phase', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkins', to='deployments.phase', verbose_name='tahapan')),
                        ('tps', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkins', to='tps.tps', verbose_name='TPS')),
                    ],
                    options={
                        'verbose_name': 'check-in',
                        'verbose_name_plural': 'check-in',
                        'db_table': 'opsboard_checkin',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['tps', '-at'], name='opsboard_ch_tps_id_9ef3f4_idx'), models.Index(fields=['phase', 'tps'], name='opsboard_ch_phase_i_596e80_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('latitude', None), ('longitude', None)), models.Q(('latitude__gte', -90), ('latitude__lte', 90), ('longitude__gte', -180), ('longitude__lte', 180)), _connector='OR'), name='opsboard_checkin_position_complete'), models.CheckConstraint(condition=models.Q(('far', False), ('distance_m__isnull', False), _connector='OR'), name='opsboard_checkin_far_needs_distance'), models.UniqueConstraint(fields=('person', 'idempotency_key'), name='opsboard_checkin_unique_key')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='instruction',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('desa', None), ('kecamatan__isnull', False)), models.Q(('desa__isnull', False), ('kecamatan', None)), _connector='OR'), name='opsboard_instruction_one_area'),
                ),
                migrations.AddConstraint(
                    model_name='instructionack',
                    constraint=models.UniqueConstraint(fields=('instruction', 'person'), name='opsboard_instructionack_unique'),
                ),
                migrations.AddConstraint(
                    model_name='signinlink',
                    constraint=models.CheckConstraint(condition=models.Q(('used_at', None), ('revoked_at', None), _connector='OR'), name='opsboard_signinlink_used_or_revoked_not_both'),
                ),
                migrations.AddIndex(
                    model_name='situationreport',
                    index=models.Index(fields=['-at'], name='opsboard_si_at_ea70c6_idx'),
                ),
                migrations.AddIndex(
                    model_name='situationreport',
                    index=models.Index(fields=['kind', '-at'], name='opsboard_si_kind_fd7fab_idx'),
                ),
                migrations.AddConstraint(
                    model_name='situationreport',
                    constraint=models.UniqueConstraint(fields=('person', 'idempotency_key'), name='opsboard_situationreport_unique_key'),
                ),
                migrations.AddConstraint(
                    model_name='situationreport',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['aman', 'gangguan', 'hoaks', 'lainnya'])), name='opsboard_situationreport_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='situationreport',
                    constraint=models.CheckConstraint(condition=models.Q(('handled_by', None), ('handled_at__isnull', False), _connector='OR'), name='opsboard_situationreport_handler_needs_time'),
                ),
                migrations.AddConstraint(
                    model_name='tpsstatusstep',
                    constraint=models.UniqueConstraint(fields=('tps', 'step'), name='opsboard_tpsstatusstep_unique'),
                ),
                migrations.AddConstraint(
                    model_name='tpsstatusstep',
                    constraint=models.CheckConstraint(condition=models.Q(('step__gte', 1), ('step__lte', 6)), name='opsboard_tpsstatusstep_step_valid'),
                ),
            ],
            database_operations=[],
        ),
    ]
