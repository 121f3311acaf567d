"""The after-action report of an incident (/lapangan/kejadian/<id>/cetak/) and the delivery
status on the incident page (docs/incidents.md): what they hold, what they never show (push
endpoints, keys, Telegram chat ids), their queries, who may open them, the audit line."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from deployments.models import Assignment, PostKind
from field.dispatch.services import incident_dispatch
from field.incidents import services
from field.notifications.escalation import acknowledge
from field.notifications.models import (
    Notification,
    NotificationDelivery,
    PushSubscription,
    TelegramChat,
)
from field.notifications.selectors import incident_deliveries, shown_error
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    phase,
)
from tests.field.incident_helpers import report, tick

ENDPOINT = "https://fcm.googleapis.com/fcm/send/SECRET-ENDPOINT-abc"
CHAT_ID = "-100987654321"
P256DH = "BPUBLICKEYpublickeypublickeypublickey"


@pytest.fixture
def handled(settings, guard, tps_a, polsek_staff, command_staff):
    """An urgent incident told to its Polsek (a browser and a Telegram chat of theirs), then
    to the command, verified, a reserve officer sent from the roster, acknowledged."""
    PushSubscription.objects.create(user=polsek_staff, endpoint=ENDPOINT, p256dh=P256DH, auth="a")
    TelegramChat.objects.create(user=polsek_staff, chat_id=CHAT_ID)
    incident = services.incident_open_from_report(
        report=report(guard, tps=tps_a, text="Massa berkumpul di depan TPS 006")
    )[0]
    level_1 = Notification.objects.get(incident=incident, level=1)
    NotificationDelivery.objects.create(
        notification=level_1,
        channel="webpush",
        subscription=PushSubscription.objects.get(),
        target="fcm.googleapis.com",
        status="failed",
        attempts=5,
        last_error=f"layanan push: 503 Service Unavailable for url: {ENDPOINT}",
    )
    NotificationDelivery.objects.create(
        notification=level_1,
        channel="telegram",
        target=CHAT_ID,
        status="sent",
        attempts=1,
        sent_at=settings.OPSBOARD_NOW,
    )
    reserve = PersonnelFactory(
        unit=PolsekFactory(kecamatan=tps_a.desa.kecamatan), name="Cadangan Satu"
    )
    post = PostFactory(kind=PostKind.CADANGAN, name="Cadangan Polres")
    AssignmentFactory(personnel=reserve, phase=phase(), kind=PostKind.CADANGAN, post=post)
    tick(settings, 4)
    incident = services.incident_verify(incident=incident, by=command_staff)
    tick(settings, 3)
    incident_dispatch(incident=incident, by=command_staff, personnel_ids=[reserve.pk])
    tick(settings, 2)
    acknowledge(incident_id=incident.pk, user=command_staff)
    return incident


def test_the_delivery_status_is_one_query_per_recipient_and_channel(handled, polsek_staff):
    with CaptureQueriesContext(connection) as queries:
        told = incident_deliveries(handled)

    assert len(queries) == 1
    [entry] = told  # level 1 only: the chain stopped at the acknowledgement
    assert (entry.level, entry.who, entry.acknowledged) == (1, "polsek.mojoroto", True)
    assert [(d.channel, d.status, d.attempts) for d in entry.deliveries] == [
        ("in_app", "sent", None),
        ("telegram", "sent", 1),
        ("webpush", "failed", 5),
    ]
    assert entry.failed == 1
    assert ENDPOINT not in entry.deliveries[2].last_error
    assert entry.deliveries[2].last_error.startswith("layanan push: 503")


def test_an_error_is_shown_without_addresses_or_chat_ids():
    shown = shown_error(f"Telegram 400: chat {CHAT_ID} not found")
    assert shown == "Telegram 400: chat … not found"
    assert shown_error(f"gagal {ENDPOINT} lagi") == "gagal [alamat] lagi"
    assert len(shown_error("x" * 2000)) == 160


def test_the_incident_page_shows_who_was_told_and_never_their_contact_points(
    handled, login, command_staff
):
    page = login(command_staff).get(reverse("field:incident_detail", args=[handled.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="delivery-status"' in html
    for shown in ("polsek.mojoroto", "Web Push", "Telegram", "Gagal", "Terkirim", "Di aplikasi"):
        assert shown in html, shown
    for secret in (ENDPOINT, "SECRET-ENDPOINT", CHAT_ID, "987654321", P256DH):
        assert secret not in html, secret
    assert reverse("field:incident_print", args=[handled.pk]) in html  # the print link


def test_the_incident_page_queries_do_not_grow_with_its_deliveries(
    handled, login, command_staff, polsek_staff, django_assert_num_queries
):
    client = login(command_staff)
    url = reverse("field:incident_detail", args=[handled.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    level_1 = Notification.objects.get(incident=handled, level=1)
    for n in range(5):
        NotificationDelivery.objects.create(
            notification=level_1, channel="webpush", target=f"push {n}", status="queued"
        )

    with django_assert_num_queries(len(before)):
        page = client.get(url)

    assert page.content.decode().count("Antre") == 5


def test_the_after_action_report_holds_the_incident_from_report_to_acknowledgement(
    handled, login, command_staff
):
    client = login(command_staff)

    page = client.get(reverse("field:incident_print", args=[handled.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    for expected in (
        "LAPORAN PASCA-KEJADIAN",
        handled.number,
        "Gangguan",  # class
        "Tinggi",  # severity
        "TPS 006",  # the place
        "Ditangani",  # the state
        "Massa berkumpul di depan TPS 006",  # the report's text
        "JAM RESPONS",
        "Cadangan Satu",  # the reserve sent, with the duty they left
        "Cadangan: Cadangan Polres (ditarik)",
        "Pemberitahuan ditanggapi",  # the timeline's acknowledgement
        "polsek.mojoroto",
        "Dicetak oleh kabagops pada",
        "jam operasi Rabu, 27 November 2024 09.09 WIB",
    ):
        assert expected in html, expected
    for secret in (ENDPOINT, CHAT_ID, P256DH):
        assert secret not in html
    # The clock: verified after 4 minutes, the reserve sent 3 later.
    assert '<td class="min">4</td>' in html and '<td class="min">7</td>' in html


def test_printing_is_a_line_in_the_audit_log_with_the_stamp_of_the_foot(
    handled, login, command_staff
):
    page = login(command_staff).get(reverse("field:incident_print", args=[handled.pk]))

    [line] = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT)
    assert line.username == "kabagops"
    assert line.detail == {"incident": handled.pk, "number": handled.number, "state": "ditangani"}
    when = (line.at.astimezone(UTC) + timedelta(hours=7)).strftime("%d/%m/%Y %H.%M WIB")
    assert f"Dicetak oleh kabagops pada {when}" in page.content.decode()


def test_the_report_is_its_polsek_s_only_and_no_field_officer_s(
    handled, login, polsek_staff, polsek_staff_other, field_officer
):
    url = reverse("field:incident_print", args=[handled.pk])

    assert login(polsek_staff).get(url).status_code == 200
    assert login(polsek_staff_other).get(url).status_code == 404
    assert login(field_officer).get(url).status_code == 403
    assert login(None).get(url).status_code == 302
    # Only the print that was allowed is on record.
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1


def test_the_report_s_queries_do_not_grow_with_the_incident(
    handled, settings, login, command_staff, guard, tps_a, django_assert_num_queries
):
    client = login(command_staff)
    url = reverse("field:incident_print", args=[handled.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        tick(settings, 1)
        services.incident_note(incident=handled, by=command_staff, text=f"Catatan {n}")
        services.incident_merge_reports(
            incident=handled, reports=[report(guard, tps=tps_a, urgent=False)], by=command_staff
        )

    with django_assert_num_queries(len(before)):
        page = client.get(url)

    assert page.content.decode().count("Catatan ") >= 5
    assert len(before) == 10  # session, user and role, the printout's 7, the audit line


def test_a_closed_incident_prints_its_resolution_and_the_whole_clock(
    handled, settings, login, command_staff
):
    tick(settings, 10)
    services.incident_arrive(incident=handled, by=command_staff)
    tick(settings, 20)
    services.incident_resolve(incident=handled, by=command_staff, resolution="Massa bubar")

    html = login(command_staff).get(reverse("field:incident_print", args=[handled.pk]))
    html = html.content.decode()

    assert "Massa bubar" in html and "Selesai" in html
    assert '<td class="min">19</td>' in html and '<td class="min">39</td>' in html
    # The reserve's dispatch duty ended with the incident (field.dispatch.closing).
    assert Assignment.objects.filter(kind=PostKind.KEJADIAN, ends_at=settings.OPSBOARD_NOW).exists()
