"""The Posko finds a person by part of the name (`name__icontains`, UPPER(name) LIKE '%…%'),
which a b-tree cannot serve: a trigram index (pg_trgm, a trusted extension) on PostgreSQL lets
the lookup read the matching rows instead of all ~164,000 at Polda size. SQLite has none and
needs none (the demo's 2,285 people)."""

from django.db import migrations

from core.db.operations import PostgreSQLOnlySQL


class Migration(migrations.Migration):
    dependencies = [("deployments", "0007_personnel_identifier_key")]

    operations = [
        PostgreSQLOnlySQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX deployments_personnel_name_trgm ON deployments_personnel "
                "USING gin ((UPPER(name::text)) gin_trgm_ops)",
            ],
            reverse_sql=["DROP INDEX deployments_personnel_name_trgm"],
        ),
    ]
