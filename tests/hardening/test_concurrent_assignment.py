"""Two admins assign the same person to overlapping times at the same moment, on PostgreSQL.

Each admin's save runs in its own thread, with its own connection and transaction, released
together by a barrier: through the paths admins use (the assignment form, the bulk assign
action) and through the door they share (services.assignment_create). The door locks the
person's row, so the second waits for the first to commit and then fails validation; where a
writer bypasses that lock, the exclusion constraint stops it and the service turns the
violation into the same kind of message.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from deployments.models import Assignment, PostKind
from deployments.services import assignment_create
from deployments.services.assignments import overlap_error_from
from tests.factories import AssignmentFactory, PersonnelFactory, TPSFactory, UserFactory, phase
from tests.hardening.support import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _in_parallel(*saves) -> list[object]:
    """Run each save in its own thread and connection, started together; return what each gave."""
    barrier = threading.Barrier(len(saves))
    outcomes: list[object] = [None] * len(saves)

    def run(index, save):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = save()
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _admin_client(username: str) -> Client:
    from core.access import GROUP_ADMIN

    client = Client()
    user = UserFactory(username=username, is_staff=True, groups=[GROUP_ADMIN])
    client.force_login(user, backend="opsboard.auth.OpsboardBackend")
    return client


def _window(starts: str, ends: str = "2024-11-28 18:00") -> dict[str, str]:
    (start_day, start_time), (end_day, end_time) = starts.split(), ends.split()
    return {
        "starts_at_0": start_day,
        "starts_at_1": start_time,
        "ends_at_0": end_day,
        "ends_at_1": end_time,
    }


def test_two_admins_saving_the_assignment_form_for_one_person_exactly_one_succeeds():
    person, pemungutan = PersonnelFactory(), phase()
    tps_a, tps_b = TPSFactory(), TPSFactory()
    url = reverse("admin:deployments_assignment_add")

    def admin_posts(username, tps, starts):
        client = _admin_client(username)
        data = {
            "personnel": person.pk,
            "phase": pemungutan.pk,
            "kind": PostKind.PAM_TPS,
            "tps": [tps.pk],
            "status": Assignment.Status.ACTIVE,
            "_save": "1",
            **_window(starts),
        }
        return lambda: client.post(url, data)

    outcomes = _in_parallel(
        admin_posts("admin_a", tps_a, "2024-11-26 07:00"),
        admin_posts("admin_b", tps_b, "2024-11-26 09:00"),
    )

    assert sorted(o.status_code for o in outcomes) == [200, 302], outcomes
    refused = next(o for o in outcomes if o.status_code == 200)
    assert "sudah bertugas pada waktu yang tumpang tindih" in refused.content.decode()
    assert Assignment.objects.filter(personnel=person).count() == 1


def test_two_admins_bulk_assigning_overlapping_people_one_action_wins_whole():
    # Admin A assigns P1 and P2, admin B P2 and P3, to overlapping times: the person both
    # name is locked by both actions, so one waits, sees the other's assignment, and is
    # refused as a whole (all or nothing).
    p1, p2, p3 = PersonnelFactory(), PersonnelFactory(), PersonnelFactory()
    pemungutan = phase()
    tps = TPSFactory()
    url = reverse("admin:deployments_personnel_changelist")

    def admin_acts(username, people, starts):
        client = _admin_client(username)
        data = {
            "action": "assign_selected",
            "_selected_action": [str(p.pk) for p in people],
            "apply": "1",
            "phase": pemungutan.pk,
            "kind": PostKind.PAM_TPS,
            "tps": [tps.pk],
            **_window(starts),
        }
        return lambda: client.post(url, data)

    outcomes = _in_parallel(
        admin_acts("admin_a", [p1, p2], "2024-11-26 07:00"),
        admin_acts("admin_b", [p2, p3], "2024-11-26 09:00"),
    )

    assert sorted(o.status_code for o in outcomes) == [200, 302], outcomes
    refused = next(o for o in outcomes if o.status_code == 200)
    assert "tumpang tindih" in refused.content.decode()
    assert Assignment.objects.filter(personnel=p2).count() == 1
    made = Assignment.objects.filter(personnel__in=[p1, p2, p3])
    assert made.count() == 2  # the winner's two; none of the refused action's


def test_two_admins_assigning_one_person_to_overlapping_times_exactly_one_succeeds():
    person, pemungutan = PersonnelFactory(), phase()
    tps_a, tps_b = TPSFactory(), TPSFactory()

    def admin_saves(tps, offset_hours):
        return lambda: assignment_create(
            personnel=person,
            phase=pemungutan,
            kind=PostKind.PAM_TPS,
            tps=[tps],
            starts_at=pemungutan.starts_at + timedelta(hours=offset_hours),
            ends_at=pemungutan.ends_at,
        )

    outcomes = _in_parallel(admin_saves(tps_a, 0), admin_saves(tps_b, 2))

    saved = [o for o in outcomes if isinstance(o, Assignment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert "sudah bertugas pada waktu yang tumpang tindih" in str(refused[0])
    assert Assignment.objects.filter(personnel=person).count() == 1
    assert list(Assignment.objects.get(personnel=person).tps.all()) == list(saved[0].tps.all())


def test_a_writer_that_skips_the_service_still_makes_the_admin_wait_and_see_the_clash():
    # A writer that takes no lock of its own on the person (a queryset update re-activating a
    # cancelled assignment) has not committed yet. The duty trigger (migration 0013) locks the
    # person's row for it (a key-share lock), so the admin's door waits on its own lock of the
    # person for that writer's outcome, then its validation sees the clash and names it.
    person, pemungutan = PersonnelFactory(), phase()
    cancelled = AssignmentFactory(personnel=person, status=Assignment.Status.CANCELLED)
    tps = TPSFactory()
    reactivated, commit = threading.Event(), threading.Event()

    def unlocked_writer():
        with transaction.atomic():
            Assignment.objects.filter(pk=cancelled.pk).update(status=Assignment.Status.ACTIVE)
            reactivated.set()
            commit.wait(timeout=30)
        return "committed"

    def admin():
        reactivated.wait(timeout=10)
        return assignment_create(
            personnel=person,
            phase=pemungutan,
            kind=PostKind.PAM_TPS,
            tps=[tps],
            starts_at=pemungutan.starts_at + timedelta(hours=2),
            ends_at=pemungutan.ends_at,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        writer_done = pool.submit(_own_connection(unlocked_writer))
        admin_done = pool.submit(_own_connection(admin))
        wait_until(
            lambda: _waiting_on_a_lock('SELECT "deployments_personnel"'),
            timeout=15,
            what="the admin's lock of the person to wait on the writer's",
        )
        commit.set()
        writer_outcome, admin_outcome = writer_done.result(30), admin_done.result(30)

    assert writer_outcome == "committed"
    assert isinstance(admin_outcome, ValidationError), admin_outcome
    assert "sudah bertugas pada waktu yang tumpang tindih" in str(admin_outcome)
    assert list(Assignment.objects.filter(personnel=person).values_list("pk", flat=True)) == [
        cancelled.pk
    ]


def test_a_clash_that_only_the_exclusion_constraint_sees_becomes_the_same_clear_message():
    # Two writers that both skip the service's lock (their key-share locks do not exclude each
    # other) and commit one after the other: the exclusion constraint stops the second, and the
    # service's translation says so in Indonesian.
    person, pemungutan = PersonnelFactory(), phase()
    first = AssignmentFactory.build(personnel=person, phase=pemungutan)
    second = AssignmentFactory.build(personnel=person, phase=pemungutan)

    def write(assignment):
        def call():
            with transaction.atomic():
                assignment.save()
                time.sleep(0.3)
            return assignment

        return call

    outcomes = _in_parallel(write(first), write(second))

    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == 1, outcomes
    message = overlap_error_from(refused[0], person)
    assert "disimpan bersamaan oleh pengguna lain" in str(message)
    assert Assignment.objects.filter(personnel=person).count() == 1


def _own_connection(func):
    def run():
        try:
            return func()
        except Exception as exc:  # the outcome under test, whatever it is
            return exc
        finally:
            connection.close()

    return run


def _waiting_on_a_lock(query_start: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [f"{query_start}%"],
        )
        return cursor.fetchone() is not None
