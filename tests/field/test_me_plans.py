"""/me/ at any operation size: every query that it sends for each kind of officer reads the big
tables through an index (PostgreSQL's EXPLAIN of the exact queries), never a scan of all their
rows, and is not JIT-compiled; the number of queries is fixed per kind. So are the Posko's
lookups of a person and the card forms' lookup of a number.

The operation is built once for the module (20,000 TPS, ~54,000 people, their assignments,
check-ins, status steps and reports) and analysed, so that the planner chooses as it does at
Polda size; rolled back after the module.
"""

import json

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from deployments.models import Personnel
from deployments.services import personnel_account_create
from field.forms import PersonForm
from field.selectors import posko_people_find
from tests.factories import ELECTION_DAY_9AM
from tests.field.polda import BIG_TABLES, polda_like_operation
from tps.models import TPS

pytestmark = pytest.mark.services

TPS_COUNT = 20_000
# Per kind (docs/field.md): the session, the user with their role, the assignments not ended,
# the open instructions, the open panics they were told of, and: a Linmas their TPS, whom to
# report to (7); a Polri at a TPS also whether they lead their Polsek (8); a Padal (no TPS) whom
# to report to, whether they lead, the sector (8); a Kapolsek without duty whether they lead,
# the sector (7).
QUERIES = {"linmas": 7, "polri": 8, "padal": 8, "kapolsek": 7}


@pytest.fixture(scope="module")
def officers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        officers = polda_like_operation(TPS_COUNT)
        for person in vars(officers).values():
            personnel_account_create(personnel=person)
        yield officers
        transaction.set_rollback(True)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def full_reads(sql: str) -> list[str]:
    """The plan's reads of a big table that are not driven by an index condition: a Seq Scan,
    or an index walked whole (an Index Scan without Index Cond reads every row in index
    order, as `pk IN … OR pk IN …` did). Also JIT, should the plan use it."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (document,) = cursor.fetchone()
    document = json.loads(document) if isinstance(document, str) else document
    found = ["JIT"] if "JIT" in document[0] else []
    for node in _nodes(document[0]["Plan"]):
        table = node.get("Relation Name")
        if table not in BIG_TABLES:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan" or (
            kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
        ):
            found.append(f"{kind} on {table}")
    return found


def _plans(queries) -> dict[str, list[str]]:
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    return {sql[:160]: reads for sql in selects if (reads := full_reads(sql))}


def test_the_database_has_the_operation_and_no_jit(db, officers):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone()

    assert jit == "off"  # opsboard/settings.py: -c jit=off on every connection
    assert TPS.objects.count() == TPS_COUNT
    assert Personnel.objects.count() > 50_000


@pytest.mark.parametrize("kind", ["linmas", "polri", "padal", "kapolsek"])
def test_me_reads_every_big_table_through_an_index(db, client, officers, kind):
    person = getattr(officers, kind)
    client.force_login(person.user, backend="opsboard.auth.OpsboardBackend")

    with (
        override_settings(OPSBOARD_NOW=ELECTION_DAY_9AM),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get("/me/")

    assert response.status_code == 200
    assert len(queries) == QUERIES[kind], [q["sql"][:120] for q in queries.captured_queries]
    assert _plans(queries) == {}
    if kind in ("padal", "kapolsek"):
        assert "Ringkasan sektor" in response.content.decode()


def _desa_of(person) -> str:
    return person.assignments.filter(kind="pam_tps").values_list("tps__desa__name", "tps__number")[
        0
    ]


@pytest.mark.parametrize("how", ["name", "number", "phone", "tps"])
def test_the_posko_finds_a_person_through_indexes(db, officers, how):
    person = officers.linmas
    Personnel.objects.filter(pk=person.pk).update(phone="+6281299990001")
    desa, number = _desa_of(person)
    query = {
        "name": person.name.lower(),
        "number": " ".join(person.identifier.replace("-", " ").split()).lower(),
        "phone": "0812 9999 0001",
        "tps": f"TPS {number:03d} {desa}",
    }[how]

    with CaptureQueriesContext(connection) as queries:
        found = posko_people_find(
            people=Personnel.objects.all(), stations=TPS.objects.all(), query=query
        )

    assert person in found
    assert len(queries) == 1
    assert _plans(queries) == {}


def test_the_card_forms_find_a_number_through_its_index(db, officers):
    person = officers.polri
    spaced = f"{person.identifier[:4]} {person.identifier[4:]}"

    with CaptureQueriesContext(connection) as queries:
        form = PersonForm(data={"identifier": spaced})
        valid = form.is_valid()

    assert valid, form.errors
    assert form.cleaned_data["person"] == person
    assert _plans(queries) == {}
