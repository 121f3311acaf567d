"""The Posko enters a TPS's figure for a TPS of the person in its scope."""

import uuid

import pytest

from field.models import TurnoutCount, TurnoutReport
from tests.field.helpers import guard_at

pytestmark = pytest.mark.django_db


def _post(client, person, tps, voters, hour=""):
    data = {
        "person": person.pk,
        "tps": tps.pk,
        "hour": hour,
        "voters": voters,
        "idempotency_key": str(uuid.uuid4()),
    }
    return client.post("/posko/kehadiran/", data)


def test_the_posko_page_offers_the_turnout_card(login, ops_admin, guard, tps_a):
    body = login(ops_admin).get(f"/posko/?person={guard.pk}").content.decode()

    assert 'id="posko-turnout"' in body
    assert 'action="/posko/kehadiran/"' in body


def test_an_admin_enters_the_closing_figure_as_posko(login, ops_admin, guard, tps_a):
    response = _post(login(ops_admin), guard, tps_a, 70)

    assert response.status_code == 302
    report = TurnoutReport.objects.get()
    assert (report.tps, report.source, report.voters_used, report.reported_by) == (
        tps_a,
        "posko",
        70,
        ops_admin,
    )


def test_an_hourly_count_from_the_posko(login, ops_admin, guard, tps_a):
    _post(login(ops_admin), guard, tps_a, 30, hour="8")

    assert list(TurnoutCount.objects.values_list("source", "hour", "voters_so_far")) == [
        ("posko", 8, 30)
    ]


def test_above_the_bound_answers_422_with_the_message(login, ops_admin, guard, tps_a):
    tps_a.registered_voters = 100
    tps_a.save()

    response = _post(login(ops_admin), guard, tps_a, 500)

    assert response.status_code == 422
    assert "melebihi DPT ditambah tambahan (102)" in response.content.decode()
    assert not TurnoutReport.objects.exists()


def test_a_tps_that_is_not_the_persons_station_is_refused(
    login, ops_admin, guard, tps_b, field_officer_other_tps
):
    # A TPS that is not the person's station is refused as a form error, nothing written.
    response = _post(login(ops_admin), guard, tps_b, 10)

    assert response.status_code == 422
    assert not TurnoutReport.objects.exists()


def test_field_officers_are_refused(login, field_officer, guard, tps_a):
    response = _post(login(field_officer), guard, tps_a, 10)

    assert response.status_code == 403
    assert not TurnoutReport.objects.exists()


def test_a_second_guard_at_the_tps_is_enough(login, ops_admin, tps_a, election_day):
    other = guard_at(tps_a, phone="+6281234500099")

    _post(login(ops_admin), other, tps_a, 12)

    assert TurnoutReport.objects.get().source == "posko"
