"""A person never holds two non-cancelled assignments whose times overlap, held by PostgreSQL.

Model validation gives the Indonesian message; this exclusion constraint holds the rule when two
admins save at the same moment, where validation alone cannot. Half-open ranges '[)' let
back-to-back shifts touch.
"""

from django.db import migrations

from core.db.operations import PostgreSQLOnlySQL


class Migration(migrations.Migration):
    dependencies = [("deployments", "0001_initial")]

    operations = [
        PostgreSQLOnlySQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                "ALTER TABLE deployments_assignment ADD CONSTRAINT deployments_assignment_no_overlap "
                "EXCLUDE USING gist (personnel_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
                "WHERE (status <> 'cancelled')",
            ],
            reverse_sql=[
                "ALTER TABLE deployments_assignment DROP CONSTRAINT deployments_assignment_no_overlap",
            ],
        ),
    ]
