"""BKO (issue #18): people attached here from outside (BkoIn) and our people lent out (an
Unavailability of kind bko_out, with its destination and order); two import kinds.

A BKO-in person's duty lies wholly inside one of their BKO periods, whichever is written first:
the database refuses a duty outside them (deployments_assignment_outside_bko) and a period
added, shrunk, moved or removed that would leave a duty outside every period
(deployments_bkoin_leaves_duty_outside), on PostgreSQL and SQLite. On PostgreSQL each trigger
first locks the person's row as 0013's do (a duty a key-share lock, a period an update lock),
so that a duty and a period written at once by two sessions do not both pass. A person with no
BKO period is ours: the rule does not concern them.

SQLite remakes deployments_unavailability to change its constraints, and a remade table loses
its triggers: 0013's are dropped before and made again after (as 0014 does). A later migration
that remakes deployments_assignment or deployments_bkoin must do the same with this one's
(sqlite_forward / sqlite_backward below).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from core.db.operations import PostgreSQLOnlySQL

_0013 = importlib.import_module("deployments.migrations.0013_unavailability_both_ways")

# The person X has a BKO period, and a duty lying inside none of them.
_DUTY_OUTSIDE = """
    EXISTS (SELECT 1 FROM deployments_bkoin b WHERE b.personnel_id = {x})
    AND EXISTS (
        SELECT 1 FROM deployments_assignment a
        WHERE a.personnel_id = {x} AND a.status <> 'cancelled'
          AND NOT EXISTS (
              SELECT 1 FROM deployments_bkoin b
              WHERE b.personnel_id = {x}
                AND b.starts_at <= a.starts_at AND b.ends_at >= a.ends_at
          )
    )
"""
# The duty NEW is of a BKO person and lies inside none of their periods.
_NEW_DUTY_OUTSIDE = """
    NEW.status <> 'cancelled'
    AND EXISTS (SELECT 1 FROM deployments_bkoin b WHERE b.personnel_id = NEW.personnel_id)
    AND NOT EXISTS (
        SELECT 1 FROM deployments_bkoin b
        WHERE b.personnel_id = NEW.personnel_id
          AND b.starts_at <= NEW.starts_at AND b.ends_at >= NEW.ends_at
    )
"""

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION deployments_assignment_within_bko() RETURNS trigger AS $$
    BEGIN
      IF NEW.status <> 'cancelled' THEN
        PERFORM 1 FROM deployments_personnel WHERE id = NEW.personnel_id FOR KEY SHARE;
        IF {_NEW_DUTY_OUTSIDE} THEN
          RAISE EXCEPTION 'deployments_assignment_outside_bko' USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER deployments_assignment_within_bko BEFORE INSERT OR UPDATE
    ON deployments_assignment FOR EACH ROW EXECUTE FUNCTION deployments_assignment_within_bko();
    """,
    # AFTER the row: the check reads the person's periods as the change leaves them.
    f"""
    CREATE FUNCTION deployments_bkoin_covers_duties() RETURNS trigger AS $$
    DECLARE
      person bigint;
    BEGIN
      FOR person IN
        SELECT DISTINCT p FROM unnest(ARRAY[
          CASE WHEN TG_OP <> 'INSERT' THEN OLD.personnel_id END,
          CASE WHEN TG_OP <> 'DELETE' THEN NEW.personnel_id END
        ]) AS p WHERE p IS NOT NULL ORDER BY p
      LOOP
        PERFORM 1 FROM deployments_personnel WHERE id = person FOR UPDATE;
        IF {_DUTY_OUTSIDE.format(x="person")} THEN
          RAISE EXCEPTION 'deployments_bkoin_leaves_duty_outside'
            USING ERRCODE = 'check_violation';
        END IF;
      END LOOP;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER deployments_bkoin_covers_duties AFTER INSERT OR UPDATE OR DELETE
    ON deployments_bkoin FOR EACH ROW EXECUTE FUNCTION deployments_bkoin_covers_duties();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER deployments_bkoin_covers_duties ON deployments_bkoin",
    "DROP FUNCTION deployments_bkoin_covers_duties()",
    "DROP TRIGGER deployments_assignment_within_bko ON deployments_assignment",
    "DROP FUNCTION deployments_assignment_within_bko()",
]

_RAISE_DUTY = "SELECT RAISE(ABORT, 'deployments_assignment_outside_bko');"
_RAISE_PERIOD = "SELECT RAISE(ABORT, 'deployments_bkoin_leaves_duty_outside');"
SQLITE = [
    *(
        (
            f"""
            CREATE TRIGGER deployments_assignment_within_bko_{event.lower()}
            BEFORE {event} ON deployments_assignment
            WHEN {_NEW_DUTY_OUTSIDE}
            BEGIN {_RAISE_DUTY} END;
            """,
            f"DROP TRIGGER IF EXISTS deployments_assignment_within_bko_{event.lower()};",
        )
        for event in ("INSERT", "UPDATE")
    ),
    (
        f"""
        CREATE TRIGGER deployments_bkoin_covers_duties_insert
        AFTER INSERT ON deployments_bkoin
        WHEN {_DUTY_OUTSIDE.format(x="NEW.personnel_id")}
        BEGIN {_RAISE_PERIOD} END;
        """,
        "DROP TRIGGER IF EXISTS deployments_bkoin_covers_duties_insert;",
    ),
    (
        f"""
        CREATE TRIGGER deployments_bkoin_covers_duties_update
        AFTER UPDATE ON deployments_bkoin
        WHEN ({_DUTY_OUTSIDE.format(x="NEW.personnel_id")})
          OR ({_DUTY_OUTSIDE.format(x="OLD.personnel_id")})
        BEGIN {_RAISE_PERIOD} END;
        """,
        "DROP TRIGGER IF EXISTS deployments_bkoin_covers_duties_update;",
    ),
    (
        f"""
        CREATE TRIGGER deployments_bkoin_covers_duties_delete
        AFTER DELETE ON deployments_bkoin
        WHEN {_DUTY_OUTSIDE.format(x="OLD.personnel_id")}
        BEGIN {_RAISE_PERIOD} END;
        """,
        "DROP TRIGGER IF EXISTS deployments_bkoin_covers_duties_delete;",
    ),
]


def _sqlite(schema_editor, *, forward: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    pairs = SQLITE if forward else list(reversed(SQLITE))
    for create, drop in pairs:
        schema_editor.execute(create if forward else drop)


def sqlite_forward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=True)


def sqlite_backward(apps, schema_editor) -> None:
    _sqlite(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0016_rotation_rest_handover"),
    ]

    operations = [
        migrations.RunPython(_0013.sqlite_backward, _0013.sqlite_forward),
        migrations.CreateModel(
            name="BkoIn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "origin_unit",
                    models.CharField(
                        help_text="Satuan di luar wilayah hukum, mis. Sat Brimob Polda Jatim, Polres Blitar.",
                        max_length=120,
                        verbose_name="satuan asal",
                    ),
                ),
                ("starts_at", models.DateTimeField(verbose_name="mulai")),
                ("ends_at", models.DateTimeField(verbose_name="selesai")),
                (
                    "sprin_number",
                    models.CharField(
                        help_text="Surat perintah satuan asal atau Polda yang memperbantukannya.",
                        max_length=80,
                        verbose_name="No. Sprin BKO",
                    ),
                ),
                ("sprin_date", models.DateField(verbose_name="Tgl. Sprin BKO")),
                ("note", models.TextField(blank=True, verbose_name="keterangan")),
            ],
            options={
                "verbose_name": "BKO masuk",
                "verbose_name_plural": "BKO masuk",
                "ordering": ["starts_at", "origin_unit"],
            },
        ),
        migrations.CreateModel(
            name="BkoOut",
            fields=[],
            options={
                "verbose_name": "BKO keluar",
                "verbose_name_plural": "BKO keluar",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("deployments.unavailability",),
        ),
        migrations.RemoveConstraint(
            model_name="unavailability",
            name="deployments_unavailability_kind_valid",
        ),
        migrations.AddField(
            model_name="unavailability",
            name="destination",
            field=models.CharField(
                blank=True,
                help_text="Hanya untuk BKO keluar: satuan yang dibantu, mis. Polres Blitar.",
                max_length=120,
                verbose_name="satuan tujuan BKO",
            ),
        ),
        migrations.AddField(
            model_name="unavailability",
            name="sprin_date",
            field=models.DateField(blank=True, null=True, verbose_name="Tgl. Sprin BKO"),
        ),
        migrations.AddField(
            model_name="unavailability",
            name="sprin_number",
            field=models.CharField(
                blank=True,
                help_text="Hanya untuk BKO keluar: surat perintah yang memerintahkannya.",
                max_length=80,
                verbose_name="No. Sprin BKO",
            ),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="kind",
            field=models.CharField(
                choices=[
                    ("personnel", "Personel"),
                    ("tps", "TPS"),
                    ("assignment", "Penugasan"),
                    ("unavailable", "Ketidaksediaan personel"),
                    ("bko", "BKO masuk dan keluar"),
                ],
                max_length=12,
                verbose_name="data",
            ),
        ),
        migrations.AlterField(
            model_name="unavailability",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sick", "Sakit"),
                    ("leave", "Cuti"),
                    ("other_duty", "Dinas lain"),
                    ("bko_out", "BKO keluar"),
                ],
                max_length=12,
                verbose_name="jenis",
            ),
        ),
        migrations.AddConstraint(
            model_name="unavailability",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["sick", "leave", "other_duty", "bko_out"])),
                name="deployments_unavailability_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="unavailability",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "bko_out"), _negated=True),
                    models.Q(("destination__regex", "\\S"), ("sprin_number__regex", "\\S")),
                    _connector="OR",
                ),
                name="deployments_unavailability_bko_out_has_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="unavailability",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "bko_out"),
                    models.Q(
                        ("destination", ""), ("sprin_number", ""), ("sprin_date__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="deployments_unavailability_bko_fields_only_bko_out",
            ),
        ),
        migrations.AddField(
            model_name="bkoin",
            name="personnel",
            field=models.ForeignKey(
                help_text="Terdaftar di satuan tempat ia diperbantukan.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bko_in",
                to="deployments.personnel",
                verbose_name="personel",
            ),
        ),
        migrations.AddIndex(
            model_name="bkoin",
            index=models.Index(fields=["personnel", "starts_at"], name="deployments_bkoin_person"),
        ),
        migrations.AddConstraint(
            model_name="bkoin",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                name="deployments_bkoin_times_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="bkoin",
            constraint=models.CheckConstraint(
                condition=models.Q(("origin_unit__regex", "\\S"), ("sprin_number__regex", "\\S")),
                name="deployments_bkoin_origin_and_order",
            ),
        ),
        migrations.RunPython(_0013.sqlite_forward, _0013.sqlite_backward),
        PostgreSQLOnlySQL(sql=POSTGRESQL_FORWARD, reverse_sql=POSTGRESQL_BACKWARD),
        migrations.RunPython(sqlite_forward, sqlite_backward),
    ]
