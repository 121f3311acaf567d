"""Aggregates that Django has only for PostgreSQL, written for every backend the project runs."""

from django.db.models import Aggregate, JSONField


class JSONArrayAgg(Aggregate):
    """A JSON array of the grouped values (JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite),
    in no particular order: callers sort in Python. Used where a few related rows per object
    ride on the object's own query instead of costing a query of their own."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
