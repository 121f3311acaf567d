"""The panic button (docs/incidents.md, "Panic"): one darurat incident however often a press
arrives, its escalation, the team and reserves told, the /me/ form, and the command's alarm.

The operation clock is 09.00 WIB on election day; the `field_officer` persona is a Linmas of
TPS A (Bandar Lor, Mojoroto)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from deployments.models import PostKind
from deployments.services import personnel_account_create
from field.incidents import services as lifecycle
from field.incidents.models import (
    EventKind,
    Incident,
    IncidentState,
    Severity,
)
from field.notifications.models import PANIC_LEVEL, EscalationRule, Notification
from field.panic.models import PanicAlert, PanicSignal
from field.panic.services import panic_raise
from tests.factories import AssignmentFactory, PersonnelFactory, PolsekFactory, PostFactory
from tests.field.helpers import ELECTION_DAY_9AM, key

ALARM = "/lapangan/darurat/"
# The refusals as PostgreSQL names them (the constraint) and as SQLite does (its columns).
ONE_OPEN = "field_panicalert_one_open_per_person|field_panicalert.person_id"
KEY_ONCE = "field_panicsignal_key_once|field_panicsignal.idempotency_key"
PANIC = "/me/darurat/"


def _account(person):
    return personnel_account_create(personnel=person, password="test-Pass-2024")


@pytest.fixture
def team(guard, tps_a, mojoroto):
    """A Polri officer with an account on TPS A beside the guard, and two reserves 1 km away:
    one with an account, one without (nobody to tell)."""
    polsek = PolsekFactory(kecamatan=mojoroto)
    mate = PersonnelFactory(unit=polsek, name="Rekan Setim")
    AssignmentFactory(personnel=mate, tps=[tps_a])
    reserve = PersonnelFactory(unit=polsek, name="Cadangan Satu")
    post = PostFactory(
        kind=PostKind.CADANGAN,
        name="Cadangan Polsek",
        latitude=tps_a.latitude + Decimal("0.009"),
        longitude=tps_a.longitude,
    )
    AssignmentFactory(personnel=reserve, kind=PostKind.CADANGAN, post=post)
    silent = PersonnelFactory(unit=polsek, name="Cadangan Tanpa Akun")
    AssignmentFactory(personnel=silent, kind=PostKind.CADANGAN, post=post)
    return {"mate": _account(mate), "reserve": _account(reserve), "polsek": polsek}


def _press(person, **kw):
    kw.setdefault("idempotency_key", key())
    return panic_raise(person=person, **kw)


def _here(tps):
    return {"latitude": tps.latitude + Decimal("0.0001"), "longitude": tps.longitude}


# The service


@pytest.mark.django_db
def test_a_press_opens_a_darurat_incident_at_the_point_and_the_duty_tps(guard, tps_a):
    result = _press(guard, accuracy=12, **_here(tps_a))

    incident = result.incident
    assert result.opened and not result.repeated
    assert incident.severity == Severity.DARURAT
    assert incident.state == IncidentState.DILAPORKAN
    assert incident.tps == tps_a and incident.kecamatan_id == tps_a.desa.kecamatan_id
    assert incident.latitude == tps_a.latitude + Decimal("0.0001")
    assert incident.reported_at == ELECTION_DAY_9AM
    created = incident.events.get(kind=EventKind.CREATED)
    assert guard.name in created.text and "±12 m" in created.text
    assert result.signal.accuracy_m == 12
    assert PanicAlert.objects.get().person == guard


@pytest.mark.django_db
def test_a_press_without_a_position_still_goes_and_says_so(guard, tps_a):
    result = _press(guard)

    incident = result.incident
    assert incident.latitude is None and incident.tps == tps_a
    assert "tanpa posisi" in incident.title
    assert "tanpa posisi" in incident.events.get(kind=EventKind.CREATED).text


@pytest.mark.django_db
def test_the_same_press_resent_is_stored_once(guard, tps_a):
    press = key()
    first = _press(guard, idempotency_key=press, **_here(tps_a))
    again = _press(guard, idempotency_key=press, **_here(tps_a))

    assert again.repeated and not again.opened
    assert again.incident.pk == first.incident.pk
    assert PanicSignal.objects.count() == 1
    assert Incident.objects.count() == 1
    assert first.incident.events.filter(kind=EventKind.NOTE).count() == 0


@pytest.mark.django_db
def test_a_second_press_joins_the_open_incident_with_the_new_position(guard, tps_a):
    first = _press(guard)
    second = _press(guard, latitude=Decimal("-7.800001"), longitude=Decimal("112.000002"))

    assert not second.opened and not second.repeated
    assert second.incident.pk == first.incident.pk
    assert Incident.objects.count() == 1
    assert PanicSignal.objects.filter(alert=first.alert).count() == 2
    incident = Incident.objects.get()
    assert (incident.latitude, incident.longitude) == (Decimal("-7.800001"), Decimal("112.000002"))
    line = incident.events.get(kind=EventKind.NOTE)
    assert "ditekan lagi" in line.text and "-7.800001" in line.text


@pytest.mark.django_db
def test_after_the_incident_closes_a_new_press_opens_a_new_one(guard, tps_a, command_staff):
    first = _press(guard)
    lifecycle.incident_reject(incident=first.incident, by=command_staff, reason="Tidak sengaja")

    assert PanicAlert.objects.get(pk=first.alert.pk).is_open is False
    second = _press(guard)
    assert second.opened and second.incident.pk != first.incident.pk
    assert PanicAlert.objects.filter(is_open=True).count() == 1


@pytest.mark.django_db
def test_a_press_starts_the_escalation_chain(guard, tps_a, polsek_staff):
    result = _press(guard)

    assert list(result.incident.escalation_steps.values_list("level", flat=True)) == [1]
    told = Notification.objects.get(recipient=polsek_staff)
    assert told.level == 1 and told.incident == result.incident


@pytest.mark.django_db
def test_the_team_and_the_nearest_reserves_with_accounts_are_told(guard, tps_a, team):
    result = _press(guard, **_here(tps_a))

    told = set(
        Notification.objects.filter(level=PANIC_LEVEL).values_list("recipient__username", flat=True)
    )
    assert told == {team["mate"].username, team["reserve"].username}
    line = result.incident.events.get(kind=EventKind.NOTIFIED, data__level=PANIC_LEVEL)
    assert line.data["team"] == [team["mate"].pk]
    assert line.data["reserves"] == [team["reserve"].pk]
    # A second press tells nobody again.
    _press(guard)
    assert Notification.objects.filter(level=PANIC_LEVEL).count() == 2


@pytest.mark.django_db
def test_the_teammates_me_shows_the_call_for_help_until_the_incident_ends(
    guard, tps_a, team, login, field_officer, command_staff
):
    result = _press(guard, **_here(tps_a))
    incident = result.incident

    mate = login(team["mate"]).get("/me/").content.decode()
    card = mate[mate.index(f'id="darurat-{incident.pk}"') :]
    assert "Rekan dalam bahaya" in card and guard.name in card
    assert "TPS 006 Bandar Lor" in card and 'href="geo:' in card
    # Above the teammate's own duties; never on the page of the one who pressed.
    assert mate.index(f'id="darurat-{incident.pk}"') < mate.index('class="duties"')
    assert "Rekan dalam bahaya" not in login(field_officer).get("/me/").content.decode()

    lifecycle.incident_reject(incident=incident, by=command_staff, reason="Tertekan tidak sengaja")
    assert "Rekan dalam bahaya" not in login(team["mate"]).get("/me/").content.decode()


@pytest.mark.django_db
def test_the_team_is_told_through_the_delivery_path(guard, tps_a, team, settings):
    # Their Telegram chats stand for any channel: each level-0 notice gets its delivery row,
    # queued for the notifications queue after the commit.
    from field.notifications.models import NotificationDelivery, TelegramChat

    settings.TELEGRAM_BOT_TOKEN = "123:test"
    for n, user in enumerate((team["mate"], team["reserve"])):
        TelegramChat.objects.create(user=user, chat_id=str(1000 + n))

    _press(guard)

    told = NotificationDelivery.objects.filter(notification__level=PANIC_LEVEL)
    assert sorted(told.values_list("notification__recipient_id", "channel", "status")) == sorted(
        [(team["mate"].pk, "telegram", "queued"), (team["reserve"].pk, "telegram", "queued")]
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"latitude": Decimal("91"), "longitude": Decimal("112")},
        {"latitude": Decimal("-7.8"), "longitude": Decimal("181")},
        {"latitude": Decimal("-7.8")},
        {"latitude": "NaN", "longitude": "1"},
        {"latitude": "abc", "longitude": "1"},
        {"accuracy": -1},
        {"accuracy": float("inf")},
        {"idempotency_key": "x" * 5000},
    ],
)
@pytest.mark.django_db
def test_bad_input_is_refused_and_nothing_written(guard, tps_a, bad):
    with pytest.raises(ValidationError):
        _press(guard, **bad)

    assert not Incident.objects.exists()
    assert not PanicAlert.objects.exists() and not PanicSignal.objects.exists()


@pytest.mark.django_db
def test_another_persons_key_is_refused(guard, tps_a, team):
    press = key()
    _press(guard, idempotency_key=press)
    mate = team["mate"].personnel

    with pytest.raises(ValidationError, match="sudah dipakai"):
        _press(mate, idempotency_key=press)


@pytest.mark.django_db
def test_the_database_keeps_one_open_panic_per_person_and_each_key_once(guard, tps_a):
    first = _press(guard)
    other = Incident.objects.create(
        title="x", incident_class="gangguan", tps=tps_a, reported_at=ELECTION_DAY_9AM
    )

    with (
        pytest.raises(IntegrityError, match=ONE_OPEN),
        transaction.atomic(),
    ):
        PanicAlert.objects.create(incident=other, person=guard, raised_at=ELECTION_DAY_9AM)
    with (
        pytest.raises(IntegrityError, match=KEY_ONCE),
        transaction.atomic(),
    ):
        PanicSignal.objects.create(
            alert=first.alert, idempotency_key=first.signal.idempotency_key, at=first.signal.at
        )


@pytest.mark.services  # two connections at once: PostgreSQL's row locks
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_key", [False, True])
def test_two_presses_at_once_open_one_incident(settings, same_key):
    from tests.factories import OperationFactory, TPSFactory
    from tests.field.helpers import guard_at

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    OperationFactory()
    # A transactional test starts from empty tables: the level the migration seeds, again.
    EscalationRule.objects.get_or_create(
        incident_class="",
        level=1,
        defaults={"role_label": "Padal", "audience": "polsek", "wait_minutes": 0},
    )
    person = guard_at(TPSFactory())
    keys = [key()] * 2 if same_key else [key(), key()]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def press(k):
        try:
            barrier.wait(timeout=5)
            results.append(panic_raise(person=person, idempotency_key=k))
        except Exception as exc:  # any error at all is the failure this test looks for
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(k,)) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.opened for r in results) == [False, True]
    assert Incident.objects.count() == 1 and PanicAlert.objects.count() == 1
    assert PanicSignal.objects.count() == (1 if same_key else 2)
    assert Incident.objects.get().escalation_steps.count() == 1


# /me/ and its form


@pytest.mark.django_db
def test_me_shows_the_button_in_its_queued_form(login, field_officer):
    body = login(field_officer).get("/me/").content.decode()

    assert 'action="/me/darurat/"' in body and 'data-queue="panic"' in body
    assert 'name="idempotency_key"' in body and 'data-role="cancel"' in body


@pytest.mark.django_db
def test_the_queue_posts_json_and_a_resend_is_stored_once(login, field_officer, tps_a):
    client = login(field_officer)
    data = {"idempotency_key": key(), "confirm": "1", "latitude": "-7.81", "longitude": "112.0"}

    first = client.post(PANIC, data, HTTP_ACCEPT="application/json")
    again = client.post(PANIC, data, HTTP_ACCEPT="application/json")

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] == Incident.objects.get().pk
    assert "Tanda darurat terkirim" in first.json()["message"]
    assert "sudah diterima" in again.json()["message"]
    assert PanicSignal.objects.count() == 1


@pytest.mark.django_db
def test_without_javascript_the_button_leads_to_a_confirm_step(login, field_officer, tps_a):
    client = login(field_officer)

    step = client.post(PANIC, {"idempotency_key": key(), "confirm": ""})
    assert step.status_code == 200
    assert not Incident.objects.exists()
    body = step.content.decode()
    assert "Kirim tanda darurat?" in body and 'name="confirm" value="1"' in body
    assert client.get(PANIC).status_code == 200

    sent = client.post(PANIC, {"idempotency_key": key(), "confirm": "1"}, follow=True)
    assert sent.redirect_chain[-1][0].startswith("/me/")
    assert "Tanpa posisi ponsel" in sent.content.decode()
    assert Incident.objects.get().severity == Severity.DARURAT


@pytest.mark.django_db
def test_an_officer_raises_panic_for_themselves_only(login, field_officer, tps_a, team):
    mate = team["mate"].personnel
    login(field_officer).post(
        PANIC,
        {"idempotency_key": key(), "confirm": "1", "person": mate.pk},
        HTTP_ACCEPT="application/json",
    )

    assert PanicAlert.objects.get().person == field_officer.personnel


@pytest.mark.parametrize(
    "bad",
    [
        {"latitude": "95", "longitude": "112"},
        {"latitude": "-7.8", "longitude": ""},
        {"latitude": "1e400", "longitude": "1"},
        {"latitude": "-7.8" * 2000, "longitude": "112"},
        {"accuracy": "99999999"},
        {"idempotency_key": "bukan-kunci"},
        {"idempotency_key": ""},
        {"latitude": "\x00", "longitude": "\x00"},
    ],
)
@pytest.mark.django_db
def test_bad_posts_get_422_in_indonesian_and_nothing_written(login, field_officer, tps_a, bad):
    data = {"idempotency_key": key(), "confirm": "1", **bad}

    response = login(field_officer).post(PANIC, data, HTTP_ACCEPT="application/json")

    assert response.status_code == 422
    lines = [line for errs in response.json()["errors"].values() for line in errs]
    assert lines and all("Ensure" not in line and "Enter" not in line for line in lines)
    assert not Incident.objects.exists() and not PanicSignal.objects.exists()


@pytest.mark.django_db
def test_command_staff_have_no_panic_button(login, command_staff):
    assert login(command_staff).get(PANIC).status_code in (302, 403)


# The command's alarm


def _alarm(client):
    return client.get(ALARM, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_the_alarm_rings_until_someone_acknowledges(login, guard, tps_a, command_staff):
    client = login(command_staff)
    quiet = _alarm(client).content.decode()
    assert 'id="panic-alarm"' in quiet and "is-ringing" not in quiet

    incident = _press(guard).incident
    ringing = _alarm(client).content.decode()
    assert "is-ringing" in ringing and incident.number in ringing
    assert "Nyalakan suara" in ringing
    ack = reverse("field:incident_acknowledge", kwargs={"pk": incident.pk})
    assert f'action="{ack}"' in ringing

    assert client.post(ack).status_code == 302
    after = _alarm(client).content.decode()
    assert "is-ringing" not in after and incident.number not in after
    assert 'hx-trigger="every 5s"' in after  # it keeps polling for the next one


@pytest.mark.django_db
def test_polsek_staff_hear_their_kecamatan_only(
    login, guard, tps_a, polsek_staff, polsek_staff_other, field_officer
):
    number = _press(guard).incident.number

    assert number in _alarm(login(polsek_staff)).content.decode()
    assert number not in _alarm(login(polsek_staff_other)).content.decode()
    assert _alarm(login(field_officer)).status_code == 403


@pytest.mark.django_db
def test_the_alarm_takes_the_same_queries_whatever_its_length(
    login, command_staff, tps_a, django_assert_num_queries
):
    from tests.field.helpers import guard_at

    client = login(command_staff)

    def three_queries():
        # The session, the user with their role, the alarms.
        with django_assert_num_queries(3):
            return _alarm(client)

    _press(guard_at(tps_a))
    three_queries()
    for _ in range(4):
        _press(guard_at(tps_a))
    assert "5 kejadian" in three_queries().content.decode()


@pytest.mark.django_db
def test_the_dashboard_and_the_wall_load_the_alarm_lazily(login, command_staff):
    client = login(command_staff)
    for page in ("opsboard:dashboard", "opsboard:wallscreen"):
        body = client.get(reverse(page)).content.decode()
        assert f'hx-get="{ALARM}" hx-trigger="load"' in body, page
        assert "field/panic-alarm.js" in body and "is-ringing" not in body
