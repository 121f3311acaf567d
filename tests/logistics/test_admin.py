"""Admins enter batches with their vehicles and planned legs in the admin; command staff read."""

from datetime import timedelta

import pytest

from field.logistics.admin import LogisticsVehicleForm
from field.models import LogisticsBatch
from tests.factories import ELECTION_DAY_9AM, LogisticsPlaceFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/field/logisticsbatch/add/"


def _inline(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _batch_post(mojoroto, plate: str) -> dict:
    warehouse = LogisticsPlaceFactory()
    ppk = LogisticsPlaceFactory(kind="ppk", name="PPK Mojoroto", kecamatan=mojoroto)
    start = ELECTION_DAY_9AM - timedelta(days=1)
    return {
        "code": "MJR-D-09",
        "kecamatan": mojoroto.pk,
        "direction": "distribusi",
        "boxes": "12",
        "ballots": "6000",
        **_inline("vehicles", 1),
        "vehicles-0-plate": plate,
        **_inline("legs", 1),
        "legs-0-order": "1",
        "legs-0-origin": warehouse.pk,
        "legs-0-destination": ppk.pk,
        "legs-0-planned_departure_0": start.strftime("%Y-%m-%d"),
        "legs-0-planned_departure_1": "08:00",
        "legs-0-planned_arrival_0": start.strftime("%Y-%m-%d"),
        "legs-0-planned_arrival_1": "10:00",
    }


def test_admins_enter_a_batch_with_its_vehicle_and_leg(login, ops_admin, mojoroto):
    response = login(ops_admin).post(ADD, _batch_post(mojoroto, "ag  1234 xy"))

    assert response.status_code == 302, response.content.decode()[:2000]
    batch = LogisticsBatch.objects.get(code="MJR-D-09")
    assert list(batch.vehicles.values_list("plate", flat=True)) == ["AG 1234 XY"]
    assert batch.legs.get().planned_arrival - batch.legs.get().planned_departure == timedelta(
        hours=2
    )


def test_a_plate_of_another_shape_is_refused_in_indonesian_and_nothing_is_saved(
    login, ops_admin, mojoroto
):
    response = login(ops_admin).post(ADD, _batch_post(mojoroto, "AG-1234"))

    assert response.status_code == 200
    assert "Nomor polisi tidak sah" in response.content.decode()
    assert not LogisticsBatch.objects.exists()


def test_command_staff_read_but_do_not_add(login, command_staff):
    client = login(command_staff)

    assert client.get("/admin/field/logisticsbatch/").status_code == 200
    assert client.get(ADD).status_code == 403


def test_the_vehicle_form_normalises_the_plate():
    form = LogisticsVehicleForm(data={"plate": " b 12  abc "})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["plate"] == "B 12 ABC"
