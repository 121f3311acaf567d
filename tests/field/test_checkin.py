"""Check-in ("saya sudah di lokasi"): distance to the TPS, far ones flagged, no position kept
as unverified, and a resend stored once."""

from decimal import Decimal

import pytest

from field.models import CheckIn
from tests.field.helpers import key

URL = "/me/checkin/"
JSON = {"HTTP_ACCEPT": "application/json"}
# TPS A stands at -7.815000, 111.985000 (tests/factories.py).


def _post(client, tps, **data):
    return client.post(URL, {"tps": tps.pk, **data}, **JSON)


def test_keeps_the_position_and_its_distance_to_the_tps(login, field_officer, guard, tps_a):
    client = login(field_officer)

    response = _post(
        client,
        tps_a,
        latitude="-7.815900",
        longitude="111.985000",
        accuracy="12.4",
        idempotency_key=key(),
    )

    checkin = CheckIn.objects.get()
    assert response.status_code == 201
    assert checkin.distance_m == 100  # 0.0009° of latitude
    assert checkin.accuracy_m == 12
    assert checkin.far is False
    assert checkin.verified is True
    assert "100 m dari TPS" in response.json()["message"]


def test_flags_a_position_farther_than_300_m(login, field_officer, guard, tps_a):
    client = login(field_officer)

    response = _post(
        client, tps_a, latitude="-7.820000", longitude="111.985000", idempotency_key=key()
    )

    checkin = CheckIn.objects.get()
    assert checkin.distance_m == 556
    assert checkin.far is True
    assert "ditandai di dasbor" in response.json()["message"]


def test_the_far_threshold_is_configurable(login, field_officer, guard, tps_a, settings):
    settings.FIELD_CHECKIN_FAR_METRES = 1000

    _post(login(field_officer), tps_a, latitude="-7.820000", longitude="111.985000")

    assert CheckIn.objects.get().far is False


def test_without_a_position_the_check_in_is_kept_unverified(login, field_officer, guard, tps_a):
    response = _post(login(field_officer), tps_a)

    checkin = CheckIn.objects.get()
    assert response.status_code == 201
    assert checkin.latitude is None
    assert checkin.distance_m is None
    assert checkin.verified is False
    assert "belum terverifikasi" in response.json()["message"]


def test_the_same_check_in_sent_twice_is_stored_once(login, field_officer, guard, tps_a):
    client = login(field_officer)
    same = key()

    first = _post(client, tps_a, latitude="-7.815000", longitude="111.985000", idempotency_key=same)
    second = _post(
        client, tps_a, latitude="-7.815000", longitude="111.985000", idempotency_key=same
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert CheckIn.objects.count() == 1


def test_half_a_position_is_refused_with_422(login, field_officer, guard, tps_a):
    response = _post(login(field_officer), tps_a, latitude="-7.815000")

    assert response.status_code == 422
    assert "Posisi tidak lengkap" in str(response.json()["errors"])
    assert not CheckIn.objects.exists()


def test_without_javascript_the_form_redirects_to_me_with_a_message(
    login, field_officer, guard, tps_a
):
    client = login(field_officer)

    response = client.post(URL, {"tps": tps_a.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/me/#tps-{tps_a.pk}"
    assert "tanpa posisi (belum terverifikasi)" in response.content.decode()


def test_me_shows_the_distance_of_my_check_in(login, field_officer, guard, tps_a):
    client = login(field_officer)
    _post(client, tps_a, latitude="-7.820000", longitude="111.985000")

    body = client.get("/me/").content.decode()

    assert "556&nbsp;m dari TPS · JAUH" in body


@pytest.mark.parametrize("latitude", ["-91", "abc"])
def test_a_bad_position_is_refused(login, field_officer, guard, tps_a, latitude):
    response = _post(
        login(field_officer), tps_a, latitude=latitude, longitude=str(Decimal("111.9"))
    )

    assert response.status_code == 422
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("dropped", ["latitude", "longitude"])
def test_the_database_refuses_half_a_position(login, field_officer, guard, tps_a, dropped):
    from django.db import IntegrityError, transaction

    _post(
        login(field_officer),
        tps_a,
        latitude="-7.815900",
        longitude="111.985000",
        idempotency_key=key(),
    )

    with (
        pytest.raises(IntegrityError, match="opsboard_checkin_position_complete"),
        transaction.atomic(),
    ):
        CheckIn.objects.update(**{dropped: None})
