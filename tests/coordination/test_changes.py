"""What changed since the last rakor: coverage, kerawanan classes and follow-ups between two
meetings (or a meeting and the operation clock's now)."""

from datetime import date, datetime

import pytest

from coordination.models import ActionItem
from deployments.coverage import coverage_compute
from deployments.phases import WIB
from tests.api.helpers import linmas_pair_at
from tests.coordination.conftest import CLOCK
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    OperationFactory,
    SecurityPatternFactory,
    TPSFactory,
    phase,
)

pytestmark = pytest.mark.django_db

# Every request: 1 session, 2 the user with their role. It writes nothing: the session is saved
# at most once a minute (opsboard.sessions.IdleTimeoutMiddleware).
PER_REQUEST = 2
FIRST_RAKOR = datetime(2024, 9, 10, 9, tzinfo=WIB)
SECOND_RAKOR = datetime(2024, 10, 20, 9, tzinfo=WIB)


def snapshot_at(settings, moment: datetime):
    settings.OPSBOARD_NOW = moment
    return coverage_compute(operation=OperationFactory(), phase=phase("pemungutan"))


@pytest.fixture
def history(settings, tps_a):
    """Two snapshots: 1 Sep (one TPS, guarded) and 15 Oct (a second TPS, rawan, unguarded)."""
    OperationFactory()
    for kerawanan in ("kurang_rawan", "rawan"):
        SecurityPatternFactory(kerawanan=kerawanan, force="LINMAS", personnel_count=2, tps_count=1)
    linmas_pair_at(tps_a)
    snapshot_at(settings, datetime(2024, 9, 1, 9, tzinfo=WIB))
    TPSFactory(desa=tps_a.desa, number=50, kerawanan="rawan")
    snapshot_at(settings, datetime(2024, 10, 15, 9, tzinfo=WIB))
    settings.OPSBOARD_NOW = CLOCK


def compare(client, first, second=None):
    params = {"dari": first.pk, **({"sampai": second.pk} if second else {})}
    return client.get("/rapat/perubahan/", params)


def test_coverage_and_classes_between_two_meetings_come_from_the_snapshots(
    login, command_staff, history
):
    first, second = MeetingFactory(held_at=FIRST_RAKOR), MeetingFactory(held_at=SECOND_RAKOR)
    client = login(command_staff)

    changes = compare(client, first, second).context["changes"]

    coverage = {row.label: (row.before, row.after, row.delta) for row in changes["coverage"]}
    assert coverage["TPS terpenuhi"] == (1, 1, 0)
    assert coverage["TPS tanpa penjaga"] == (0, 1, 1)
    assert coverage["Pemenuhan Linmas (%)"] == (100.0, 50.0, -50.0)
    classes = {row.label: (row.before, row.after) for row in changes["kerawanan"]}
    assert classes["Kurang rawan"] == (1, 1)
    assert classes["Rawan"] == (0, 1)


def test_polsek_staff_compare_their_own_kecamatan(login, polsek_staff_other, history):
    first, second = MeetingFactory(held_at=FIRST_RAKOR), MeetingFactory(held_at=SECOND_RAKOR)
    client = login(polsek_staff_other)  # Pesantren: the TPS of the history are in Mojoroto

    changes = compare(client, first, second).context["changes"]

    coverage = {row.label: (row.before, row.after) for row in changes["coverage"]}
    assert coverage["TPS terpenuhi"] == (0, 0)
    assert coverage["Pemenuhan Linmas (%)"] == (None, None)
    assert {row.after for row in changes["kerawanan"]} == {0}


def test_a_date_before_the_first_snapshot_says_there_is_no_data(login, command_staff, history):
    early = MeetingFactory(held_at=datetime(2024, 8, 13, 9, tzinfo=WIB))
    client = login(command_staff)

    response = compare(client, early)

    changes = response.context["changes"]
    assert changes["before"].snapshot is None
    assert {row.before for row in changes["kerawanan"]} == {None}
    html = response.content.decode()
    assert "belum ada potret cakupan pada atau sebelum tanggal ini" in html
    assert "Riwayat perubahan kelas per TPS tidak dicatat" in html
    assert "tidak ada data" in html


def test_follow_ups_agreed_closed_and_overdue_in_the_window(login, command_staff, history):
    first, second = MeetingFactory(held_at=FIRST_RAKOR), MeetingFactory(held_at=SECOND_RAKOR)
    closed = ActionItemFactory(
        meeting=first,
        due_on=date(2024, 10, 1),
        status=ActionItem.Status.DONE,
        status_changed_at=datetime(2024, 9, 30, 10, tzinfo=WIB),
    )
    closed_later = ActionItemFactory(
        meeting=first,
        due_on=date(2024, 10, 1),
        status=ActionItem.Status.DONE,
        status_changed_at=datetime(2024, 11, 5, 10, tzinfo=WIB),
    )
    still_open = ActionItemFactory(meeting=first, due_on=date(2024, 10, 5))
    agreed = ActionItemFactory(meeting=second, due_on=date(2024, 11, 30))
    client = login(command_staff)

    changes = compare(client, first, second).context["changes"]

    assert [i.pk for i in changes["agreed"]] == [agreed.pk]
    assert [i.pk for i in changes["closed"]] == [closed.pk]
    assert {i.pk for i in changes["due"]} == {closed.pk, closed_later.pk, still_open.pk}
    # Done on 5 Nov, so still open (and late) at the second rakor on 20 Oct.
    assert [i.pk for i in changes["overdue_at_end"]] == [closed_later.pk, still_open.pk]


def test_without_a_second_meeting_the_window_ends_at_the_operation_clock(
    login, command_staff, history
):
    first = MeetingFactory(held_at=FIRST_RAKOR)
    client = login(command_staff)

    response = client.get("/rapat/perubahan/")

    assert response.context["start_meeting"] == first
    assert response.context["changes"]["end"] == CLOCK
    assert "sampai sekarang menurut jam operasi" in response.content.decode()


def test_meetings_in_the_wrong_order_answer_422(login, command_staff):
    first, second = MeetingFactory(held_at=FIRST_RAKOR), MeetingFactory(held_at=SECOND_RAKOR)
    client = login(command_staff)

    response = compare(client, second, first)
    unknown = client.get("/rapat/perubahan/", {"dari": 999})

    assert response.status_code == 422
    assert "Rapat kedua harus sesudah rapat pertama." in response.content.decode()
    assert unknown.status_code == 422


def test_no_meeting_yet_says_so(login, command_staff, election_day):
    client = login(command_staff)

    response = client.get("/rapat/perubahan/")

    assert response.status_code == 200
    assert "Belum ada rapat" in response.content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_changes_page_query_count_does_not_grow(
    login, command_staff, history, django_assert_num_queries, size
):
    first, second = MeetingFactory(held_at=FIRST_RAKOR), MeetingFactory(held_at=SECOND_RAKOR)
    for _ in range(size):
        ActionItemFactory(meeting=first, due_on=date(2024, 10, 1))
        ActionItemFactory(meeting=second, due_on=date(2024, 11, 1))
    client = login(command_staff)

    # PER_REQUEST, then 3-4 the two meetings of the form, 5 the operation, 6 its phases, 7 the
    # snapshot at the first date, 8 its area rows, 9-10 the same at the second date, 11 TPS per
    # class now, 12-15 follow-ups agreed, closed, due and overdue, 16-17 the meetings of the
    # form's selects.
    with django_assert_num_queries(PER_REQUEST + 15):
        response = compare(client, first, second)

    assert len(response.context["changes"]["agreed"]) == size
