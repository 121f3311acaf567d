"""The TPS status timeline: each step once per TPS, timestamped, with who."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from field.models import TPSStatusStep
from field.services import tps_status_step_record
from tests.field.helpers import ELECTION_DAY_9AM, guard_at


def test_records_a_step_with_time_and_who(login, field_officer, guard, tps_a):
    response = login(field_officer).post(
        f"/me/tps/{tps_a.pk}/status/", {"step": 2}, HTTP_ACCEPT="application/json"
    )

    step = TPSStatusStep.objects.get()
    assert response.status_code == 201
    assert (step.step, step.person, step.via_posko) == (2, guard, False)
    assert step.at == ELECTION_DAY_9AM
    assert response.json()["message"] == "TPS dibuka: tercatat 09.00 WIB."


def test_a_teammate_reporting_the_same_step_gets_the_first_record(login, guard, tps_a):
    teammate = guard_at(tps_a, name="Rekan Satu TPS")
    first, created_first = tps_status_step_record(person=guard, tps=tps_a, step=3)

    again, created_again = tps_status_step_record(person=teammate, tps=tps_a, step=3)

    assert (created_first, created_again) == (True, False)
    assert again == first
    assert TPSStatusStep.objects.count() == 1


def test_a_second_post_of_the_step_answers_200_naming_who_reported_it(
    login, field_officer, guard, tps_a
):
    client = login(field_officer)
    client.post(f"/me/tps/{tps_a.pk}/status/", {"step": 1})

    response = client.post(
        f"/me/tps/{tps_a.pk}/status/", {"step": 1}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert f"sudah dicatat 09.00 WIB oleh {guard.name}" in response.json()["message"]


def test_the_database_refuses_a_second_record_of_a_step(guard, tps_a):
    tps_status_step_record(person=guard, tps=tps_a, step=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        TPSStatusStep.objects.create(tps=tps_a, step=4, at=TPSStatusStep.objects.get().at)


def test_the_timeline_lists_every_step_done_or_not(login, field_officer, guard, tps_a):
    tps_status_step_record(person=guard, tps=tps_a, step=1)

    body = login(field_officer).get(f"/me/tps/{tps_a.pk}/status/").content.decode()

    assert body.count('<li class="done">') == 1
    assert body.count('<li class="todo">') == 5
    assert "Kotak suara diserahkan di PPK" in body
    assert guard.name in body


def test_an_unknown_step_is_refused(login, field_officer, guard, tps_a):
    response = login(field_officer).post(f"/me/tps/{tps_a.pk}/status/", {"step": 9})

    assert response.status_code == 422
    assert not TPSStatusStep.objects.exists()


def test_me_offers_the_next_step(login, field_officer, guard, tps_a):
    tps_status_step_record(person=guard, tps=tps_a, step=1)

    body = login(field_officer).get("/me/").content.decode()

    assert "Terakhir: <b>Petugas pengamanan hadir (H-1)</b>" in body
    assert "Catat: TPS dibuka" in body


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_guards_reporting_a_step_at_once_give_one_record_and_no_error(settings, tps_a):
    from tests.factories import OperationFactory

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    OperationFactory()
    guards = [guard_at(tps_a), guard_at(tps_a)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def report(person):
        try:
            barrier.wait(timeout=5)
            results.append(tps_status_step_record(person=person, tps=tps_a, step=2))
        except Exception as exc:  # any error at all is the failure this test looks for
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(g,)) for g in guards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _record, created in results) == [False, True]
    assert len({record.pk for record, _created in results}) == 1
    assert TPSStatusStep.objects.count() == 1
