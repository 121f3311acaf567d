"""Escalation with acknowledgement and the in-app notifications (field/notifications/), the
operation clock driven by the tests (settings.OPSBOARD_NOW), never slept."""

from datetime import timedelta

import pytest
from django.urls import reverse

from field.incidents.models import EventKind
from field.notifications.escalation import acknowledge, escalate_due
from field.notifications.models import EscalationRule, EscalationStep, Notification
from tests.field.incident_helpers import report, tick
from tests.hardening.support import wait_until


def _urgent_incident(guard, tps):
    from field.incidents.services import incident_open_from_report

    return incident_open_from_report(report=report(guard, tps=tps))[0]


def _levels(incident) -> list[int]:
    return sorted(incident.escalation_steps.values_list("level", flat=True))


def test_the_migration_seeds_a_default_chain(db):
    chain = EscalationRule.objects.filter(incident_class="").order_by("level")
    assert [(r.level, r.audience, r.wait_minutes) for r in chain] == [
        (1, "polsek", 0),
        (2, "command", 5),
        (3, "command", 10),
    ]


def test_an_urgent_incident_tells_its_polsek_at_once(guard, tps_a, polsek_staff, command_staff):
    incident = _urgent_incident(guard, tps_a)

    assert _levels(incident) == [1]
    assert list(Notification.objects.values_list("recipient", "level")) == [(polsek_staff.pk, 1)]
    assert incident.events.filter(kind=EventKind.NOTIFIED).count() == 1


def test_a_level_with_nobody_to_tell_says_so_on_the_timeline(guard, tps_a, command_staff):
    incident = _urgent_incident(guard, tps_a)  # no Polsek account in this kecamatan

    assert _levels(incident) == [1]
    assert not Notification.objects.exists()
    line = incident.events.get(kind=EventKind.NOTIFIED)
    assert "tidak ada akun" in line.text and line.data == {"level": 1, "recipients": []}


def test_a_non_urgent_incident_tells_nobody(guard, tps_a, polsek_staff):
    from field.incidents.services import incident_open_from_report

    incident = incident_open_from_report(report=report(guard, tps=tps_a, urgent=False))[0]

    escalate_due()
    assert _levels(incident) == []


def test_no_acknowledgement_tells_the_next_level_after_its_minutes_not_before(
    settings, guard, tps_a, polsek_staff, command_staff
):
    incident = _urgent_incident(guard, tps_a)

    tick(settings, 4)
    assert escalate_due() == 0
    assert _levels(incident) == [1]

    tick(settings, 1)  # 5 minutes without an answer: Kabag Ops
    assert escalate_due() == 1
    assert _levels(incident) == [1, 2]
    assert Notification.objects.filter(recipient=command_staff, level=2).count() == 1

    tick(settings, 9)
    assert escalate_due() == 0
    tick(settings, 1)  # 10 more: Kapolres
    assert escalate_due() == 1
    assert _levels(incident) == [1, 2, 3]
    tick(settings, 60)  # the chain's end
    assert escalate_due() == 0
    assert incident.events.filter(kind=EventKind.NOTIFIED).count() == 3


def test_acknowledgement_stops_the_chain_and_is_on_the_timeline(
    settings, guard, tps_a, polsek_staff, command_staff
):
    incident = _urgent_incident(guard, tps_a)
    tick(settings, 2)

    acknowledge(incident_id=incident.pk, user=polsek_staff)
    tick(settings, 30)

    assert escalate_due() == 0
    assert _levels(incident) == [1]
    ack = incident.events.get(kind=EventKind.ACKNOWLEDGED)
    assert ack.by == polsek_staff
    assert not Notification.objects.filter(acknowledged_at=None).exists()


def test_running_twice_tells_each_level_once(settings, guard, tps_a, polsek_staff, command_staff):
    incident = _urgent_incident(guard, tps_a)
    tick(settings, 5)

    escalate_due()
    escalate_due()

    assert EscalationStep.objects.filter(incident=incident).count() == 2
    assert Notification.objects.filter(incident=incident, level=2).count() == 1


def test_the_database_refuses_a_second_step_of_a_level(guard, tps_a, polsek_staff):
    from django.db import IntegrityError, transaction

    incident = _urgent_incident(guard, tps_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationStep.objects.create(
            incident=incident, level=1, role_label="x", notified_at=incident.reported_at
        )


def test_polsek_staff_of_another_kecamatan_cannot_acknowledge(
    client, guard, tps_a, polsek_staff, polsek_staff_other
):
    incident = _urgent_incident(guard, tps_a)
    client.force_login(polsek_staff_other)

    response = client.post(reverse("field:incident_acknowledge", kwargs={"pk": incident.pk}))

    assert response.status_code == 404
    assert not incident.events.filter(kind=EventKind.ACKNOWLEDGED).exists()


def test_the_list_shows_only_ones_own_kecamatan_and_the_badge(
    client, guard, tps_a, polsek_staff, polsek_staff_other, django_assert_max_num_queries
):
    _urgent_incident(guard, tps_a)
    client.force_login(polsek_staff)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("field:notifications"))

    assert page.status_code == 200
    assert b'data-unread="1"' in page.content
    client.force_login(polsek_staff_other)
    assert b'data-unread="0"' in client.get(reverse("field:notifications")).content


def test_field_officers_see_no_notifications(client, field_officer):
    client.force_login(field_officer)

    assert client.get(reverse("field:notifications")).status_code == 403


def test_acknowledge_post_clears_the_badge(client, guard, tps_a, polsek_staff):
    incident = _urgent_incident(guard, tps_a)
    client.force_login(polsek_staff)

    response = client.post(reverse("field:incident_acknowledge", kwargs={"pk": incident.pk}))

    assert response.status_code == 302
    assert b'data-unread="0"' in client.get(reverse("field:notifications")).content


def test_the_beat_runs_escalation_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-incidents"]
    assert entry == {"task": "field.tasks.escalate_due_task", "schedule": 60}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_escalates_and_stops_at_the_acknowledgement(
    settings, celery_worker_on_redis
):
    from field.tasks import escalate_due_task
    from tests.factories import ELECTION_DAY_9AM, OperationFactory, UserFactory
    from tests.field.helpers import guard_at

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM
    OperationFactory()
    # A transactional test starts from empty tables: the chain the migration seeds, again.
    for level, audience, wait in ((1, "polsek", 0), (2, "command", 5), (3, "command", 10)):
        EscalationRule.objects.get_or_create(
            incident_class="",
            level=level,
            defaults={"role_label": f"L{level}", "audience": audience, "wait_minutes": wait},
        )
    kabagops = UserFactory(username="kabagops.worker", groups=["Command staff"])
    from tests.factories import TPSFactory

    incident = _urgent_incident(guard_at(tps := TPSFactory()), tps)

    # The worker runs tasks in order: a probe incident whose level 2 falls due in the same run
    # tells when a run is done.
    def until(condition):
        wait_until(condition, timeout=30, what="the worker's escalation run")

    tick(settings, 4)
    escalate_due_task.delay()  # too early: nothing to do
    tick(settings, 1)
    escalate_due_task.delay()
    until(lambda: _levels(incident) == [1, 2])
    step = incident.escalation_steps.get(level=2)
    assert step.notified_at == ELECTION_DAY_9AM + timedelta(minutes=5)  # not at minute 4

    acknowledge(incident_id=incident.pk, user=kabagops)
    probe = _urgent_incident(guard_at(tps), tps)
    tick(settings, 30)
    escalate_due_task.delay()
    until(lambda: _levels(probe) == [1, 2])
    assert _levels(incident) == [1, 2]  # the acknowledgement stopped its chain
