"""GET /api/tps-turnout.json: the map layer's rows per TPS, scoped, in constant queries."""

import pytest
from django.utils import timezone

from field.models import TurnoutReport
from tests.factories import DesaFactory, TPSFactory

pytestmark = pytest.mark.django_db

URL = "/api/tps-turnout.json"
# session, user, latest report per (TPS, source) with the TPS's point
JSON_QUERIES = 3


def _report(tps, source, voters, minutes=0):
    TurnoutReport.objects.create(
        tps=tps,
        source=source,
        voters_used=voters,
        dpt=200,
        max_voters=204,
        reported_at=timezone.now() + timezone.timedelta(minutes=minutes),
    )


def test_rows_give_percent_source_and_the_kpu_beside(tps_a, command_staff, login):
    tps_a.latitude, tps_a.longitude = -7.8123456, 111.9876543
    tps_a.save()
    _report(tps_a, "officer", 100)
    _report(tps_a, "posko", 150, minutes=5)  # the later of the two is laporan petugas
    _report(tps_a, "kpu", 152)

    body = login(command_staff).get(URL).json()

    assert body["columns"] == ["id", "lat", "lng", "percent", "source", "kpu_percent"]
    assert body["tps"] == [[tps_a.pk, -7.81235, 111.98765, 75.0, "posko", 76.0]]


def test_a_tps_with_only_the_kpus_figure_is_a_kpu_row(tps_a, command_staff, login):
    _report(tps_a, "kpu", 100)

    body = login(command_staff).get(URL).json()

    ((tps_id, _lat, _lng, percent, source, kpu),) = body["tps"]
    assert (tps_id, percent, source, kpu) == (tps_a.pk, 50.0, "kpu", 50.0)


def test_polsek_staff_get_their_kecamatan_only(tps_a, tps_b, polsek_staff, login):
    _report(tps_a, "officer", 10)
    _report(tps_b, "officer", 10)

    body = login(polsek_staff).get(URL).json()

    assert [row[0] for row in body["tps"]] == [tps_a.pk]


def test_field_officers_are_refused(field_officer, login):
    assert login(field_officer).get(URL).status_code == 403


def test_anonymous_gets_401(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("n", [2, 20])
def test_queries_do_not_grow_with_tps(n, mojoroto, command_staff, login, django_assert_num_queries):
    desa = DesaFactory(kecamatan=mojoroto)
    for _ in range(n):
        tps = TPSFactory(desa=desa)
        _report(tps, "officer", 50)
        _report(tps, "kpu", 51)
    client = login(command_staff)

    with django_assert_num_queries(JSON_QUERIES, exact=True):
        response = client.get(URL)

    assert len(response.json()["tps"]) == n
