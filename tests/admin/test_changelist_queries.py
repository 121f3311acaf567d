"""The admin's lists issue a fixed number of queries, whatever the number of rows: checked at
the demo's 2,285 people and at 20,000 (bulk-created), for personnel, assignments and TPS."""

from datetime import datetime

import pytest
from django.urls import reverse

from deployments.models import Assignment, Force, Personnel, PostKind
from deployments.phases import WIB
from tests.factories import DesaFactory, PolsekFactory, SatlinmasFactory, UnitFactory, phase
from tps.models import TPS

SIZES = [2_285, 20_000]


def _people(count: int, units) -> list[Personnel]:
    people = []
    for n in range(count):
        unit = units[n % len(units)]
        linmas = unit.force == Force.LINMAS
        people.append(
            Personnel(
                force=unit.force,
                unit=unit,
                rank="" if linmas else "Bripka",
                identifier=f"LM-{n:06d}" if linmas else f"{80000000 + n}",
                name=f"Petugas {n:05d}",
                home_desa=unit.desa,
            )
        )
    return Personnel.objects.bulk_create(people, batch_size=2_000)


@pytest.fixture
def units(mojoroto, bandar_lor):
    return [
        PolsekFactory(kecamatan=mojoroto),
        UnitFactory(code="sat-samapta", name="Sat Samapta"),
        SatlinmasFactory(desa=bandar_lor),
    ]


@pytest.fixture
def stations(bandar_lor):
    return TPS.objects.bulk_create(
        TPS(desa=bandar_lor, number=n, latitude="-7.815", longitude="111.985")
        for n in range(1, 101)
    )


def _assignments(people, stations) -> None:
    pemungutan = phase()
    start = datetime(2024, 11, 26, 13, 0, tzinfo=WIB)
    end = datetime(2024, 11, 28, 18, 0, tzinfo=WIB)
    made = Assignment.objects.bulk_create(
        (
            Assignment(
                personnel=p, phase=pemungutan, kind=PostKind.PAM_TPS, starts_at=start, ends_at=end
            )
            for p in people
        ),
        batch_size=2_000,
    )
    Through = Assignment.tps.through
    Through.objects.bulk_create(
        (
            Through(assignment_id=a.pk, tps_id=stations[i % len(stations)].pk)
            for i, a in enumerate(made)
        ),
        batch_size=5_000,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_personnel_list_issues_a_fixed_number_of_queries(
    login, ops_admin, units, size, django_assert_num_queries
):
    _people(size, units)
    client = login(ops_admin)

    # 10: session; the user with their role; user and group permissions (2); kecamatan filter
    # choices; units in use (the "satuan" filter); COUNT of the filtered rows inside a
    # SAVEPOINT and its RELEASE (2 more; core/admin_input.py: only inside the test's outer
    # transaction, a request in autocommit has none); the page of 50 with unit and home desa
    # joined. Nothing is written: the session is saved at most once a minute
    # (opsboard.sessions.IdleTimeoutMiddleware).
    with django_assert_num_queries(10):
        response = client.get(reverse("admin:deployments_personnel_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_assignment_list_issues_a_fixed_number_of_queries(
    login, ops_admin, units, stations, size, django_assert_num_queries
):
    _assignments(_people(size, units), stations)
    client = login(ops_admin)

    # 14: session; the user with their role; user and group permissions (2); phases,
    # kecamatan and Sprin in use for the filters (3); COUNT inside a SAVEPOINT and its RELEASE
    # (2, as above); the page of 50 with person, phase,
    # post and Sprin joined; its TPS with their desa (one prefetch); the date hierarchy's range
    # and its days (2).
    with django_assert_num_queries(14):
        response = client.get(reverse("admin:deployments_assignment_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("size", [100, 2_997])
def test_tps_list_issues_a_fixed_number_of_queries(
    login, ops_admin, operation, bandar_lor, size, django_assert_num_queries
):
    desa = [bandar_lor] + [
        DesaFactory(kecamatan=bandar_lor.kecamatan, code=f"35710110{n:02d}") for n in (2, 3)
    ]
    TPS.objects.bulk_create(
        TPS(desa=desa[n // 999], number=n % 999 + 1, latitude="-7.815", longitude="111.985")
        for n in range(size)
    )
    client = login(ops_admin)

    # 11: session; the user with their role; user and group permissions (2); the operation,
    # its phases and the current snapshot (3: the coverage column); kecamatan and desa in use
    # (filters, 2); COUNT inside a SAVEPOINT and its RELEASE (2, as above); the page of 50 with
    # desa and kecamatan and the snapshot's status and guards as subqueries.
    with django_assert_num_queries(13):
        response = client.get(reverse("admin:tps_tps_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
