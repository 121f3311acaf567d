"""The re-housing moved the field officers' models and the audit log out of the project app by
state only (field/migrations/0001, audit/migrations/0001, opsboard/migrations/0003).

A database as it stood before the move (the rows, their content types under ``opsboard``, the
permissions granted on them) is migrated forward here, and everything must still be there:
every row in the same table, the audit log's PostgreSQL trigger, the content types renamed in
place with the same ids, and the grants still in force under their new app label.
"""

import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent
from field import services
from field.models import (
    CheckIn,
    Instruction,
    InstructionAck,
    SignInLink,
    SituationReport,
    TPSStatusStep,
)
from tests.factories import UserFactory
from tests.field.helpers import guard_at

MOVED = {
    "signinlink": SignInLink,
    "checkin": CheckIn,
    "tpsstatusstep": TPSStatusStep,
    "situationreport": SituationReport,
    "instruction": Instruction,
    "instructionack": InstructionAck,
    "auditevent": AuditEvent,
}
# Unapplying the two new apps takes the project app back to 0002, as it was before the move.
BEFORE_THE_MOVE = [("field", None), ("audit", None)]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _seed(tps_a, ops_admin) -> dict:
    guard = guard_at(tps_a)
    services.signin_link_issue(person=guard, by=ops_admin)
    services.checkin_record(person=guard, tps=tps_a, idempotency_key=uuid.uuid4())
    services.tps_status_step_record(person=guard, tps=tps_a, step=1)
    services.situation_report_create(
        person=guard,
        kind="aman",
        text="Aman",
        urgent=False,
        idempotency_key=uuid.uuid4(),
        tps=tps_a,
    )
    instruction = services.instruction_create(text="Apel 06.00", by=ops_admin, desa=tps_a.desa)
    services.instruction_acknowledge(instruction=instruction, person=guard)
    AuditEvent.objects.create(kind=AuditEvent.Kind.SIGN_IN, user=ops_admin, username="operator")
    # A Posko operator's grant and the Admin group's right to read the log: the grants that
    # must survive the content types' move.
    posko = UserFactory(username="posko.operator")
    posko.user_permissions.add(Permission.objects.get(codename="record_via_posko"))
    readers = Group.objects.create(name="Pembaca log audit")
    readers.permissions.add(Permission.objects.get(codename="view_auditevent"))
    return {
        "rows": {name: model.objects.count() for name, model in MOVED.items()},
        "posko": posko.pk,
        "readers": readers.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_rows_trigger_content_types_and_grants(
    tps_a, ops_admin, election_day
):
    seeded = _seed(tps_a, ops_admin)
    latest = _latest()
    try:
        _migrate(BEFORE_THE_MOVE)
        # As the database stood before the move: the models' content types under opsboard.
        before = {
            ct.model: ct.pk
            for ct in ContentType.objects.filter(app_label="opsboard", model__in=MOVED)
        }
        assert set(before) == set(MOVED)
        # (Models the field app gained after the move, e.g. FieldSession, keep their own types.)
        assert not ContentType.objects.filter(
            app_label__in=["field", "audit"], model__in=MOVED
        ).exists()

        _migrate(latest)
    finally:
        _migrate(latest)  # whatever happened above, the rest of the suite gets today's schema

    assert {name: model.objects.count() for name, model in MOVED.items()} == seeded["rows"]
    assert all(count >= 1 for count in seeded["rows"].values()), seeded["rows"]
    after = {
        ct.model: (ct.app_label, ct.pk)
        for ct in ContentType.objects.filter(model__in=MOVED).exclude(app_label="opsboard")
    }
    assert after == {
        name: ("audit" if name == "auditevent" else "field", pk) for name, pk in before.items()
    }
    # None of the moved models is left under opsboard (which owns the daily report since).
    assert not ContentType.objects.filter(app_label="opsboard", model__in=MOVED).exists()
    posko = UserFactory._meta.model.objects.get(pk=seeded["posko"])
    assert posko.has_perm("field.record_via_posko")
    readers = Group.objects.get(pk=seeded["readers"])
    assert readers.permissions.filter(
        codename="view_auditevent", content_type__app_label="audit"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_audit_logs_trigger_still_refuses_changes_after_the_move(tps_a, ops_admin):
    if connection.vendor != "postgresql":
        # SQLite has the trigger too, but refuses only updates (opsboard/migrations/0002).
        statement = "UPDATE opsboard_auditevent SET username = 'x'"
    else:
        statement = "DELETE FROM opsboard_auditevent"
    AuditEvent.objects.create(kind=AuditEvent.Kind.SIGN_IN, user=ops_admin, username="operator")
    latest = _latest()
    try:
        _migrate(BEFORE_THE_MOVE)
        _migrate(latest)
    finally:
        _migrate(latest)

    refused = pytest.raises(IntegrityError, match="opsboard_auditevent_append_only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(username="operator").count() == 1
