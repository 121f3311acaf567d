import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from deployments.models import Assignment, PostKind
from deployments.services import assignment_create
from tests.factories import AssignmentFactory, PersonnelFactory, TPSFactory, phase


@pytest.mark.django_db
def test_rejects_overlapping_assignment_naming_the_other():
    person = PersonnelFactory()
    first = AssignmentFactory(personnel=person, tps=[TPSFactory()])
    pemungutan = first.phase

    with pytest.raises(ValidationError) as excinfo:
        assignment_create(
            personnel=person,
            phase=pemungutan,
            kind=PostKind.PAM_TPS,
            tps=[TPSFactory()],
            starts_at=first.starts_at + timedelta(hours=3),
            ends_at=first.ends_at,
        )

    assert "tumpang tindih" in str(excinfo.value)
    assert str(first) in str(excinfo.value)
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_back_to_back_shifts_do_not_overlap():
    person = PersonnelFactory()
    pemungutan = phase()
    middle = pemungutan.starts_at + timedelta(days=1)
    assignment_create(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.PAM_TPS,
        tps=[TPSFactory()],
        starts_at=pemungutan.starts_at,
        ends_at=middle,
    )

    second = assignment_create(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.PAM_TPS,
        tps=[TPSFactory()],
        starts_at=middle,
        ends_at=pemungutan.ends_at,
    )

    assert second.pk is not None


@pytest.mark.django_db
def test_cancelled_assignment_does_not_block_a_new_one():
    person = PersonnelFactory()
    AssignmentFactory(personnel=person, status=Assignment.Status.CANCELLED)
    pemungutan = phase()

    again = assignment_create(
        personnel=person,
        phase=pemungutan,
        kind=PostKind.PAM_TPS,
        tps=[TPSFactory()],
        starts_at=pemungutan.starts_at,
        ends_at=pemungutan.ends_at,
    )

    assert again.status == Assignment.Status.ACTIVE


@pytest.mark.django_db
def test_rejects_assignment_outside_its_phase():
    pemungutan = phase()

    with pytest.raises(ValidationError) as excinfo:
        assignment_create(
            personnel=PersonnelFactory(),
            phase=pemungutan,
            kind=PostKind.PAM_TPS,
            tps=[TPSFactory()],
            starts_at=pemungutan.starts_at - timedelta(hours=1),
            ends_at=pemungutan.ends_at,
        )

    assert "di dalam tahapan" in str(excinfo.value)


@pytest.mark.services
@pytest.mark.django_db
def test_database_refuses_overlap_that_bypasses_validation():
    first = AssignmentFactory()
    overlapping = Assignment(
        personnel=first.personnel,
        phase=first.phase,
        kind=PostKind.PAM_TPS,
        starts_at=first.starts_at + timedelta(hours=1),
        ends_at=first.ends_at,
    )

    with (
        pytest.raises(IntegrityError, match="deployments_assignment_no_overlap"),
        transaction.atomic(),
    ):
        Assignment.objects.bulk_create([overlapping])

    assert Assignment.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transactions_cannot_both_insert_an_overlap():
    # The first transaction has inserted but not committed when the second inserts: neither can
    # see the other's row, so only the database can stop the second.
    person = PersonnelFactory()
    pemungutan = phase()
    first_inserted = threading.Event()
    outcomes: dict[str, str] = {}

    def insert(name: str, offset_hours: int) -> None:
        try:
            with transaction.atomic():
                if name == "second":
                    first_inserted.wait(timeout=10)
                Assignment.objects.bulk_create(
                    [
                        Assignment(
                            personnel=person,
                            phase=pemungutan,
                            kind=PostKind.PAM_TPS,
                            starts_at=pemungutan.starts_at + timedelta(hours=offset_hours),
                            ends_at=pemungutan.ends_at,
                        )
                    ]
                )
                if name == "first":
                    first_inserted.set()
                    time.sleep(0.5)  # let the second insert start and wait on our row
            outcomes[name] = "ok"
        except IntegrityError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=insert, args=args) for args in (("first", 0), ("second", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert outcomes == {"first": "ok", "second": "refused"}
    assert Assignment.objects.filter(personnel=person).count() == 1
