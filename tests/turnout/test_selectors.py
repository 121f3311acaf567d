"""turnout_by_area equals a hand count over factories, in two queries, scoped to the reader."""

from datetime import timedelta

import pytest
from django.utils import timezone

from field.models import TurnoutReport
from field.turnout.selectors import turnout_by_area
from tests.factories import DesaFactory, TPSFactory

pytestmark = pytest.mark.django_db


def _row(tps, source, voters_used, minutes_ago=0):
    return TurnoutReport.objects.create(
        tps=tps,
        source=source,
        voters_used=voters_used,
        dpt=tps.registered_voters,
        max_voters=tps.registered_voters * 2,
        reported_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def world(mojoroto, pesantren):
    desa_m = DesaFactory(kecamatan=mojoroto)
    desa_p = DesaFactory(kecamatan=pesantren)
    m1 = TPSFactory(desa=desa_m, registered_voters=200)
    m2 = TPSFactory(desa=desa_m, registered_voters=300)
    TPSFactory(desa=desa_m, registered_voters=400)  # has not reported
    p1 = TPSFactory(desa=desa_p, registered_voters=100)
    _row(m1, "officer", 50, minutes_ago=30)  # superseded by the Posko's later figure
    _row(m1, "posko", 150, minutes_ago=10)
    _row(m2, "officer", 240)
    _row(m2, "kpu", 250)
    _row(p1, "officer", 80)
    return {"mojoroto": mojoroto, "pesantren": pesantren}


def test_per_kecamatan_equals_a_hand_count(world, command_staff):
    areas = {a.name: a for a in turnout_by_area(user=command_staff)}

    m = areas["Mojoroto"]
    assert (m.tps_total, m.reported.tps_reported) == (3, 2)
    assert (m.reported.voters_used, m.reported.dpt) == (150 + 240, 200 + 300)
    assert m.reported.percent == 78.0
    assert (m.kpu.voters_used, m.kpu.tps_reported, m.difference) == (250, 1, 250 - 390)
    p = areas["Pesantren"]
    assert (p.tps_total, p.reported.voters_used, p.difference) == (1, 80, None)


def test_per_desa(world, command_staff):
    areas = turnout_by_area(user=command_staff, level="desa")

    assert sorted(a.reported.voters_used for a in areas) == [80, 390]


def test_query_count_does_not_grow_with_tps(world, command_staff, django_assert_num_queries):
    turnout_by_area(user=command_staff)  # the user's access is read once, then cached on it
    # 2 queries: TPS per area with names; latest report per (TPS, source)
    with django_assert_num_queries(2):
        turnout_by_area(user=command_staff)
    for _ in range(18):
        _row(TPSFactory(desa=DesaFactory(kecamatan=world["pesantren"])), "officer", 0)

    with django_assert_num_queries(2):
        turnout_by_area(user=command_staff)


def test_polsek_staff_read_their_kecamatan_only(world, polsek_staff):
    assert [a.name for a in turnout_by_area(user=polsek_staff)] == ["Mojoroto"]


def test_field_officers_read_nothing(world, field_officer):
    assert turnout_by_area(user=field_officer) == []
