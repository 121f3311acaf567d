"""The responder's phone (issue #15): the dispatch card on /me/, and Berangkat / Tiba / Selesai
through the offline queue, exactly once (docs/incidents.md, "Responders' phones").

The operation clock starts at 09.00 WIB on election day and is moved forward by `tick`."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deployments.models import Assignment, PostKind
from deployments.services import personnel_account_create
from field.dispatch import services
from field.dispatch.models import DispatchStep, IncidentDispatch, Progress
from field.incidents import services as lifecycle
from field.incidents.models import EventKind, Incident, IncidentReport, IncidentState
from tests.factories import AssignmentFactory, PersonnelFactory, PolsekFactory, UserFactory
from tests.field.helpers import guard_at, key
from tests.field.incident_helpers import report, tick

REPORTER_PHONE = "+6281234500077"
PASSWORD = "test-Pass-2024"


def _command():
    from core.access import GROUP_COMMAND

    return UserFactory(username="kabagops", is_staff=True, groups=[GROUP_COMMAND])


def _responder(polsek, tps, *, name: str, phone: str = ""):
    person = PersonnelFactory(unit=polsek, name=name, phone=phone)
    AssignmentFactory(personnel=person, tps=[tps])
    personnel_account_create(personnel=person, password=PASSWORD)
    return person


@pytest.fixture
def scene(election_day, mojoroto, tps_a, settings):
    """An urgent report from a Linmas of TPS A (with a phone), verified, and two Polri guards
    of TPS A sent to it five minutes later."""
    polsek = PolsekFactory(kecamatan=mojoroto)
    PersonnelFactory(unit=polsek, name="Kapolsek", rank="AKP")  # none of the others leads it
    reporter = guard_at(tps_a, name="Pelapor Linmas", phone=REPORTER_PHONE)
    first = _responder(polsek, tps_a, name="Andi Penanganan", phone="+6281299900001")
    second = _responder(polsek, tps_a, name="Budi Penanganan")
    bystander = _responder(polsek, tps_a, name="Cakra Tidak Dikirim")
    incident = IncidentReport.objects.get(report=report(reporter, tps=tps_a)).incident
    command = _command()
    tick(settings, 2)
    lifecycle.incident_verify(incident=incident, by=command)
    tick(settings, 3)
    links = services.incident_dispatch(
        incident=incident, by=command, personnel_ids=[first.pk, second.pk], note="Amankan TPS"
    )
    tick(settings, 1)
    by_person = {link.personnel_id: link for link in links}
    return {
        "incident": incident,
        "first": first,
        "second": second,
        "bystander": bystander,
        "reporter": reporter,
        "command": command,
        "dispatch": by_person[first.pk],
        "dispatch_second": by_person[second.pk],
    }


def _post(client, dispatch, step, *, note="", idem=None, json=True):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(
        reverse("field:dispatch_progress", kwargs={"pk": dispatch.pk}),
        {"step": step, "note": note, "idempotency_key": idem or key()},
        **headers,
    )


def _state(scene) -> tuple:
    """Everything a step may write, to compare before and after a refusal."""
    incident = Incident.objects.get(pk=scene["incident"].pk)
    return (
        incident.state,
        incident.arrived_at,
        incident.resolved_at,
        list(IncidentDispatch.objects.order_by("pk").values_list("progress", "arrived_at")),
        DispatchStep.objects.count(),
        incident.events.count(),
        list(Assignment.objects.order_by("pk").values_list("status", "ends_at")),
    )


def _step(scene, who: str, step: str, *, note=""):
    person = scene[who]
    link = scene["dispatch" if who == "first" else "dispatch_second"]
    return services.dispatch_progress(
        dispatch=link, step=step, note=note, by_person=person, idempotency_key=uuid.uuid4()
    )


# The card on /me/


@pytest.mark.django_db
def test_me_shows_the_dispatch_on_top_with_the_reporters_phone(scene, login):
    body = login(scene["first"].user).get("/me/").content.decode()

    card = body[body.index('id="kejadian"') :]
    assert body.index('id="kejadian"') < body.index('class="duty')  # above the duties
    incident = scene["incident"]
    assert incident.number in card and "Gangguan" in card and "Tinggi" in card
    assert "Ditangani" in card and "TPS 006 Bandar Lor" in card and "Kec. Mojoroto" in card
    lat, lng = incident.tps.latitude, incident.tps.longitude
    assert f'href="geo:{lat},{lng}?q={lat},{lng}({incident.number})"' in card
    assert f"destination={lat},{lng}" in card
    assert f'href="tel:{REPORTER_PHONE}"' in card and "Pelapor Linmas" in card
    assert "kabagops" in card and "Amankan TPS" in card and "09.05" in card
    assert card.count('data-queue="dispatch"') == 3
    assert 'name="idempotency_key"' in card


@pytest.mark.django_db
def test_the_reporters_phone_is_shown_to_no_one_else(scene, login):
    # A guard of the same TPS who was not sent: the reporter is not on their team list (a
    # Linmas of another desa unit is, and sees it there: check the card, not the page).
    body = login(scene["bystander"].user).get("/me/").content.decode()

    assert 'id="kejadian"' not in body and scene["incident"].number not in body
    incident_page = login(scene["command"]).get(
        reverse("field:incident_detail", kwargs={"pk": scene["incident"].pk})
    )
    assert REPORTER_PHONE not in incident_page.content.decode()


@pytest.mark.django_db
def test_the_incident_page_shows_each_responders_steps_and_phone(scene, login, settings):
    _step(scene, "first", "berangkat", note="Naik motor")
    tick(settings, 4)
    _step(scene, "first", "tiba")

    page = login(scene["command"]).get(
        reverse("field:incident_detail", kwargs={"pk": scene["incident"].pk})
    )

    body = page.content.decode()
    part = body[body.index('id="responders"') : body.index('aria-labelledby="reports-title"')]
    first, second = part.split('<tr class="progress-')[1:]
    assert first.startswith("tiba") and "Andi Penanganan" in first
    assert 'href="tel:+6281299900001"' in first
    assert "09.06 WIB" in first and "09.10 WIB" in first  # berangkat, tiba
    assert "Berangkat: Naik motor" in first
    assert second.startswith("dikirim") and "Budi Penanganan" in second
    assert "kabagops" in first and "kabagops" in second


@pytest.mark.django_db
def test_the_card_is_gone_once_the_incident_is_resolved(scene, login, settings):
    _step(scene, "first", "tiba")
    tick(settings, 5)
    lifecycle.incident_resolve(incident=scene["incident"], by=scene["command"], resolution="Bubar")
    tick(settings, 1)

    body = login(scene["first"].user).get("/me/").content.decode()

    assert 'id="kejadian"' not in body and REPORTER_PHONE not in body


@pytest.mark.django_db
def test_me_takes_the_same_queries_with_and_without_a_dispatch(scene, login, settings):
    # The same duty without the dispatch link (a Penanganan kejadian duty an admin entered):
    # the dispatch, its incident, place and reporter come in the assignments' own query.
    # Counted: the session, the user with role, the assignments, whether a Polri officer leads
    # their Polsek. No TPS, post or kecamatan: no team, Padal or instructions to read.
    duty = scene["dispatch"].duty
    plain = PersonnelFactory(unit=scene["first"].unit, name="Dani Tanpa Kiriman")
    AssignmentFactory(
        personnel=plain,
        phase=duty.phase,
        kind=PostKind.KEJADIAN,
        starts_at=duty.starts_at,
        ends_at=duty.ends_at,
    )
    personnel_account_create(personnel=plain, password=PASSWORD)
    counts = {}
    for person in (scene["first"], plain):
        client = login(person.user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/me/")
        assert response.status_code == 200
        counts[person.name] = len(queries)
        assert ('id="kejadian"' in response.content.decode()) == (person == scene["first"])

    assert counts == {"Andi Penanganan": 5, "Dani Tanpa Kiriman": 5}


@pytest.mark.django_db
def test_the_card_keeps_me_within_its_byte_budget(scene, login):
    with_card = login(scene["first"].user).get("/me/").content
    without = login(scene["bystander"].user).get("/me/").content

    assert len(with_card) - len(without) < 3 * 1024, len(with_card) - len(without)
    assert len(with_card) < 16 * 1024, len(with_card)


# Each step


@pytest.mark.django_db
def test_berangkat_tiba_selesai_of_the_only_open_responder(scene, login, settings):
    client = login(scene["first"].user)
    dispatch = scene["dispatch"]

    answer = _post(client, dispatch, "berangkat", note="Naik motor")
    assert answer.status_code == 201 and answer.json()["created"] is True
    assert "Berangkat K-" in answer.json()["message"]
    tick(settings, 4)
    assert _post(client, dispatch, "tiba").status_code == 201

    dispatch.refresh_from_db()
    incident = Incident.objects.get(pk=scene["incident"].pk)
    assert dispatch.progress == Progress.TIBA and dispatch.departed_at < dispatch.arrived_at
    assert incident.state == IncidentState.DI_LOKASI and incident.arrived_at == dispatch.arrived_at
    lines = list(incident.events.filter(at__gte=dispatch.at).values_list("kind", "text"))
    assert (EventKind.RESPONDER_DEPARTED, "Andi Penanganan. Naik motor") in [
        (k, t.replace(scene["first"].rank_label + " ", "")) for k, t in lines
    ]
    assert [k for k, _t in lines].count(EventKind.ARRIVED) == 1

    # The second responder is still under way: the first's Selesai frees them, the incident
    # stays di lokasi.
    tick(settings, 10)
    assert _post(client, dispatch, "selesai", note="Massa dibubarkan").status_code == 201
    incident.refresh_from_db()
    dispatch.refresh_from_db()
    assert incident.state == IncidentState.DI_LOKASI
    assert dispatch.progress == Progress.SELESAI and dispatch.duty.ends_at == dispatch.finished_at
    assert scene["dispatch_second"].duty.ends_at > dispatch.finished_at

    # The last responder's Selesai resolves it with what they did, and frees everyone.
    tick(settings, 5)
    _step(scene, "second", "selesai", note="TPS kembali kondusif")
    incident.refresh_from_db()
    assert incident.state == IncidentState.SELESAI and incident.resolution == "TPS kembali kondusif"
    second = IncidentDispatch.objects.get(pk=scene["dispatch_second"].pk)
    assert second.arrived_at == second.finished_at == incident.resolved_at  # Tiba recorded too
    assert second.duty.ends_at == incident.resolved_at
    finished = incident.events.filter(kind=EventKind.RESPONDER_FINISHED)
    assert finished.count() == 2 and all(e.by is not None for e in finished)


@pytest.mark.django_db
def test_a_plain_browser_is_sent_back_to_me(scene, login):
    answer = _post(login(scene["first"].user), scene["dispatch"], "tiba", json=False)

    assert answer.status_code == 302 and answer["Location"] == "/me/#kejadian"


@pytest.mark.django_db
def test_a_resend_returns_the_first_record_and_writes_nothing(scene, login, settings):
    client = login(scene["first"].user)
    idem = key()
    first = _post(client, scene["dispatch"], "tiba", idem=idem)
    before = _state(scene)
    tick(settings, 3)

    again = _post(client, scene["dispatch"], "tiba", idem=idem)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert "tidak dicatat dua kali" in again.json()["message"]
    assert _state(scene) == before
    # A second press of the same step (a new key) answers the record too.
    assert _post(client, scene["dispatch"], "tiba").json()["id"] == first.json()["id"]
    assert _state(scene) == before


@pytest.mark.services  # two connections at once need the real PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_give_one_record(scene):
    idem = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=5)
            results.append(
                services.dispatch_progress(
                    dispatch=scene["dispatch"],
                    step="tiba",
                    by_person=scene["first"],
                    idempotency_key=idem,
                )
            )
        except Exception as exc:  # any error at all is the failure this test looks for
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _record, created in results) == [False, True]
    assert DispatchStep.objects.count() == 1
    incident = Incident.objects.get(pk=scene["incident"].pk)
    assert incident.events.filter(kind=EventKind.ARRIVED).count() == 1


# Refusals change nothing


@pytest.mark.django_db
def test_another_persons_dispatch_is_not_found(scene, login):
    before = _state(scene)

    for who in ("second", "bystander"):
        answer = _post(login(scene[who].user), scene["dispatch"], "tiba")
        assert answer.status_code == 404

    assert _state(scene) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("done", "step", "says"),
    [
        (["tiba"], "berangkat", "Sudah tercatat tiba"),
        (["selesai"], "tiba", None),  # their own Selesai ended the dispatch: 409
        ([], "selesai", "Hasil penanganan wajib diisi"),
        ([], "pulang", "Langkah tidak dikenal"),
    ],
)
def test_a_step_out_of_order_or_incomplete_is_refused(scene, login, settings, done, step, says):
    client = login(scene["first"].user)
    for earlier in done:
        tick(settings, 2)
        assert _post(client, scene["dispatch"], earlier, note="Sudah").status_code == 201
    before = _state(scene)
    tick(settings, 2)

    answer = _post(client, scene["dispatch"], step)

    if says is None:
        assert answer.status_code == 409 and "sudah berakhir" in str(answer.json()["errors"])
    else:
        assert answer.status_code == 422 and says in str(answer.json()["errors"])
    assert _state(scene) == before


@pytest.mark.django_db
def test_an_ended_dispatch_is_refused_with_409(scene, login, settings):
    lifecycle.incident_reject(incident=scene["incident"], by=scene["command"], reason="Hoaks")
    before = _state(scene)
    tick(settings, 1)

    answer = _post(login(scene["first"].user), scene["dispatch"], "berangkat")

    assert answer.status_code == 409
    assert "Penugasan Anda di K-" in answer.json()["errors"]["__all__"][0]
    assert _state(scene) == before


@pytest.mark.django_db
def test_a_key_of_another_step_is_refused(scene, login, settings):
    client = login(scene["first"].user)
    idem = key()
    _post(client, scene["dispatch"], "berangkat", idem=idem)
    before = _state(scene)
    tick(settings, 1)

    answer = _post(client, scene["dispatch"], "tiba", idem=idem)

    assert answer.status_code == 422 and "sudah dipakai" in str(answer.json()["errors"])
    assert _state(scene) == before


@pytest.mark.django_db
def test_staff_get_no_progress_url(scene, login):
    answer = _post(login(scene["command"]), scene["dispatch"], "tiba")

    assert answer.status_code in (302, 403) and DispatchStep.objects.count() == 0


# What the database refuses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"progress": "tiba"}, "progress_has_its_time"),
        ({"progress": "dikirim", "departed_at": "at"}, "progress_has_its_time"),
        ({"progress": "selesai", "finished_at": "at"}, "progress_has_its_time"),
        ({"progress": "berangkat", "departed_at": "before"}, "departed_after_sent"),
        (
            {"progress": "tiba", "departed_at": "later", "arrived_at": "at"},
            "arrived_after_departed",
        ),
        (
            {"progress": "selesai", "arrived_at": "later", "finished_at": "at"},
            "finished_after_arrived",
        ),
        # Either rule may be the one PostgreSQL names first.
        ({"progress": "hilang"}, "progress_(valid|has_its_time)"),
    ],
)
def test_the_database_refuses_an_impossible_progress(scene, fields, rule):
    from datetime import timedelta

    at = scene["dispatch"].at
    moments = {"at": at, "before": at - timedelta(minutes=1), "later": at + timedelta(minutes=9)}
    values = {k: moments.get(v, v) for k, v in fields.items()}

    with (
        pytest.raises(IntegrityError, match=f"field_incidentdispatch_{rule}"),
        transaction.atomic(),
    ):
        IncidentDispatch.objects.filter(pk=scene["dispatch"].pk).update(**values)


@pytest.mark.django_db
def test_the_database_refuses_a_selesai_without_what_was_done(scene):
    with (
        pytest.raises(IntegrityError, match="field_dispatchstep_finish_says_what_was_done"),
        transaction.atomic(),
    ):
        DispatchStep.objects.create(
            dispatch=scene["dispatch"],
            step="selesai",
            at=scene["dispatch"].at,
            idempotency_key=key(),
        )


@pytest.mark.django_db
def test_a_dispatch_duty_is_the_kind_me_reads(scene):
    duty = scene["dispatch"].duty

    assert duty.kind == PostKind.KEJADIAN
    assert (
        Assignment.objects.duties_of(scene["first"], at=duty.starts_at).dispatches().get() == duty
    )
