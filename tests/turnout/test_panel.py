"""The dashboard's turnout panel: constant queries, Polsek scope, field officers refused."""

import pytest
from django.utils import timezone

from field.models import TPSStatusStep, TurnoutCount, TurnoutReport
from tests.factories import DesaFactory, TPSFactory

pytestmark = pytest.mark.django_db

URL = "/lapangan/kehadiran/"
# session, user, TPS per kecamatan, latest report per (TPS, source), TPS per kecamatan and last
# status step, hourly counts per TPS and hour (the user's access is read through the session
# middleware's cached user, none more per TPS)
PANEL_QUERIES = 6


def _reported_tps(kecamatan, n):
    desa = DesaFactory(kecamatan=kecamatan)
    for _ in range(n):
        tps = TPSFactory(desa=desa, registered_voters=100)
        TurnoutReport.objects.create(
            tps=tps,
            source="officer",
            voters_used=70,
            dpt=100,
            max_voters=102,
            reported_at=timezone.now(),
        )
        TurnoutCount.objects.create(
            tps=tps,
            hour=9,
            voters_so_far=30,
            source="officer",
            dpt=100,
            max_voters=102,
            reported_at=timezone.now(),
        )
        TPSStatusStep.objects.create(tps=tps, step=2, at=timezone.now())


@pytest.mark.parametrize("n", [2, 20])
def test_panel_queries_do_not_grow_with_tps(
    n, mojoroto, command_staff, login, django_assert_num_queries
):
    _reported_tps(mojoroto, n)
    client = login(command_staff)
    client.get(URL, HTTP_HX_REQUEST="true")

    with django_assert_num_queries(PANEL_QUERIES, exact=True):
        response = client.get(URL, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f"{n} / {n}".encode() in response.content


def test_polsek_staff_see_their_kecamatan_only(mojoroto, pesantren, polsek_staff, login):
    _reported_tps(mojoroto, 1)
    _reported_tps(pesantren, 1)

    body = login(polsek_staff).get(URL, HTTP_HX_REQUEST="true").content.decode()

    assert "Mojoroto" in body
    assert "Pesantren" not in body


def test_field_officers_are_refused(field_officer, login):
    assert login(field_officer).get(URL).status_code == 403


def test_dashboard_loads_the_panel(command_staff, login):
    body = login(command_staff).get("/").content.decode()

    assert 'id="field-turnout"' in body


def test_the_day_shows_hourly_percent_and_tps_open_or_counting(mojoroto, command_staff, login):
    _reported_tps(mojoroto, 2)  # both open, 30 of 100 counted at 09.00
    closed = TPSFactory(desa=DesaFactory(kecamatan=mojoroto), registered_voters=100)
    for step in (1, 2, 3):
        TPSStatusStep.objects.create(tps=closed, step=step, at=timezone.now())

    body = login(command_staff).get(URL, HTTP_HX_REQUEST="true").content.decode()

    day = body[body.index('id="turnout-day"') :]
    row = day[day.index("<td>Mojoroto</td>") :].split("</tr>")[0]
    assert '<td class="num" title="2 TPS">30,0</td>' in row
    # not open, voting, counting, done
    assert row.rstrip().endswith(
        '<td class="num">0</td><td class="num">2</td><td class="num">1</td><td class="num">0</td>'
    )
