"""A follow-up not done by the next meeting is carried onto that meeting's agenda."""

from datetime import date, datetime

import pytest

from coordination.models import ActionItem, AgendaItem, Meeting
from coordination.services import agenda_carry_over, meeting_create
from deployments.phases import WIB
from tests.factories import ActionItemFactory, AgencyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

FIRST = datetime(2024, 8, 13, 9, tzinfo=WIB)
NEXT = datetime(2024, 10, 1, 9, tzinfo=WIB)


def next_meeting(**kwargs) -> Meeting:
    return meeting_create(
        number=kwargs.pop("number", "Rakor/02/X/2024"),
        title="Rakor evaluasi",
        kind=Meeting.Kind.RAKOR_INTERNAL,
        held_at=kwargs.pop("held_at", NEXT),
        place="Aula Polres",
        chair="Wakapolres",
        agenda=["Pembukaan", "Evaluasi"],
        **kwargs,
    )


def test_an_overdue_item_is_carried_into_the_next_meeting_agenda():
    first = MeetingFactory(held_at=FIRST)
    bpbd = AgencyFactory(name="BPBD Kota Kediri")
    late = ActionItemFactory(
        meeting=first, agency=bpbd, what="Memetakan TPS rawan banjir", due_on=date(2024, 9, 20)
    )

    meeting = next_meeting()

    carried = meeting.agenda_items.get(action_item=late)
    assert carried.title == (
        "Tindak lanjut Rakor/00/2024: Memetakan TPS rawan banjir "
        "(BPBD Kota Kediri, batas 20/09/2024) — TERLAMBAT"
    ).replace("Rakor/00/2024", first.number)
    assert list(meeting.agenda_items.values_list("title", flat=True))[:2] == [
        "Pembukaan",
        "Evaluasi",
    ]
    assert carried.order == 3


def test_items_done_or_dropped_are_not_carried_and_open_ones_not_yet_due_are():
    first = MeetingFactory(held_at=FIRST)
    done = ActionItemFactory(meeting=first, status=ActionItem.Status.DONE)
    dropped = ActionItemFactory(
        meeting=first, status=ActionItem.Status.DROPPED, dropped_reason="Tidak relevan"
    )
    in_progress = ActionItemFactory(
        meeting=first, status=ActionItem.Status.IN_PROGRESS, due_on=date(2024, 12, 1)
    )

    meeting = next_meeting()

    carried = set(
        meeting.agenda_items.exclude(action_item=None).values_list("action_item", flat=True)
    )
    assert carried == {in_progress.pk}
    assert done.pk not in carried and dropped.pk not in carried
    assert not meeting.agenda_items.get(action_item=in_progress).title.endswith("TERLAMBAT")


def test_overdue_items_come_first_on_the_agenda():
    first = MeetingFactory(held_at=FIRST)
    not_yet_due = ActionItemFactory(meeting=first, due_on=date(2024, 10, 15))
    overdue = ActionItemFactory(meeting=first, due_on=date(2024, 9, 25))

    meeting = next_meeting()

    order = list(
        meeting.agenda_items.exclude(action_item=None)
        .order_by("order")
        .values_list("action_item", flat=True)
    )
    assert order == [overdue.pk, not_yet_due.pk]


def test_items_of_a_later_meeting_are_not_carried_into_an_earlier_one():
    later = MeetingFactory(held_at=datetime(2024, 11, 1, 9, tzinfo=WIB))
    ActionItemFactory(meeting=later, due_on=date(2024, 9, 1))

    meeting = next_meeting()

    assert not meeting.agenda_items.exclude(action_item=None).exists()


def test_carrying_over_twice_adds_nothing_new():
    first = MeetingFactory(held_at=FIRST)
    ActionItemFactory(meeting=first, due_on=date(2024, 9, 1))
    meeting = next_meeting()

    again = agenda_carry_over(meeting=meeting)

    assert again == []
    assert meeting.agenda_items.exclude(action_item=None).count() == 1


def test_an_item_still_open_is_carried_again_into_the_meeting_after():
    first = MeetingFactory(held_at=FIRST)
    item = ActionItemFactory(meeting=first, due_on=date(2024, 9, 1))
    second = next_meeting()

    third = next_meeting(number="Rakor/03/XI/2024", held_at=datetime(2024, 11, 1, 9, tzinfo=WIB))

    assert AgendaItem.objects.filter(action_item=item).count() == 2
    assert {a.meeting_id for a in AgendaItem.objects.filter(action_item=item)} == {
        second.pk,
        third.pk,
    }


def test_a_meeting_added_in_the_admin_carries_items_over_too(login, ops_admin):
    first = MeetingFactory(held_at=FIRST)
    item = ActionItemFactory(meeting=first, due_on=date(2024, 9, 1))
    client = login(ops_admin)
    data = {
        "number": "Rakor/09/X/2024",
        "title": "Rakor dari admin",
        "kind": "rakor_internal",
        "held_at_0": "01/10/2024",
        "held_at_1": "09:00:00",
        "place": "Aula",
        "chair": "Kapolres",
    }
    for prefix in (
        "agenda_items",
        "attendance",
        "statements",
        "decisions",
        "action_items",
        "attachments",
        "revisions",
    ):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = client.post("/admin/coordination/meeting/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(number="Rakor/09/X/2024")
    assert meeting.agenda_items.get().action_item == item


def test_the_carried_item_shows_on_the_new_meeting_page(login, command_staff):
    first = MeetingFactory(held_at=FIRST)
    ActionItemFactory(meeting=first, what="Menyerahkan daftar TPS", due_on=date(2024, 9, 1))
    meeting = next_meeting()
    client = login(command_staff)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "Menyerahkan daftar TPS" in html
    assert "TERLAMBAT" in html
