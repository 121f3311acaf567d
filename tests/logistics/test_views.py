"""The batch's page (recording), the dashboard's panel and the custody record: scope, refusals
that change nothing, constant queries."""

from datetime import timedelta

import pytest

from field.incidents.models import Incident
from field.models import LogisticsFlag, LogisticsLeg
from tests.factories import (
    LogisticsBatchFactory,
    LogisticsLegFactory,
    LogisticsPlaceFactory,
    PostFactory,
)
from tests.logistics.conftest import NINE, legs

pytestmark = pytest.mark.django_db
PANEL = "/lapangan/logistik/"


def _url(batch, suffix=""):
    return f"/lapangan/logistik/{batch.pk}/{suffix}"


def _snapshot(batch):
    return list(LogisticsLeg.objects.filter(batch=batch).order_by("order").values())


def test_command_staff_record_departure_arrival_and_handover(batch, command_staff, login, clock):
    client = login(command_staff)
    first = legs(batch)[0]
    clock.OPSBOARD_NOW = NINE - timedelta(hours=2)

    depart = client.post(
        _url(batch, "catat/"), {"action": "depart", "leg": first.pk, "boxes": 10, "ballots": 5000}
    )
    clock.OPSBOARD_NOW = NINE - timedelta(hours=1)
    client.post(_url(batch, "catat/"), {"action": "arrive", "leg": first.pk})
    handover = client.post(
        _url(batch, "catat/"),
        {
            "action": "handover",
            "leg": first.pk,
            "boxes": 9,
            "ballots": 5000,
            "name": "Sutrisno",
            "role": "Ketua PPK",
        },
    )

    assert depart.status_code == handover.status_code == 302
    first.refresh_from_db()
    assert (first.sent_boxes, first.received_boxes, first.received_by_name) == (10, 9, "Sutrisno")
    assert first.recorded_by == command_staff
    assert LogisticsFlag.objects.get().reason == "selisih"
    page = client.get(_url(batch)).content.decode()
    assert "Jumlah serah terima tidak cocok" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "depart", "boxes": -1, "ballots": 5000}, "tidak boleh negatif"),
        ({"action": "depart", "boxes": "x", "ballots": 5000}, "bilangan bulat"),
        ({"action": "depart", "boxes": 10, "ballots": 5000, "at": "kemarin"}, "Tulis waktu"),
        (
            {"action": "depart", "boxes": 10, "ballots": 5000, "at": "2024-11-27T10:00"},
            "jam operasi",
        ),
        ({"action": "arrive"}, "belum dicatat berangkat"),
        ({"action": "handover", "boxes": 1, "ballots": 1, "name": "X"}, "kedatangan"),
        ({"action": "handover", "boxes": 1, "ballots": 1, "name": ""}, "wajib"),
    ],
)
def test_refused_steps_answer_422_in_indonesian_and_change_nothing(
    batch, command_staff, login, data, message
):
    before = _snapshot(batch)

    response = login(command_staff).post(_url(batch, "catat/"), {"leg": legs(batch)[0].pk, **data})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert _snapshot(batch) == before
    assert not Incident.objects.exists()


def test_an_unknown_step_is_a_400_and_a_leg_of_another_batch_a_404(batch, command_staff, login):
    other = LogisticsLegFactory()
    client = login(command_staff)
    before = _snapshot(batch)

    unknown = client.post(_url(batch, "catat/"), {"action": "x", "leg": legs(batch)[0].pk})
    foreign = client.post(_url(batch, "catat/"), {"action": "arrive", "leg": other.pk})

    assert (unknown.status_code, foreign.status_code) == (400, 404)
    assert _snapshot(batch) == before


def test_polsek_staff_see_their_kecamatan_only(batch, pesantren, polsek_staff, login):
    theirs = LogisticsBatchFactory(kecamatan=pesantren, code="PSN-D-01")
    client = login(polsek_staff)

    panel = client.get(PANEL, HTTP_HX_REQUEST="true").content.decode()

    assert "MJR-D-01" in panel and "PSN-D-01" not in panel
    assert client.get(_url(batch)).status_code == 200
    assert client.get(_url(theirs)).status_code == 404
    assert client.get(_url(theirs, "cetak/")).status_code == 404
    assert client.post(_url(theirs, "catat/"), {"action": "arrive", "leg": 1}).status_code == 404


def test_field_officers_are_refused(batch, field_officer, login):
    client = login(field_officer)

    assert client.get(PANEL).status_code == 403
    assert client.get(_url(batch)).status_code == 403
    assert client.get(_url(batch, "cetak/")).status_code == 403
    assert client.post(_url(batch, "catat/"), {"action": "arrive"}).status_code == 403


def _batches(kecamatan, n):
    warehouse = LogisticsPlaceFactory()
    for i in range(n):
        batch = LogisticsBatchFactory(kecamatan=kecamatan)
        ppk = LogisticsPlaceFactory(kind="ppk", name=f"PPK {kecamatan.pk}-{i}", kecamatan=kecamatan)
        late = LogisticsLegFactory(batch=batch, order=1, origin=warehouse, destination=ppk)
        LogisticsLegFactory(batch=batch, order=2, origin=ppk, destination=warehouse)
        from field.logistics.services import logistics_flag_raise

        logistics_flag_raise(leg=late, reason="terlambat", at=NINE)


# session, user, batches (with kecamatan), legs (with both places), flags
PANEL_QUERIES = 5


@pytest.mark.parametrize("n", [1, 8])
def test_panel_queries_do_not_grow_with_batches(
    n, mojoroto, clock, command_staff, login, django_assert_num_queries
):
    _batches(mojoroto, n)
    client = login(command_staff)
    client.get(PANEL, HTTP_HX_REQUEST="true")

    with django_assert_num_queries(PANEL_QUERIES, exact=True):
        response = client.get(PANEL, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.decode().count("Terlambat dari rencana") == n


def test_the_dashboard_loads_the_panel_lazily(command_staff, login):
    body = login(command_staff).get("/").content.decode()

    assert 'id="field-logistics"' in body and 'hx-get="/lapangan/logistik/"' in body


def test_the_custody_record_names_cargo_vehicles_escorts_and_who_printed_it(
    batch, command_staff, login
):
    from audit.models import AuditEvent

    escort = PostFactory(kind="pengawalan_logistik", name="Pengawalan logistik PPK Mojoroto")
    batch.escorts.add(escort)
    batch.vehicles.create(plate="AG 1234 XY", description="Truk KPU")

    body = login(command_staff).get(_url(batch, "cetak/")).content.decode()

    for expected in ("MJR-D-01", "AG 1234 XY", "Pengawalan logistik PPK Mojoroto", "PPK Mojoroto"):
        assert expected in body
    assert "Dicetak oleh" in body and "WIB" in body
    assert AuditEvent.objects.filter(kind="export", detail__code="MJR-D-01").exists()
