"""The special report (laporan khusus, issue #19), and the database's refusal to change a
signed one: the same rule as the daily report's (0004), through core's operation."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.db.operations import RefuseUpdateOnceSigned


class Migration(migrations.Migration):
    dependencies = [
        ("field", "0019_notification_kind_level"),
        ("opsboard", "0004_daily_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SpecialReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        blank=True,
                        help_text="Wajib untuk setiap revisi.",
                        max_length=8000,
                        verbose_name="alasan koreksi",
                    ),
                ),
                ("generated_at", models.DateTimeField(verbose_name="dibuat pada")),
                (
                    "edited_by_name",
                    models.CharField(
                        blank=True, max_length=150, verbose_name="terakhir diubah oleh"
                    ),
                ),
                (
                    "signed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="ditandatangani pada"),
                ),
                (
                    "signed_by_name",
                    models.CharField(blank=True, max_length=150, verbose_name="nama penandatangan"),
                ),
                (
                    "revision",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0 untuk laporan pertama kejadian ini.",
                        verbose_name="revisi ke",
                    ),
                ),
                (
                    "facts",
                    models.JSONField(
                        default=dict,
                        help_text="Fakta kejadian, dibaca dari data Opsboard saat laporan dibuat.",
                        verbose_name="fakta",
                    ),
                ),
                ("subject", models.CharField(max_length=200, verbose_name="perihal")),
                (
                    "summary",
                    models.TextField(
                        blank=True,
                        help_text="Ditulis Kabag Ops: apa yang terjadi, siapa terlibat, bagaimana akhirnya.",
                        max_length=8000,
                        verbose_name="pokok kejadian",
                    ),
                ),
                (
                    "casualties",
                    models.TextField(
                        blank=True,
                        help_text="Kosong berarti tidak ada yang dilaporkan.",
                        max_length=8000,
                        verbose_name="korban dan kerugian",
                    ),
                ),
                (
                    "actions_note",
                    models.TextField(
                        blank=True,
                        help_text="Di luar personel yang dikirim dan linimasa yang tercatat di Opsboard.",
                        max_length=8000,
                        verbose_name="tindakan kepolisian",
                    ),
                ),
                ("analysis", models.TextField(blank=True, max_length=8000, verbose_name="analisa")),
                (
                    "recommendation",
                    models.TextField(
                        blank=True, max_length=8000, verbose_name="saran dan tindak lanjut"
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="special_reports",
                        to="field.incident",
                        verbose_name="kejadian",
                    ),
                ),
                (
                    "revises",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrected_by",
                        to="opsboard.specialreport",
                        verbose_name="mengoreksi",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditandatangani oleh",
                    ),
                ),
            ],
            options={
                "verbose_name": "laporan khusus",
                "verbose_name_plural": "laporan khusus",
                "ordering": ["-generated_at", "-revision"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("incident", "revision"),
                        name="opsboard_specialreport_unique_revision",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("subject", ""), _negated=True),
                        name="opsboard_specialreport_has_subject",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reason", ""), ("revises__isnull", True), ("revision", 0)),
                            models.Q(
                                ("revises__isnull", False),
                                ("revision__gte", 1),
                                models.Q(("reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="opsboard_specialreport_revision_has_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("signed_at__isnull", True), ("signed_by_name", "")),
                            models.Q(
                                ("signed_at__isnull", False),
                                models.Q(("signed_by_name", ""), _negated=True),
                                models.Q(("summary", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="opsboard_specialreport_signed_has_signer",
                    ),
                ],
            },
        ),
        RefuseUpdateOnceSigned(table="opsboard_specialreport"),
    ]
