"""Follow-ups, the dashboard panel (overdue first, per agency) and the asta siap readiness."""

from datetime import date

import pytest

from coordination.models import ActionItem, ReadinessItem, UnitReadiness
from coordination.services import (
    action_item_set_status,
    readiness_checklist_start,
    readiness_items_ensure_defaults,
    readiness_review,
)
from tests.factories import (
    ActionItemFactory,
    AgencyFactory,
    PolsekFactory,
    ReadinessItemFactory,
    UnitFactory,
    UnitReadinessFactory,
)

pytestmark = pytest.mark.django_db

# Every request: 1 session, 2 the user with their role. It writes nothing: the session is saved
# at most once a minute (opsboard.sessions.IdleTimeoutMiddleware).
PER_REQUEST = 2


def test_overdue_follows_the_operation_clock(settings, login, command_staff, election_day):
    late = ActionItemFactory(due_on=date(2024, 11, 26), what="Sudah lewat batas")
    ActionItemFactory(due_on=date(2024, 11, 27), what="Batas hari ini")
    ActionItemFactory(due_on=date(2024, 11, 20), status="done", what="Selesai")
    client = login(command_staff)

    on_election_day = client.get("/rapat/panel/").context["panel"]
    settings.OPSBOARD_NOW = election_day.replace(month=11, day=1)
    a_month_earlier = client.get("/rapat/panel/").context["panel"]

    assert on_election_day["urgent"][0].pk == late.pk
    assert (on_election_day["open_total"], on_election_day["overdue_total"]) == (2, 1)
    assert a_month_earlier["overdue_total"] == 0


def test_panel_lists_agencies_with_overdue_items_first(login, command_staff, election_day):
    kpu, bpbd, dishub = (AgencyFactory(name=n) for n in ("KPU", "BPBD", "Dishub"))
    ActionItemFactory(agency=kpu, due_on=date(2024, 12, 1))
    ActionItemFactory(agency=bpbd, due_on=date(2024, 11, 22))
    ActionItemFactory(agency=bpbd, due_on=date(2024, 11, 23), status="in_progress")
    ActionItemFactory(agency=dishub, due_on=date(2024, 11, 10), status="done")
    client = login(command_staff)

    response = client.get("/rapat/panel/", headers={"HX-Request": "true"})

    rows = [(a.name, a.overdue, a.open) for a in response.context["panel"]["by_agency"]]
    assert rows == [("BPBD", 2, 2), ("KPU", 0, 1)]
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="coordination-panel"')
    assert "terlambat" in html


@pytest.mark.parametrize("size", [1, 15])
def test_panel_query_count_does_not_grow(
    login, command_staff, election_day, django_assert_num_queries, size
):
    items = [ReadinessItemFactory() for _ in range(3)]
    for _ in range(size):
        ActionItemFactory(agency=AgencyFactory(), due_on=date(2024, 11, 1))
        unit = UnitFactory()
        for item in items:
            UnitReadinessFactory(unit=unit, item=item)
    client = login(command_staff)

    # PER_REQUEST, then 3 open and overdue per agency, 4 the ten most urgent items with agency
    # and meeting, 5 asta siap items, 6 asta siap cells with units and items.
    with django_assert_num_queries(PER_REQUEST + 4):
        response = client.get("/rapat/panel/", headers={"HX-Request": "true"})

    assert len(response.context["panel"]["readiness"].rows) == size


@pytest.mark.parametrize("size", [1, 30])
def test_action_item_list_query_count_does_not_grow(
    login, command_staff, election_day, django_assert_num_queries, size
):
    for _ in range(size):
        ActionItemFactory(agency=AgencyFactory(), unit=UnitFactory())
    client = login(command_staff)

    # PER_REQUEST, then 3 the paginator's count, 4 the agencies of the filter's select, 5 the
    # page with agency, meeting and places.
    with django_assert_num_queries(PER_REQUEST + 3):
        response = client.get("/rapat/tindak-lanjut/", {"status": "not_done"})

    assert len(response.context["page"].object_list) == size


def test_action_item_list_filters_overdue_and_refuses_unknown_status(
    login, command_staff, election_day
):
    late = ActionItemFactory(due_on=date(2024, 11, 1))
    ActionItemFactory(due_on=date(2024, 12, 1))
    client = login(command_staff)

    overdue = client.get("/rapat/tindak-lanjut/", {"terlambat": "on"})
    bad = client.get("/rapat/tindak-lanjut/", {"status": "hilang"})

    assert [i.pk for i in overdue.context["page"].object_list] == [late.pk]
    assert bad.status_code == 422
    assert "Status tidak dikenal" in bad.content.decode()


def test_status_change_records_when_and_dropping_needs_a_reason(election_day):
    item = ActionItemFactory()

    done = action_item_set_status(item=item, status=ActionItem.Status.DONE)
    with pytest.raises(Exception, match="alasan"):
        action_item_set_status(item=item, status=ActionItem.Status.DROPPED)

    assert done.status_changed_at == election_day
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_admin_status_change_records_when(login, ops_admin, election_day):
    item = ActionItemFactory()
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/actionitem/{item.pk}/change/",
        {
            "meeting": item.meeting_id,
            "what": item.what,
            "agency": item.agency_id,
            "due_on": "30/09/2024",
            "status": "done",
        },
    )

    item.refresh_from_db()
    assert (item.status, item.status_changed_at) == ("done", election_day)


# Asta siap


def test_the_eight_default_items_are_estimates_until_the_command_edits_one(login, ops_admin):
    items = readiness_items_ensure_defaults()
    first = items[0]
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/readinessitem/{first.pk}/change/",
        {
            "code": first.code,
            "name": "Siap personel (Polres + BKO)",
            "order": first.order,
            "active": "on",
            "is_estimate": "on",
        },
    )

    assert len(items) == 8
    assert [i.name for i in items][-1] == "Siap komunikasi dan pelaporan"
    assert not ReadinessItem.objects.get(pk=first.pk).is_estimate
    assert ReadinessItem.objects.filter(is_estimate=True).count() == 7


def test_readiness_row_per_unit_counts_ready_items_and_marks_estimates(
    login, command_staff, mojoroto
):
    readiness_items_ensure_defaults()
    polsek = PolsekFactory(kecamatan=mojoroto)
    kodim = UnitFactory(name="Kodim 0809/Kediri", kind="kodim", force="TNI")
    readiness_checklist_start(units=[polsek, kodim])
    for row in UnitReadiness.objects.filter(unit=polsek)[:5]:
        readiness_review(
            row=row, status="ready", evidence="Apel kesiapan", reviewed_on=date(2024, 11, 20)
        )
    client = login(command_staff)

    grid = client.get("/rapat/asta-siap/").context["grid"]

    rows = {row.unit.name: row for row in grid.rows}
    assert (rows["Polsek Mojoroto"].ready, rows["Polsek Mojoroto"].total) == (5, 8)
    assert rows["Polsek Mojoroto"].last_review == date(2024, 11, 20)
    assert not any(cell.is_estimate for cell in rows["Polsek Mojoroto"].cells[:5])
    assert (rows["Kodim 0809/Kediri"].ready, rows["Kodim 0809/Kediri"].estimate) == (0, True)
    assert grid.items_are_estimates


def test_a_judged_status_needs_a_review_date():
    row = UnitReadinessFactory(status="unknown")
    row.status = "ready"

    with pytest.raises(Exception, match="tanggal penilaian"):
        row.full_clean()


@pytest.mark.parametrize("units", [1, 12])
def test_readiness_page_query_count_does_not_grow(
    login, command_staff, django_assert_num_queries, units
):
    items = [ReadinessItemFactory() for _ in range(8)]
    for _ in range(units):
        unit = UnitFactory()
        for item in items:
            UnitReadinessFactory(unit=unit, item=item)
    client = login(command_staff)

    # PER_REQUEST, then 3 the active items, 4 the cells with their units and items.
    with django_assert_num_queries(PER_REQUEST + 2):
        response = client.get("/rapat/asta-siap/")

    assert len(response.context["grid"].rows) == units
