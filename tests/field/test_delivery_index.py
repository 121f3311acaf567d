"""The beat's safety net (field.notifications.delivery.deliveries_requeue) finds stale queued
deliveries through the index on (status, updated_at): PostgreSQL's plan of the exact query has
both columns in its index condition, so that an election day's thousands of sent rows are not
read to find the few queued ones. With sequential scans off the planner shows which index it
can use; the old index on (status, created_at) matched the status alone and filtered
updated_at row by row."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from field.notifications.delivery import deliveries_requeue

pytestmark = pytest.mark.services


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_the_requeue_query_uses_the_status_and_updated_at_index(db):
    with CaptureQueriesContext(connection) as queries:
        assert deliveries_requeue() == 0
    (sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (document,) = cursor.fetchone()
    document = json.loads(document) if isinstance(document, str) else document
    scans = [
        node
        for node in _nodes(document[0]["Plan"])
        if node.get("Relation Name") == "field_notificationdelivery"
    ]

    assert [n["Index Name"] for n in scans] == ["field_notifdelivery_stale_idx"]
    assert "updated_at" in scans[0]["Index Cond"] and "status" in scans[0]["Index Cond"]
