"""The turnout form on /me/: shown when the TPS's day makes it sensible, sent once through the
offline queue's key, bounded with the Indonesian message, another team's TPS refused."""

import uuid

import pytest

from field.models import TPSStatusStep, TurnoutCount, TurnoutReport

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _step(tps, step):
    for value in range(1, step + 1):
        TPSStatusStep.objects.get_or_create(
            tps=tps, step=value, defaults={"at": "2024-11-27T00:00:00Z"}
        )


def _send(client, tps, voters, *, hour="", key=None):
    data = {"voters": voters, "hour": hour, "idempotency_key": str(key or uuid.uuid4())}
    return client.post(f"/me/tps/{tps.pk}/kehadiran/", data, **JSON)


def test_form_hidden_before_the_tps_opens(guard, tps_a, login, field_officer):
    body = login(field_officer).get("/me/").content.decode()

    assert f'id="kehadiran-{tps_a.pk}"' not in body


def test_open_tps_offers_hourly_counts_until_now_but_not_the_closing_figure(
    guard, tps_a, login, field_officer
):
    _step(tps_a, TPSStatusStep.Step.TPS_OPEN)

    body = login(field_officer).get("/me/").content.decode()

    assert f'action="/me/tps/{tps_a.pk}/kehadiran/"' in body
    assert 'data-queue="turnout"' in body
    assert '<option value="9">09.00</option>' in body  # the clock is 09.00 WIB
    assert '<option value="10">' not in body
    assert "Penutupan (akhir)" not in body


def test_closing_figure_offered_once_voting_closed(guard, tps_a, login, field_officer):
    _step(tps_a, TPSStatusStep.Step.VOTING_CLOSED)

    body = login(field_officer).get("/me/").content.decode()

    assert '<option value="">Penutupan (akhir)</option>' in body


def test_closing_figure_offered_from_the_configured_hour(
    guard, tps_a, login, field_officer, settings
):
    settings.FIELD_TURNOUT_FORM_HOUR = 9
    _step(tps_a, TPSStatusStep.Step.TPS_OPEN)

    body = login(field_officer).get("/me/").content.decode()

    assert "Penutupan (akhir)" in body


def test_resend_with_the_same_key_records_once(guard, tps_a, login, field_officer):
    tps_a.registered_voters = 250
    tps_a.save()
    client = login(field_officer)
    key = uuid.uuid4()

    first = _send(client, tps_a, 180, key=key)
    again = _send(client, tps_a, 180, key=key)

    assert first.status_code == 201 and again.status_code == 200
    assert "tidak disimpan dua kali" in again.json()["message"]
    report = TurnoutReport.objects.get()
    assert (report.source, report.voters_used, report.reported_by) == (
        "officer",
        180,
        field_officer,
    )


def test_last_figure_sent_is_shown(guard, tps_a, login, field_officer):
    tps_a.registered_voters = 250
    tps_a.save()
    client = login(field_officer)
    _send(client, tps_a, 180)

    body = client.get("/me/").content.decode()

    assert "Terakhir dikirim: <b>180</b> dari DPT 250" in body


def test_above_the_bound_is_refused_with_its_message(guard, tps_a, login, field_officer):
    tps_a.registered_voters = 100
    tps_a.save()

    response = _send(login(field_officer), tps_a, 103)

    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == [
        "Pengguna hak pilih (103) melebihi DPT ditambah tambahan (102)."
    ]
    assert not TurnoutReport.objects.exists()


def test_another_teams_tps_is_refused(guard, tps_b, login, field_officer):
    response = _send(login(field_officer), tps_b, 10)

    assert response.status_code == 404
    assert not TurnoutReport.objects.exists()


def test_hourly_count_is_recorded_and_a_second_of_the_same_hour_refused(
    guard, tps_a, login, field_officer
):
    client = login(field_officer)

    first = _send(client, tps_a, 40, hour="9")
    second = _send(client, tps_a, 45, hour="9")

    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json()["errors"]["__all__"] == [
        "Hitungan pukul 09.00 untuk TPS ini sudah tercatat."
    ]
    assert list(TurnoutCount.objects.values_list("hour", "voters_so_far")) == [(9, 40)]


def test_hourly_count_of_an_hour_not_yet_come_is_refused(guard, tps_a, login, field_officer):
    # The clock is 09.00 WIB: 10.00 recorded now would lock out the real count at 10.00.
    response = _send(login(field_officer), tps_a, 40, hour="10")

    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == [
        "Hitungan pukul 10.00 belum dapat dicatat: jamnya belum tiba."
    ]
    assert not TurnoutCount.objects.exists()


def test_without_javascript_the_form_redirects_to_me(guard, tps_a, login, field_officer):
    data = {"voters": 50, "hour": "", "idempotency_key": str(uuid.uuid4())}

    response = login(field_officer).post(f"/me/tps/{tps_a.pk}/kehadiran/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/me/#tps-{tps_a.pk}"


def test_me_keeps_seven_queries_with_the_form_and_a_figure(
    guard, tps_a, login, field_officer, django_assert_num_queries
):
    _step(tps_a, TPSStatusStep.Step.VOTING_CLOSED)
    client = login(field_officer)
    _send(client, tps_a, 10)

    # session, user and role; assignments; their TPS (the last figure is a subquery of it);
    # Padal and Kapolsek; open instructions; open panics told of: as tests/field/test_me.py
    # without the form.
    with django_assert_num_queries(7):
        response = client.get("/me/")

    assert b"Terakhir dikirim" in response.content
