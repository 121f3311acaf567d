"""The meeting list (search and filters) and the meeting page, with their query counts."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.models import Meeting
from coordination.services import attachment_add, minutes_publish
from deployments.phases import WIB
from tests.coordination.helpers import pdf
from tests.factories import (
    ActionItemFactory,
    AgencyFactory,
    AttendanceFactory,
    DecisionFactory,
    MeetingFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

# Every request: 1 session, 2 the user with their role. It writes nothing: the session is saved
# at most once a minute (opsboard.sessions.IdleTimeoutMiddleware).
PER_REQUEST = 2


def full_meeting(**kwargs) -> Meeting:
    meeting = MeetingFactory(minutes="Notulen.", **kwargs)
    AttendanceFactory(meeting=meeting, person_name="A")
    AttendanceFactory(meeting=meeting, person_name="B", presence="absent")
    StatementFactory(meeting=meeting)
    DecisionFactory(meeting=meeting)
    ActionItemFactory(meeting=meeting)
    ActionItemFactory(meeting=meeting, status="done")
    minutes_publish(meeting=meeting)
    attachment_add(meeting=meeting, file=pdf(), title="Daftar hadir")
    return meeting


def listed(response) -> list[str]:
    return [meeting.number for meeting in response.context["page"].object_list]


def test_lists_meetings_newest_first_with_participants_and_open_items(login, command_staff):
    older = full_meeting(held_at=datetime(2024, 8, 13, 9, tzinfo=WIB))
    newer = MeetingFactory(held_at=datetime(2024, 10, 1, 9, tzinfo=WIB))
    client = login(command_staff)

    response = client.get("/rapat/")

    assert listed(response) == [newer.number, older.number]
    row = response.context["page"].object_list[1]
    assert (row.participants, row.open_items, row.revision) == (1, 1, 1)
    html = response.content.decode()
    assert "Selasa, 13 Agustus 2024, 09.00 WIB" in html
    assert "terbit · rev. 1" in html


@pytest.mark.parametrize("word", ["hoaks", "HOAKS", "Bramastyo", "Rupatama", "Rakor/77"])
def test_search_finds_words_in_the_minutes_statements_and_header(login, command_staff, word):
    # Not of the factory's "Rakor/NN/2024" shape: its sequence reached 77 in a long run.
    wanted = MeetingFactory(number="Rakor/77/XI/2024", chair="AKBP Bramastyo Priaji")
    StatementFactory(meeting=wanted, text="Waspadai hoaks yang memecah belah.")
    other = MeetingFactory(place="Aula Kodim", chair="Letkol Inf Aris Setiawan")
    client = login(command_staff)

    response = client.get("/rapat/", {"q": word})

    assert listed(response) == [wanted.number]
    assert other.number not in listed(response)


def test_search_by_words_of_the_published_text(login, command_staff):
    meeting = MeetingFactory(minutes="Pengamanan logistik ke PPK dibahas.")
    minutes_publish(meeting=meeting)
    MeetingFactory(minutes="Tidak relevan.")
    client = login(command_staff)

    response = client.get("/rapat/", {"q": "logistik PPK"})

    assert listed(response) == [meeting.number]


@pytest.mark.services
def test_search_uses_postgresql_full_text_search(login, command_staff):
    MeetingFactory(minutes="Potensi politik uang di TPS.")
    client = login(command_staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/rapat/", {"q": "politik -sara"})

    assert len(listed(response)) == 1
    assert any("to_tsvector" in q["sql"] and "websearch_to_tsquery" in q["sql"] for q in queries)


def test_filters_by_agency_kind_and_date(login, command_staff):
    kpu = AgencyFactory(code="kpu-kota-kediri", name="KPU Kota Kediri")
    with_kpu = MeetingFactory(held_at=datetime(2024, 8, 13, 9, tzinfo=WIB))
    AttendanceFactory(meeting=with_kpu, agency=kpu)
    apel = MeetingFactory(kind="apel", held_at=datetime(2024, 8, 15, 7, tzinfo=WIB))
    late = MeetingFactory(held_at=datetime(2024, 11, 20, 9, tzinfo=WIB))
    client = login(command_staff)

    by_agency = listed(client.get("/rapat/", {"agency": "kpu-kota-kediri"}))
    by_kind = listed(client.get("/rapat/", {"kind": "apel"}))
    by_date = listed(client.get("/rapat/", {"dari": "2024-08-14", "sampai": "2024-11-01"}))

    assert by_agency == [with_kpu.number]
    assert by_kind == [apel.number]
    assert by_date == [apel.number]
    assert late.number not in by_date


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "pesta"}, "Jenis rapat tidak dikenal"),
        ({"agency": "tidak-ada"}, "Instansi tidak dikenal"),
        ({"dari": "13-08-2024x"}, "Tanggal tidak terbaca"),
        ({"dari": "2024-09-01", "sampai": "2024-08-01"}, "lebih awal"),
    ],
)
def test_bad_filters_answer_422_with_the_reason(login, command_staff, params, message):
    client = login(command_staff)

    response = client.get("/rapat/", params)

    assert response.status_code == 422
    assert message in response.content.decode()


def test_htmx_gets_only_the_results_fragment(login, command_staff):
    MeetingFactory(title="Rakor kesiapan")
    client = login(command_staff)

    response = client.get("/rapat/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="meeting-results">')
    assert "Rakor kesiapan" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("meetings", [2, 30])
def test_list_query_count_does_not_grow(login, command_staff, django_assert_num_queries, meetings):
    for _ in range(meetings):
        full_meeting()
    client = login(command_staff)

    # PER_REQUEST, then 3 the paginator's count, 4 the agencies of the filter's select, 5 the
    # page with participants, open items and latest revision as annotations.
    with django_assert_num_queries(PER_REQUEST + 3):
        response = client.get("/rapat/")

    assert len(listed(response)) == min(meetings, 25)


@pytest.mark.parametrize("people", [1, 20])
def test_meeting_page_query_count_does_not_grow(
    login, command_staff, django_assert_num_queries, people
):
    MeetingFactory(held_at=datetime(2024, 8, 1, 9, tzinfo=WIB))
    meeting = full_meeting(held_at=datetime(2024, 10, 1, 9, tzinfo=WIB))
    for index in range(people):  # written directly: the published meeting's forms are locked
        AttendanceFactory(meeting=meeting, person_name=f"Peserta {index}")
        StatementFactory(meeting=meeting)
        ActionItemFactory(meeting=meeting)
    client = login(command_staff)

    # PER_REQUEST, then 3 the meeting, 4 agenda items with carried follow-ups, 5 attendance
    # with agencies, 6 statements with agencies, 7 decisions, 8 follow-ups with agency and
    # places, 9 attachments, 10 revisions, 11 the previous meeting.
    with django_assert_num_queries(PER_REQUEST + 9):
        response = client.get(meeting.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["meeting"].action_items.all()) == people + 2


@pytest.mark.parametrize("items", [1, 20])
def test_print_view_query_count_does_not_grow(
    login, command_staff, django_assert_num_queries, items
):
    meeting = full_meeting()
    for _ in range(items):
        ActionItemFactory(meeting=meeting)
    client = login(command_staff)

    # PER_REQUEST, then the meeting and its seven prefetched relations (as the meeting page,
    # without the previous meeting), and the audit log's line for the print.
    with django_assert_num_queries(PER_REQUEST + 9):
        response = client.get(f"/rapat/{meeting.pk}/cetak/")

    assert response.status_code == 200


def test_meeting_page_shows_what_the_issue_asks_for(login, command_staff):
    meeting = MeetingFactory(
        number="Rakor/05/XI/2024",
        chair="AKBP Bramastyo Priaji",
        chair_position="Kapolres Kediri Kota",
        minute_taker="Bag Ops",
        issues_raised="Politik uang\nHoaks",
        minutes="**Catatan** notulis.",
        held_at=datetime(2024, 11, 20, 14, 30, tzinfo=WIB),
    )
    kodim = AgencyFactory(name="Kodim 0809/Kediri")
    AttendanceFactory(meeting=meeting, agency=kodim, person_name="Letkol Inf Aris Setiawan")
    AttendanceFactory(meeting=meeting, presence="represented", person_name="Wakil")
    StatementFactory(meeting=meeting, speaker="Dandim", text="Sinergi TNI-Polri.")
    DecisionFactory(meeting=meeting, text="Patroli bersama.")
    ActionItemFactory(meeting=meeting, what="Jadwal patroli", agency=kodim)
    client = login(command_staff)

    html = client.get(meeting.get_absolute_url()).content.decode()

    for expected in (
        "Rakor/05/XI/2024",
        "Rabu, 20 November 2024",
        "14.30 WIB",
        "Gedung Rupatama",
        "AKBP Bramastyo Priaji (Kapolres Kediri Kota)",
        "Bag Ops",
        "Letkol Inf Aris Setiawan",
        "Diwakilkan",
        "Sinergi TNI-Polri.",
        "Politik uang",
        "Patroli bersama.",
        "Jadwal patroli",
        "<strong>Catatan</strong> notulis.",
        "Draf: belum diterbitkan",
    ):
        assert expected in html, expected
