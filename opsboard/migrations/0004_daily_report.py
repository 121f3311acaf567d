"""The daily report (issue #19), and the database's refusal to change a signed one.

The service refuses an edit of a signed report first, with a readable message; the trigger is
the guarantee for every other path (a shell, a script, a future bug), as for the rakor minutes
(coordination/0003). Deleting stays possible, as for the minutes: a test database's flush
deletes rows on SQLite.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MESSAGE = "opsboard_dailyreport_signed_locked: buat revisi baru"

POSTGRESQL = [
    (
        f"""
        CREATE FUNCTION opsboard_dailyreport_refuse_update() RETURNS trigger AS $$
        BEGIN
            IF OLD.signed_at IS NOT NULL THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        "DROP FUNCTION IF EXISTS opsboard_dailyreport_refuse_update();",
    ),
    (
        """
        CREATE TRIGGER opsboard_dailyreport_signed_locked
        BEFORE UPDATE ON opsboard_dailyreport
        FOR EACH ROW EXECUTE FUNCTION opsboard_dailyreport_refuse_update();
        """,
        "DROP TRIGGER IF EXISTS opsboard_dailyreport_signed_locked ON opsboard_dailyreport;",
    ),
]

SQLITE = [
    (
        f"""
        CREATE TRIGGER opsboard_dailyreport_signed_locked
        BEFORE UPDATE ON opsboard_dailyreport
        WHEN OLD.signed_at IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, '{MESSAGE}');
        END;
        """,
        "DROP TRIGGER IF EXISTS opsboard_dailyreport_signed_locked;",
    ),
]


def _statements(schema_editor, forward: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    pairs = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if pairs is None:
        raise RuntimeError(f"No daily-report trigger for database vendor {vendor!r}.")
    return [create for create, _drop in pairs] if forward else [d for _c, d in reversed(pairs)]


def create_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=True):
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    for sql in _statements(schema_editor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("opsboard", "0003_models_moved_to_field_and_audit"),
        ("tps", "0002_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "day",
                    models.DateField(
                        help_text="Hari menurut Asia/Jakarta (WIB).", verbose_name="tanggal"
                    ),
                ),
                (
                    "scope_code",
                    models.CharField(
                        default="polres",
                        help_text="“polres” untuk seluruh Polres, atau kode kecamatan.",
                        max_length=10,
                        verbose_name="lingkup",
                    ),
                ),
                (
                    "revision",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0 untuk laporan pertama hari itu.",
                        verbose_name="revisi ke",
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
                (
                    "figures",
                    models.JSONField(
                        default=dict,
                        help_text="Angka hari itu, dibaca dari data Opsboard saat laporan dibuat.",
                        verbose_name="angka",
                    ),
                ),
                ("generated_at", models.DateTimeField(verbose_name="dibuat pada")),
                (
                    "summary",
                    models.TextField(
                        blank=True,
                        help_text="Ditulis Kabag Ops: keadaan kamtibmas hari itu.",
                        max_length=8000,
                        verbose_name="ringkasan situasi",
                    ),
                ),
                (
                    "activities_note",
                    models.TextField(
                        blank=True,
                        help_text="Kegiatan lain yang tidak tercatat di Opsboard.",
                        max_length=8000,
                        verbose_name="catatan kegiatan",
                    ),
                ),
                (
                    "traffic_accidents",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Opsboard tidak mencatat kecelakaan lalu lintas: diisi manual dari Sat Lantas, kosong berarti tidak dilaporkan.",
                        null=True,
                        verbose_name="kecelakaan lalu lintas",
                    ),
                ),
                (
                    "traffic_note",
                    models.TextField(
                        blank=True, max_length=8000, verbose_name="keterangan lalu lintas"
                    ),
                ),
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
                    "kecamatan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tps.kecamatan",
                        verbose_name="kecamatan",
                    ),
                ),
                (
                    "revises",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrected_by",
                        to="opsboard.dailyreport",
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
                "verbose_name": "laporan harian",
                "verbose_name_plural": "laporan harian",
                "ordering": ["-day", "-revision"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "scope_code", "revision"),
                        name="opsboard_dailyreport_unique_revision",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kecamatan__isnull", True), ("scope_code", "polres")),
                            models.Q(
                                models.Q(("scope_code", "polres"), _negated=True),
                                ("kecamatan__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="opsboard_dailyreport_scope_matches",
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
                        name="opsboard_dailyreport_revision_has_reason",
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
                        name="opsboard_dailyreport_signed_has_signer",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
