"""Dispatch (issue #15): candidates nearest first, the coverage preview, the temporary duty.

The operation clock is 09.00 WIB on election day (the election_day fixture); the pattern asks
2 Polri per 4 kurang rawan TPS (0.5 a TPS), so one guard on a TPS covers it.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from deployments.coverage import coverage_compute
from deployments.models import Assignment, CoverageTPS, PostKind, Unavailability
from deployments.services.dispatch import DISPATCH_HOURS
from field.dispatch import selectors, services
from field.dispatch.models import IncidentDispatch
from field.incidents.models import EventKind, Incident, IncidentState
from field.models import CheckIn
from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    TPSFactory,
)
from tests.field.dispatch_helpers import (
    KM,
    dispatch_world,
    election_day_at,
    guard_at,
    post_holder,
    tps_km_north,
)
from tests.field.dispatch_helpers import command_user as _command


@pytest.fixture
def world(election_day, mojoroto, tps_a):
    return dispatch_world(election_day, mojoroto, tps_a)


# Candidates


@pytest.mark.django_db
def test_candidates_list_reserve_and_patrol_first_then_nearest(world):
    post_holder(world, PostKind.CADANGAN, name="Cadangan jauh", km_north=8)
    post_holder(world, PostKind.PATROLI, name="Patroli dekat", km_north=2)
    guard_at(world, world["tps"], name="Penjaga di TPS")
    guard_at(world, tps_km_north(world, 3, 2), name="Penjaga 3 km")
    guard_at(world, tps_km_north(world, 30, 3), name="Penjaga 30 km")

    found = selectors.responder_candidates(
        world["incident"], user=_command(), now=election_day_at(0)
    )

    assert [c.person.name for c in found] == [
        "Patroli dekat",
        "Cadangan jauh",
        "Penjaga di TPS",
        "Penjaga 3 km",
    ]
    assert [round(c.distance_km, 1) for c in found] == [2.0, 8.0, 0.0, 3.0]
    assert all(c.available for c in found)


@pytest.mark.django_db
def test_candidate_distance_is_from_the_last_checkin_with_a_position(world):
    person, _duty = guard_at(world, tps_km_north(world, 5, 2), name="Penjaga yang pindah")
    for minutes, km in ((-60, 4), (-10, 1)):
        CheckIn.objects.create(
            person=person,
            tps=world["tps"],
            phase=world["phase"],
            at=election_day_at(minutes),
            latitude=world["tps"].latitude + km * KM,
            longitude=world["tps"].longitude,
        )

    [found] = selectors.responder_candidates(
        world["incident"], user=_command(), now=election_day_at(0)
    )

    assert round(found.distance_km, 1) == 1.0 and found.located_by == "check-in"


@pytest.mark.django_db
def test_candidates_say_who_is_already_sent_or_unavailable(world):
    sent, _ = post_holder(world, PostKind.CADANGAN, name="Sudah dikirim", km_north=1)
    off, patrol = post_holder(world, PostKind.PATROLI, name="Cuti sebentar lagi", km_north=1)
    # The patrol ends where the leave begins: a period over a duty is refused (migration 0013).
    Assignment.objects.filter(pk=patrol.pk).update(ends_at=election_day_at(120))
    Unavailability.objects.create(
        personnel=off,
        kind="leave",
        starts_at=election_day_at(120),
        ends_at=election_day_at(600),
    )
    other = Incident.objects.create(
        title="Lain",
        incident_class="gangguan",
        state=IncidentState.DIVERIFIKASI,
        tps=world["tps"],
        kecamatan=world["tps"].desa.kecamatan,
        reported_at=election_day_at(-30),
        verified_at=election_day_at(-20),
    )
    services.incident_dispatch(incident=other, by=_command(), personnel_ids=[sent.pk])

    found = {
        c.person.name: c.busy
        for c in selectors.responder_candidates(
            world["incident"], user=_command(), now=election_day_at(0)
        )
    }

    assert found["Sudah dikirim"] == f"Sedang menangani {other.number}."
    assert found["Cuti sebentar lagi"].startswith("Tidak tersedia mulai")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_candidates_take_the_same_queries_whatever_their_number(
    world, count, django_assert_num_queries
):
    for n in range(count):
        person, _ = guard_at(world, tps_km_north(world, n % 5, n + 100), name=f"Penjaga {n:02d}")
        CheckIn.objects.create(
            person=person,
            tps=world["tps"],
            phase=world["phase"],
            at=election_day_at(-5),
            latitude=world["tps"].latitude,
            longitude=world["tps"].longitude,
        )
    user = _command()
    incident = Incident.objects.select_related("tps").get(pk=world["incident"].pk)

    # the user's role (groups); the candidates with person, unit, post, dispatch link and the
    # check-in and unavailability subqueries; their TPS (prefetch)
    with django_assert_num_queries(3):
        found = selectors.responder_candidates(incident, user=user, now=election_day_at(0))
        labels = [c.duty_label for c in found]

    assert len(labels) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_candidate_part_and_preview_take_the_same_queries_whatever_their_number(
    world, count, login, command_staff, django_assert_num_queries
):
    people = [
        guard_at(world, tps_km_north(world, n % 5, n + 100), name=f"Penjaga {n:02d}")[0]
        for n in range(count)
    ]
    client = login(command_staff)
    pk = world["incident"].pk

    # session, user (its role comes with the session); the incident with its TPS and
    # kecamatan; the candidates; their TPS
    with django_assert_num_queries(5):
        part = client.get(reverse("field:incident_responders", args=[pk]), HTTP_HX_REQUEST="true")
    # session, user; the incident; the people; their duties with person and post, and those
    # duties' TPS; unavailability; the operation; the phase; then before and after, each:
    # the pattern, the TPS, the counted duties over them
    with django_assert_num_queries(15):
        preview = client.get(
            reverse("field:incident_dispatch_preview", args=[pk]),
            {"personnel": [p.pk for p in people]},
            HTTP_HX_REQUEST="true",
        )

    assert part.status_code == 200 and preview.status_code == 200
    assert part.content.decode().count('name="personnel"') == count


# The dispatch


@pytest.mark.django_db
def test_dispatch_relieves_the_tps_duty_and_starts_a_temporary_one(world):
    person, tps_duty = guard_at(world, world["tps"], name="Penjaga")
    now = election_day_at(0)

    [link] = services.incident_dispatch(
        incident=world["incident"], by=_command(), personnel_ids=[person.pk], note="Segera"
    )

    tps_duty.refresh_from_db()
    assert tps_duty.ends_at == now and tps_duty.status == Assignment.Status.RELIEVED
    duty = link.duty
    assert duty.kind == PostKind.KEJADIAN and duty.personnel == person
    assert (duty.starts_at, duty.ends_at) == (now, now + timedelta(hours=DISPATCH_HOURS))
    assert link.relieved == tps_duty and link.incident == world["incident"]
    assert duty.incident_dispatch.incident == world["incident"]  # what /me/ will read
    incident = Incident.objects.get(pk=world["incident"].pk)
    assert incident.state == IncidentState.DITANGANI and incident.dispatched_at == now
    assert list(incident.responders.all()) == [person]
    event = incident.events.get(kind=EventKind.DISPATCHED)
    assert event.data["responders"] == [person.pk] and "Penjaga" in event.text


@pytest.mark.django_db
def test_dispatch_ends_before_the_persons_next_duty(world):
    person = PersonnelFactory(unit=world["polsek"])
    later = AssignmentFactory(
        personnel=person,
        phase=world["phase"],
        tps=[world["tps"]],
        starts_at=election_day_at(60),
        ends_at=election_day_at(600),
    )

    [link] = services.incident_dispatch(
        incident=world["incident"], by=_command(), personnel_ids=[person.pk]
    )

    assert link.relieved is None and link.duty.ends_at == later.starts_at


@pytest.mark.django_db
def test_resolving_the_incident_ends_the_dispatch_duties(world, settings):
    person, _ = guard_at(world, world["tps"], name="Penjaga")
    by = _command()
    [link] = services.incident_dispatch(
        incident=world["incident"], by=by, personnel_ids=[person.pk]
    )
    from field.incidents import services as lifecycle

    settings.OPSBOARD_NOW = election_day_at(30)
    incident = lifecycle.incident_arrive(incident=world["incident"], by=by)
    settings.OPSBOARD_NOW = election_day_at(75)
    lifecycle.incident_resolve(incident=incident, by=by, resolution="Massa bubar")

    link.duty.refresh_from_db()
    assert link.duty.ends_at == election_day_at(75)
    assert link.duty.status == Assignment.Status.ACTIVE


@pytest.mark.django_db
def test_unknown_people_are_refused_by_the_service(world):
    person, _ = guard_at(world, world["tps"], name="Penjaga")

    with pytest.raises(ValidationError, match="tidak dikenal"):
        services.incident_dispatch(
            incident=world["incident"], by=_command(), personnel_ids=[person.pk, 10**9]
        )

    assert not IncidentDispatch.objects.exists()


@pytest.mark.django_db
def test_a_dispatched_officer_still_opens_their_me_page(world, login):
    from deployments.services import personnel_account_create

    person, _ = guard_at(world, world["tps"], name="Penjaga")
    user = personnel_account_create(personnel=person, password="test-Pass-2024")
    services.incident_dispatch(incident=world["incident"], by=_command(), personnel_ids=[person.pk])

    page = login(user).get("/me/")

    assert page.status_code == 200 and "Penanganan kejadian" in page.content.decode()


def _nothing_written(world, before: int):
    incident = Incident.objects.get(pk=world["incident"].pk)
    assert incident.state == IncidentState.DIVERIFIKASI
    assert Assignment.objects.count() == before
    assert not Assignment.objects.exclude(status=Assignment.Status.ACTIVE).exists()
    assert not IncidentDispatch.objects.exists() and not incident.responders.exists()


@pytest.mark.django_db
def test_a_person_already_sent_elsewhere_refuses_the_whole_dispatch(world):
    free, _ = guard_at(world, world["tps"], name="Bebas")
    busy = PersonnelFactory(unit=world["polsek"], name="Sibuk")
    AssignmentFactory(
        personnel=busy,
        phase=world["phase"],
        kind=PostKind.KEJADIAN,
        starts_at=election_day_at(-1),
        ends_at=election_day_at(120),
    )
    before = Assignment.objects.count()

    with pytest.raises(ValidationError, match="sedang menangani kejadian lain"):
        services.incident_dispatch(
            incident=world["incident"], by=_command(), personnel_ids=[free.pk, busy.pk]
        )

    _nothing_written(world, before)


@pytest.mark.django_db
def test_an_unavailable_person_refuses_the_whole_dispatch(world):
    free, _ = guard_at(world, world["tps"], name="Bebas")
    reserve, duty = post_holder(world, PostKind.CADANGAN, name="Cadangan", km_north=1)
    Assignment.objects.filter(pk=duty.pk).update(ends_at=election_day_at(60))
    Unavailability.objects.create(
        personnel=reserve, kind="sick", starts_at=election_day_at(60), ends_at=election_day_at(900)
    )
    before = Assignment.objects.count()

    with pytest.raises(ValidationError, match="tidak tersedia"):
        services.incident_dispatch(
            incident=world["incident"], by=_command(), personnel_ids=[free.pk, reserve.pk]
        )

    _nothing_written(world, before)


@pytest.mark.services  # the exclusion constraint is PostgreSQL's
@pytest.mark.django_db
def test_postgresql_refuses_a_dispatch_duty_over_another_duty(world):
    person, _ = guard_at(world, world["tps"], name="Penjaga")

    with (
        pytest.raises(IntegrityError, match="deployments_assignment_no_overlap"),
        transaction.atomic(),
    ):
        Assignment.objects.create(
            personnel=person,
            phase=world["phase"],
            kind=PostKind.KEJADIAN,
            starts_at=election_day_at(0),
            ends_at=election_day_at(60),
        )


@pytest.mark.django_db
def test_the_database_refuses_a_post_on_a_dispatch_duty(world):
    person = PersonnelFactory()

    with (
        pytest.raises(IntegrityError, match="deployments_assignment_dispatch_no_post"),
        transaction.atomic(),
    ):
        Assignment.objects.create(
            personnel=person,
            phase=world["phase"],
            kind=PostKind.KEJADIAN,
            post=PostFactory(),
            starts_at=election_day_at(0),
            ends_at=election_day_at(60),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["dilaporkan", "selesai"])
def test_an_incident_in_another_state_is_refused(world, state):
    person, _ = guard_at(world, world["tps"], name="Penjaga")
    incident = world["incident"]
    fields = {"state": state}
    if state == "dilaporkan":
        fields["verified_at"] = None
    else:
        fields.update(
            dispatched_at=election_day_at(-15),
            arrived_at=election_day_at(-10),
            resolved_at=election_day_at(-5),
            resolution="Selesai",
        )
    Incident.objects.filter(pk=incident.pk).update(**fields)

    with pytest.raises(ValidationError, match="tidak dapat dikirimi personel"):
        services.incident_dispatch(incident=incident, by=_command(), personnel_ids=[person.pk])

    assert not IncidentDispatch.objects.exists()


# The preview against the engine


@pytest.mark.django_db
def test_preview_figures_are_the_engines_after_the_dispatch_is_saved(world):
    second_tps = TPSFactory(desa=world["tps"].desa, number=2)
    # A pair over two TPS (0.5 each) and one more guard on the incident's TPS.
    pair_a, _ = guard_at(world, world["tps"], name="Pasangan A")
    Assignment.objects.filter(personnel=pair_a).get().tps.add(second_tps)
    pair_b = PersonnelFactory(unit=world["polsek"], name="Pasangan B")
    AssignmentFactory(personnel=pair_b, phase=world["phase"], tps=[world["tps"], second_tps])
    sent, _ = guard_at(world, world["tps"], name="Dikirim")
    sent_too, _ = guard_at(world, second_tps, name="Dikirim juga")
    operation = world["phase"].operation
    engine_before = _engine(operation, world["phase"])

    preview = selectors.dispatch_preview(
        world["incident"],
        user=_command(),
        personnel_ids=[sent.pk, sent_too.pk, pair_a.pk],
        now=election_day_at(0),
    )
    services.incident_dispatch(
        incident=world["incident"],
        by=_command(),
        personnel_ids=[sent.pk, sent_too.pk, pair_a.pk],
    )
    engine_after = _engine(operation, world["phase"])

    assert {row.tps.pk for row in preview.rows} == {world["tps"].pk, second_tps.pk}
    for row in preview.rows:
        for side, engine in ((row.before, engine_before), (row.after, engine_after)):
            figures = engine[row.tps.pk]
            assert side.status == figures.status
            for force in ("POLRI", "TNI", "LINMAS"):
                f = force.lower()
                assert side.required[force] == pytest.approx(getattr(figures, f"{f}_required"))
                assert side.assigned[force] == pytest.approx(getattr(figures, f"{f}_assigned"))
                assert side.guards[force] == getattr(figures, f"{f}_guards")
    by_tps = {row.tps.pk: row for row in preview.rows}
    # The incident's TPS keeps pair B's half: short, not unguarded.
    assert by_tps[world["tps"].pk].before.assigned["POLRI"] == pytest.approx(2.0)
    assert by_tps[world["tps"].pk].after.assigned["POLRI"] == pytest.approx(0.5)
    assert by_tps[second_tps.pk].after.status == "covered"


def _engine(operation, pemungutan) -> dict[int, CoverageTPS]:
    snapshot = coverage_compute(operation=operation, phase=pemungutan)
    return {row.tps_id: row for row in CoverageTPS.objects.filter(snapshot=snapshot)}


@pytest.mark.django_db
def test_dispatch_queues_a_coverage_recompute_after_commit(
    world, django_capture_on_commit_callbacks
):
    person, _ = guard_at(world, world["tps"], name="Penjaga")
    # As if the set-up had committed: its pending recompute is not this dispatch's.
    connection.run_on_commit.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        services.incident_dispatch(
            incident=world["incident"], by=_command(), personnel_ids=[person.pk]
        )

    assert any(cb.__name__ == "_after_commit" for cb in callbacks)


# The pages


@pytest.mark.django_db
def test_command_sees_candidates_previews_and_dispatches(world, login, command_staff):
    person, _ = guard_at(world, world["tps"], name="Penjaga")
    client = login(command_staff)
    incident = world["incident"]

    page = client.get(reverse("field:incident_detail", args=[incident.pk]))
    part = client.get(
        reverse("field:incident_responders", args=[incident.pk]), HTTP_HX_REQUEST="true"
    )
    preview = client.get(
        reverse("field:incident_dispatch_preview", args=[incident.pk]),
        {"personnel": person.pk},
        HTTP_HX_REQUEST="true",
    )
    sent = client.post(
        reverse("field:incident_dispatch", args=[incident.pk]), {"personnel": person.pk}
    )

    assert reverse("field:incident_responders", args=[incident.pk]) in page.content.decode()
    assert part.status_code == 200 and "Penjaga" in part.content.decode()
    assert part.content.decode().lstrip().startswith('<section id="dispatch-candidates"')
    body = preview.content.decode()
    assert preview.status_code == 200 and "Terpenuhi" in body and "Tanpa penjaga" in body
    assert sent.status_code == 302
    assert IncidentDispatch.objects.filter(incident=incident, personnel=person).exists()


@pytest.mark.django_db
def test_bad_input_is_refused_in_indonesian_and_nothing_written(
    world, login, polsek_staff, polsek_staff_other
):
    mine, _ = guard_at(world, world["tps"], name="Penjaga")
    elsewhere = PersonnelFactory(unit=PolsekFactory(kecamatan=DesaFactory().kecamatan))
    url = reverse("field:incident_dispatch", args=[world["incident"].pk])
    client = login(polsek_staff)

    foreign = client.post(url, {"personnel": [mine.pk, elsewhere.pk]})
    junk = client.post(url, {"personnel": "x"})
    none = client.post(url, {})
    get = client.get(url)

    assert foreign.status_code == 422 and "di luar wilayah Anda" in foreign.content.decode()
    assert junk.status_code == 422 and "tidak sah" in junk.content.decode()
    assert none.status_code == 422 and "sekurang-kurangnya" in none.content.decode()
    assert get.status_code == 405
    assert not IncidentDispatch.objects.exists()
    assert not Assignment.objects.exclude(status=Assignment.Status.ACTIVE).exists()


@pytest.mark.django_db
def test_polsek_staff_of_another_kecamatan_get_404_everywhere(world, login, polsek_staff_other):
    person, _ = guard_at(world, world["tps"], name="Penjaga")
    client = login(polsek_staff_other)
    pk = world["incident"].pk

    answers = [
        client.get(reverse("field:incident_responders", args=[pk])).status_code,
        client.get(
            reverse("field:incident_dispatch_preview", args=[pk]), {"personnel": person.pk}
        ).status_code,
        client.post(
            reverse("field:incident_dispatch", args=[pk]), {"personnel": person.pk}
        ).status_code,
    ]

    assert answers == [404, 404, 404]
    assert not IncidentDispatch.objects.exists()
