"""The strength ledger per unit (issue #18, docs/strength.md): on paper, BKO in and out,
unavailable, on duty, in reserve and free at the operation clock, per Polri and TNI unit and
per kecamatan's Linmas; the mark above the committed share; the reserve pool by name; Polsek
staff see their kecamatan's; one query."""

from datetime import timedelta

import pytest

from core.access import access_of
from deployments.ledger import ledger_total, reserve_pool, strength_by_unit
from deployments.models import Force, PostKind, Unavailability
from tests.factories import (
    ELECTION_DAY_9AM,
    AssignmentFactory,
    BkoInFactory,
    DesaFactory,
    LinmasFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SatlinmasFactory,
    UnitFactory,
    phase,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kecamatan_a(election_day, mojoroto, pesantren):
    """Polsek Mojoroto: 4 Polri (one sick, one on a TPS, one in reserve, one free, one
    inactive); 3 Linmas over two desa, one on duty; a Koramil man free; Polsek Pesantren's
    one Polri on duty."""
    pemungutan = phase()
    polsek = PolsekFactory(kecamatan=mojoroto)
    sick, guard, reserve, _free = (PersonnelFactory(unit=polsek) for _ in range(4))
    PersonnelFactory(unit=polsek, active=False)
    Unavailability.objects.create(
        personnel=sick,
        kind=Unavailability.Kind.SICK,
        starts_at=ELECTION_DAY_9AM - timedelta(hours=1),
        ends_at=ELECTION_DAY_9AM + timedelta(hours=1),
    )
    AssignmentFactory(personnel=guard, phase=pemungutan)
    AssignmentFactory(
        personnel=reserve,
        phase=pemungutan,
        kind=PostKind.CADANGAN,
        post=PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polsek"),
    )
    desa = [DesaFactory(kecamatan=mojoroto, code=f"35710110{n:02d}") for n in (1, 2)]
    linmas = [LinmasFactory(unit=SatlinmasFactory(desa=d)) for d in desa + desa[:1]]
    AssignmentFactory(personnel=linmas[0], phase=pemungutan)
    koramil = UnitFactory(force=Force.TNI, kind="koramil", name="Koramil Mojoroto")
    PersonnelFactory(unit=koramil, force=Force.TNI, rank="Serda")
    other = PersonnelFactory(unit=PolsekFactory(kecamatan=pesantren))
    AssignmentFactory(personnel=other, phase=pemungutan)
    return polsek


def _rows(user):
    return {
        row.label: (row.paper, row.unavailable, row.committed, row.reserve, row.available)
        for row in strength_by_unit(user, at=ELECTION_DAY_9AM)
    }


def test_the_ledger_counts_each_unit_at_the_moment(kecamatan_a, command_staff):
    rows = _rows(command_staff)

    assert rows == {
        "Polsek Mojoroto": (4, 1, 2, 1, 1),
        "Polsek Pesantren": (1, 0, 1, 0, 0),
        "Koramil Mojoroto": (1, 0, 0, 0, 1),
        "Linmas Kec. Mojoroto": (3, 0, 1, 0, 2),
    }
    # Polri first, then TNI, then Linmas.
    forces = [row.force for row in strength_by_unit(command_staff, at=ELECTION_DAY_9AM)]
    assert forces == ["POLRI", "POLRI", "TNI", "LINMAS"]


def test_a_unit_committed_beyond_the_share_is_marked(kecamatan_a, command_staff, settings):
    by_label = {r.label: r for r in strength_by_unit(command_staff, at=ELECTION_DAY_9AM)}
    mojoroto = by_label["Polsek Mojoroto"]

    assert round(mojoroto.committed_share, 3) == 0.667  # 2 of the 3 at hand
    settings.STRENGTH_COMMITTED_WARN_PERCENT = 67
    assert not mojoroto.over_committed
    settings.STRENGTH_COMMITTED_WARN_PERCENT = 60
    assert mojoroto.over_committed
    assert by_label["Polsek Pesantren"].over_committed  # all of it on duty


def test_polsek_staff_see_their_kecamatans_units_only(kecamatan_a, polsek_staff):
    assert set(_rows(polsek_staff)) == {"Polsek Mojoroto", "Linmas Kec. Mojoroto"}


def _bko(polsek):
    """Into Polsek Mojoroto: two Brimob and one of Polres Blitar attached now (one Brimob on
    duty), one Brimob attached only from tomorrow; out of it: one lent to Polres Blitar now,
    one lent out only tomorrow."""
    now, day = ELECTION_DAY_9AM, timedelta(days=1)
    for origin in ("Sat Brimob Polda Jatim", "Sat Brimob Polda Jatim", "Polres Blitar"):
        attached = BkoInFactory(
            personnel=PersonnelFactory(unit=polsek),
            origin_unit=origin,
            starts_at=now - day,
            ends_at=now + day,
        )
    AssignmentFactory(
        personnel=attached.personnel, starts_at=now - timedelta(hours=1), ends_at=now + day
    )
    later = PersonnelFactory(unit=polsek)
    BkoInFactory(personnel=later, starts_at=now + day, ends_at=now + 2 * day)
    for starts_at in (now - day, now + day):
        Unavailability.objects.create(
            personnel=PersonnelFactory(unit=polsek),
            kind=Unavailability.Kind.BKO_OUT,
            starts_at=starts_at,
            ends_at=starts_at + day + timedelta(hours=1),
            destination="Polres Blitar",
            sprin_number="Sprin/1/XI/2024",
        )


def test_bko_in_counts_in_its_unit_while_attached_and_bko_out_is_not_at_hand(
    kecamatan_a, command_staff
):
    _bko(kecamatan_a)

    rows = {r.label: r for r in strength_by_unit(command_staff, at=ELECTION_DAY_9AM)}
    mojoroto = rows["Polsek Mojoroto"]
    total = ledger_total(list(rows.values()))

    # 4 own as before, 3 attached now, 2 lent out (one of them only from tomorrow).
    assert (mojoroto.paper, mojoroto.bko_in, mojoroto.lent_out) == (9, 3, 1)
    assert (mojoroto.unavailable, mojoroto.committed, mojoroto.reserve) == (1, 3, 1)
    assert mojoroto.at_hand == 7 and mojoroto.available == 4
    assert mojoroto.origin_list == [("Polres Blitar", 1), ("Sat Brimob Polda Jatim", 2)]
    assert (total.paper, total.bko_in, total.lent_out) == (14, 3, 1)
    assert total.origin_list == mojoroto.origin_list


def test_the_reserve_pool_lists_the_people_held_in_reserve(
    kecamatan_a, command_staff, polsek_staff, polsek_staff_other
):
    [reserve] = reserve_pool(command_staff, at=ELECTION_DAY_9AM)

    assert reserve.post.name == "Cadangan Polsek"
    assert [d.pk for d in reserve_pool(polsek_staff, at=ELECTION_DAY_9AM)] == [reserve.pk]
    assert reserve_pool(polsek_staff_other, at=ELECTION_DAY_9AM) == []


@pytest.mark.parametrize("extra", [0, 20])
def test_the_ledger_is_one_query_whatever_the_people(
    kecamatan_a, command_staff, extra, django_assert_num_queries
):
    for _ in range(extra):
        PersonnelFactory(unit=kecamatan_a)
    for _ in range(extra // 10):
        _bko(kecamatan_a)
    access_of(command_staff)  # the user's role, read once per request by the middleware

    with django_assert_num_queries(1):
        strength_by_unit(command_staff, at=ELECTION_DAY_9AM)


def test_the_page_and_the_dashboards_part(kecamatan_a, command_staff, field_officer, login):
    client = login(command_staff)

    page = client.get("/kekuatan/")
    part = client.get("/kekuatan/", headers={"HX-Request": "true"})
    dashboard = client.get("/").content.decode()

    assert page.status_code == 200 and "Polsek Mojoroto" in page.content.decode()
    assert 'id="cadangan"' in page.content.decode()
    assert 'id="cadangan"' not in part.content.decode()
    assert part.content.decode().lstrip().startswith('<section id="strength"')
    assert 'hx-get="/kekuatan/"' in dashboard
    assert login(field_officer).get("/kekuatan/")["Location"] == "/me/"
