"""CoverageTPS keyed by (snapshot, tps): one index to write per row instead of two.

A recompute writes tens of thousands of these rows; the surrogate id and its index cost about
a tenth of the recompute at Polda scale and served no read. Django cannot turn a single-column
primary key into a composite one in place, so the database side builds the new table beside
the old, copies the rows (derived data, but the current snapshot's rows are what the dashboard
shows until the next recompute) and takes the old table's name.
"""

import django.db.models.deletion
from django.db import migrations, models

STATUS = [("covered", "Terpenuhi"), ("short", "Kurang"), ("unguarded", "Tanpa penjaga")]
COLUMNS = (
    "snapshot_id, tps_id, desa_id, kerawanan, status, polri_required, polri_assigned, "
    "polri_guards, tni_required, tni_assigned, tni_guards, linmas_required, linmas_assigned, "
    "linmas_guards"
)


def fields():
    return [
        ("pk", models.CompositePrimaryKey("snapshot", "tps", serialize=False)),
        ("kerawanan", models.CharField(max_length=20)),
        ("status", models.CharField(choices=STATUS, max_length=10)),
        ("polri_required", models.FloatField(default=0)),
        ("polri_assigned", models.FloatField(default=0)),
        ("polri_guards", models.PositiveIntegerField(default=0)),
        ("tni_required", models.FloatField(default=0)),
        ("tni_assigned", models.FloatField(default=0)),
        ("tni_guards", models.PositiveIntegerField(default=0)),
        ("linmas_required", models.FloatField(default=0)),
        ("linmas_assigned", models.FloatField(default=0)),
        ("linmas_guards", models.PositiveIntegerField(default=0)),
        (
            "desa",
            models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tps.desa",
            ),
        ),
        (
            "snapshot",
            models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="deployments.coveragesnapshot",
            ),
        ),
        (
            "tps",
            models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tps.tps",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("deployments", "0005_coverage_area_without_fk"),
        ("tps", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.CreateModel(
                    name="CoverageTPSKeyed",
                    fields=fields(),
                    options={
                        "db_table": "deployments_coveragetps_keyed",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(status__in=["covered", "short", "unguarded"]),
                                name="deployments_coveragetps_status_valid",
                            )
                        ],
                    },
                ),
                migrations.RunSQL(
                    f"INSERT INTO deployments_coveragetps_keyed ({COLUMNS}) "
                    f"SELECT {COLUMNS} FROM deployments_coveragetps",
                    migrations.RunSQL.noop,
                ),
                migrations.DeleteModel(name="CoverageTPS"),
                migrations.AlterModelTable(
                    name="CoverageTPSKeyed", table="deployments_coveragetps"
                ),
            ],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="coveragetps",
                    name="deployments_coveragetps_unique_row",
                ),
                migrations.RemoveField(model_name="coveragetps", name="id"),
                migrations.AddField(
                    model_name="coveragetps",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "snapshot",
                        "tps",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
    ]
