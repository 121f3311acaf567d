"""The TPS page (drill-down's last level) and the map's popup."""

from deployments.models import Assignment
from tests.factories import AssignmentFactory, LinmasFactory, SatlinmasFactory, SprinFactory


def test_tps_page_lists_its_assignments_with_their_sprin(login, command_staff, picture):
    station = picture["covered"]
    sprin = SprinFactory(number="Sprin/1234/XI/2024")
    Assignment.objects.filter(personnel__in=picture["linmas_a"]).update(sprin=sprin)
    client = login(command_staff)

    response = client.get(f"/tps/{station.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>TPS 006 Bandar Lor</h1>" in html
    assert html.count("Sprin/1234/XI/2024") == 2
    assert "20 Nov 2024" in html
    for person in [*picture["polri"], *picture["linmas_a"]]:
        assert person.name in html
    assert "tanpa Sprin" in html  # the Polri pair's order is not entered


def test_tps_page_shows_cancelled_assignments_struck_through(login, command_staff, picture):
    station = picture["covered"]
    guard = LinmasFactory(unit=SatlinmasFactory(desa=station.desa), name="Linmas Batal")
    assignment = AssignmentFactory(personnel=guard, tps=[station])
    assignment.status = Assignment.Status.CANCELLED
    assignment.save(update_fields=["status"])
    client = login(command_staff)

    html = client.get(f"/tps/{station.pk}/").content.decode()

    row = html[html.index('<tr class="cancelled">') :]
    assert "Linmas Batal" in row[: row.index("</tr>")]


def test_popup_has_class_voters_requirement_and_guards(login, command_staff, picture):
    station = picture["covered"]
    client = login(command_staff)

    response = client.get(f"/tps/{station.pk}/popup/")

    html = response.content.decode()
    assert "<html" not in html
    assert "TPS 006 Bandar Lor" in html
    assert "Kurang rawan" in html
    assert "550" in html  # registered voters
    assert "Terpenuhi" in html
    for person in [*picture["polri"], *picture["linmas_a"]]:
        assert f"Bripka {person.name}" in html or person.name in html
    assert f'href="/tps/{station.pk}/"' in html


def test_popup_of_an_unguarded_tps_says_so(login, command_staff, picture):
    client = login(command_staff)

    html = client.get(f"/tps/{picture['unguarded'].pk}/popup/").content.decode()

    assert "Tanpa penjaga" in html
    assert "Belum ada penjaga." in html
    assert "2 Linmas" in html


def test_popup_follows_the_phase_asked_for(login, command_staff, picture):
    client = login(command_staff)

    html = client.get(
        f"/tps/{picture['covered'].pk}/popup/", {"phase": "kampanye"}
    ).content.decode()

    assert "Penjaga (Kampanye)" in html
    assert "Belum ada penjaga." in html


def test_polsek_staff_of_another_kecamatan_get_404(login, polsek_staff_other, picture):
    client = login(polsek_staff_other)

    page = client.get(f"/tps/{picture['covered'].pk}/")
    popup = client.get(f"/tps/{picture['covered'].pk}/popup/")
    own = client.get(f"/tps/{picture['other'].pk}/")

    assert page.status_code == 404
    assert popup.status_code == 404
    assert own.status_code == 200


def test_field_officers_do_not_open_tps_pages(login, field_officer, tps_a):
    client = login(field_officer)

    response = client.get(f"/tps/{tps_a.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_tps_page_query_count_does_not_grow_with_its_assignments(
    login, command_staff, picture, django_assert_num_queries
):
    station = picture["covered"]
    client = login(command_staff)
    client.get(f"/tps/{station.pk}/")
    for _ in range(10):
        AssignmentFactory(
            personnel=LinmasFactory(unit=SatlinmasFactory(desa=station.desa)),
            tps=[station],
            phase=station.assignments.first().phase,
        )

    # 1 session, 2 the user with their role, 3 TPS with places, 4 operation, 5 phases,
    # 6 snapshot, 7 its row for the TPS, 8 guards, 9-11 live state (last check-in, step,
    # open incidents), 12 assignments with Sprin, 13 indicators, 14-17 the field timeline.
    with django_assert_num_queries(17):
        response = client.get(f"/tps/{station.pk}/")

    assert response.content.decode().count("<tr") >= 15
