# Logistics custody (issue #19): places, batches, vehicles, legs and their flags.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deployments', '0012_dispatch_duty'),
        ('field', '0009_turnout_service'),
        ('tps', '0002_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LogisticsBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('direction', models.CharField(choices=[('distribusi', 'Distribusi (gudang KPU → TPS)'), ('pengembalian', 'Pengembalian (TPS → gudang KPU)')], max_length=12, verbose_name='arah')),
                ('code', models.CharField(help_text='Mis. “MJR-D-01”.', max_length=40, unique=True, verbose_name='kode kloter')),
                ('boxes', models.PositiveIntegerField(help_text='Jumlah kotak dimuat.', verbose_name='kotak suara')),
                ('ballots', models.PositiveIntegerField(help_text='Jumlah surat suara.', verbose_name='surat suara')),
                ('note', models.TextField(blank=True, max_length=1000, verbose_name='catatan')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='tercatat')),
                ('escorts', models.ManyToManyField(blank=True, help_text='Pos pengawalan logistik yang mengawal kloter ini (personelnya dari penugasan).', limit_choices_to={'kind': 'pengawalan_logistik'}, related_name='logistics_batches', to='deployments.post', verbose_name='pengawalan')),
                ('kecamatan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tps.kecamatan', verbose_name='kecamatan')),
            ],
            options={
                'verbose_name': 'kloter logistik',
                'verbose_name_plural': 'kloter logistik',
                'ordering': ['kecamatan__name', 'direction', 'code'],
            },
        ),
        migrations.CreateModel(
            name='LogisticsLeg',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(verbose_name='urutan')),
                ('planned_departure', models.DateTimeField(verbose_name='rencana berangkat')),
                ('planned_arrival', models.DateTimeField(verbose_name='rencana tiba')),
                ('departed_at', models.DateTimeField(blank=True, null=True, verbose_name='berangkat')),
                ('sent_boxes', models.PositiveIntegerField(blank=True, help_text='Dihitung saat berangkat.', null=True, verbose_name='kotak diberangkatkan')),
                ('sent_ballots', models.PositiveIntegerField(blank=True, null=True, verbose_name='surat suara diberangkatkan')),
                ('arrived_at', models.DateTimeField(blank=True, null=True, verbose_name='tiba')),
                ('handed_over_at', models.DateTimeField(blank=True, null=True, verbose_name='serah terima')),
                ('received_boxes', models.PositiveIntegerField(blank=True, null=True, verbose_name='kotak diterima')),
                ('received_ballots', models.PositiveIntegerField(blank=True, null=True, verbose_name='surat suara diterima')),
                ('received_by_name', models.CharField(blank=True, max_length=150, verbose_name='diterima oleh')),
                ('received_by_role', models.CharField(blank=True, help_text='Mis. Ketua PPK.', max_length=100, verbose_name='jabatan penerima')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='legs', to='field.logisticsbatch', verbose_name='kloter')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dicatat oleh')),
            ],
            options={
                'verbose_name': 'perjalanan logistik',
                'verbose_name_plural': 'perjalanan logistik',
                'ordering': ['batch', 'order'],
            },
        ),
        migrations.CreateModel(
            name='LogisticsFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('terlambat', 'Terlambat dari rencana'), ('selisih', 'Jumlah serah terima tidak cocok')], max_length=10, verbose_name='alasan')),
                ('raised_at', models.DateTimeField(help_text='Waktu operasi.', verbose_name='ditandai')),
                ('incident', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='logistics_flag', to='field.incident', verbose_name='kejadian')),
                ('leg', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='field.logisticsleg', verbose_name='perjalanan')),
            ],
            options={
                'verbose_name': 'tanda logistik',
                'verbose_name_plural': 'tanda logistik',
                'ordering': ['-raised_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='LogisticsPlace',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('gudang_kpu', 'Gudang KPU'), ('ppk', 'PPK (kecamatan)'), ('pps', 'PPS (desa/kelurahan)'), ('tps', 'TPS')], max_length=12, verbose_name='jenis')),
                ('name', models.CharField(max_length=150, verbose_name='nama')),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='lintang')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='bujur')),
                ('desa', models.ForeignKey(blank=True, help_text='Wajib untuk PPS.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tps.desa', verbose_name='desa/kelurahan')),
                ('kecamatan', models.ForeignKey(blank=True, help_text='Wajib untuk PPK.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tps.kecamatan', verbose_name='kecamatan')),
                ('tps', models.ForeignKey(blank=True, help_text='Wajib untuk TPS.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tps.tps', verbose_name='TPS')),
            ],
            options={
                'verbose_name': 'titik logistik',
                'verbose_name_plural': 'titik logistik',
                'ordering': ['kind', 'name'],
            },
        ),
        migrations.AddField(
            model_name='logisticsleg',
            name='destination',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='field.logisticsplace', verbose_name='ke'),
        ),
        migrations.AddField(
            model_name='logisticsleg',
            name='origin',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='field.logisticsplace', verbose_name='dari'),
        ),
        migrations.CreateModel(
            name='LogisticsVehicle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('plate', models.CharField(help_text='Mis. AG 1234 XY.', max_length=12, validators=[django.core.validators.RegexValidator('^[A-Z]{1,2} [1-9][0-9]{0,3}( [A-Z]{1,3})?$', 'Nomor polisi tidak sah: tulis seperti “AG 1234 XY” (huruf, angka, huruf).')], verbose_name='nomor polisi')),
                ('description', models.CharField(blank=True, max_length=100, verbose_name='keterangan')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='vehicles', to='field.logisticsbatch', verbose_name='kloter')),
            ],
            options={
                'verbose_name': 'kendaraan',
                'verbose_name_plural': 'kendaraan',
                'ordering': ['batch', 'plate'],
            },
        ),
        migrations.AddConstraint(
            model_name='logisticsbatch',
            constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['distribusi', 'pengembalian'])), name='field_logisticsbatch_direction_valid'),
        ),
        migrations.AddConstraint(
            model_name='logisticsbatch',
            constraint=models.CheckConstraint(condition=models.Q(('ballots__gte', 0), ('boxes__gte', 0)), name='field_logisticsbatch_counts_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='logisticsflag',
            constraint=models.UniqueConstraint(fields=('leg', 'reason'), name='field_logisticsflag_unique'),
        ),
        migrations.AddConstraint(
            model_name='logisticsflag',
            constraint=models.CheckConstraint(condition=models.Q(('reason__in', ['terlambat', 'selisih'])), name='field_logisticsflag_reason_valid'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.UniqueConstraint(fields=('kind', 'name'), name='field_logisticsplace_unique'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['gudang_kpu', 'ppk', 'pps', 'tps'])), name='field_logisticsplace_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'ppk'), _negated=True), ('kecamatan__isnull', False), _connector='OR'), name='field_logisticsplace_ppk_has_kecamatan'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'pps'), _negated=True), ('desa__isnull', False), _connector='OR'), name='field_logisticsplace_pps_has_desa'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'tps'), _negated=True), ('tps__isnull', False), _connector='OR'), name='field_logisticsplace_tps_has_tps'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('latitude', None), ('longitude', None)), models.Q(('latitude__isnull', False), ('longitude__isnull', False)), _connector='OR'), name='field_logisticsplace_position_complete'),
        ),
        migrations.AddConstraint(
            model_name='logisticsplace',
            constraint=models.CheckConstraint(condition=models.Q(('tps__isnull', False), ('desa__isnull', False), models.Q(('latitude__isnull', False), ('longitude__isnull', False)), _connector='OR'), name='field_logisticsplace_located'),
        ),
        migrations.AddIndex(
            model_name='logisticsleg',
            index=models.Index(fields=['arrived_at', 'planned_arrival'], name='field_logis_arrived_8b6d89_idx'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.UniqueConstraint(fields=('batch', 'order'), name='field_logisticsleg_order_unique'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(('planned_arrival__gt', models.F('planned_departure'))), name='field_logisticsleg_plan_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(('origin', models.F('destination')), _negated=True), name='field_logisticsleg_moves'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('departed_at', None), ('sent_ballots', None), ('sent_boxes', None)), models.Q(('departed_at__isnull', False), ('sent_ballots__isnull', False), ('sent_boxes__isnull', False)), _connector='OR'), name='field_logisticsleg_departure_counted'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(('arrived_at__isnull', True), models.Q(('arrived_at__gte', models.F('departed_at')), ('departed_at__isnull', False)), _connector='OR'), name='field_logisticsleg_arrival_after_departure'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(('handed_over_at__isnull', True), models.Q(('arrived_at__isnull', False), ('handed_over_at__gte', models.F('arrived_at'))), _connector='OR'), name='field_logisticsleg_handover_after_arrival'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('handed_over_at', None), ('received_ballots', None), ('received_boxes', None), ('received_by_name', '')), models.Q(('handed_over_at__isnull', False), ('received_ballots__isnull', False), ('received_boxes__isnull', False), models.Q(('received_by_name', ''), _negated=True)), _connector='OR'), name='field_logisticsleg_handover_complete'),
        ),
        migrations.AddConstraint(
            model_name='logisticsleg',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('sent_boxes', None), ('sent_boxes__gte', 0), _connector='OR'), models.Q(('sent_ballots', None), ('sent_ballots__gte', 0), _connector='OR'), models.Q(('received_boxes', None), ('received_boxes__gte', 0), _connector='OR'), models.Q(('received_ballots', None), ('received_ballots__gte', 0), _connector='OR')), name='field_logisticsleg_counts_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='logisticsvehicle',
            constraint=models.UniqueConstraint(fields=('batch', 'plate'), name='field_logisticsvehicle_unique'),
        ),
        migrations.AddConstraint(
            model_name='logisticsvehicle',
            constraint=models.CheckConstraint(condition=models.Q(('plate__regex', '^[A-Z]{1,2} [1-9][0-9]{0,3}( [A-Z]{1,3})?$')), name='field_logisticsvehicle_plate_shape'),
        ),
    ]
