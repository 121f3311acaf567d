"""The command's incident pages: board order and clock, transitions as POSTs (htmx and plain),
refusals, scope per role, query counts, the medians on both backends, the export."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connections
from openpyxl import load_workbook

from field.incidents import selectors, services
from field.incidents.models import Incident, IncidentClass, Severity
from tests.factories import ELECTION_DAY_9AM, KecamatanFactory
from tests.field.helpers import guard_at
from tests.field.incident_helpers import report, tick, walk

HTMX = {"HX-Request": "true"}


def _open(person, tps, **fields):
    incident = Incident.objects.get(links__report=report(person, tps=tps))
    if fields:
        Incident.objects.filter(pk=incident.pk).update(**fields)
        incident.refresh_from_db()
    return incident


@pytest.fixture
def two_areas(guard, tps_a, tps_b, settings):
    """An incident in Mojoroto (TPS A) and one in Pesantren (TPS B), ten minutes apart."""
    a = _open(guard, tps_a)
    tick(settings, 10)
    b = _open(guard_at(tps_b), tps_b)
    return a, b


def test_the_board_lists_open_incidents_by_severity_then_age(
    guard, tps_a, login, command_staff, settings
):
    old_low = _open(guard, tps_a, severity=Severity.RENDAH)
    tick(settings, 5)
    old_high = _open(guard, tps_a)
    tick(settings, 5)
    new_high = _open(guard, tps_a)
    tick(settings, 5)
    top = _open(guard, tps_a, severity=Severity.DARURAT)
    closed = _open(guard, tps_a)
    services.incident_reject(incident=closed, by=command_staff, reason="Keliru")
    tick(settings, 7)

    body = login(command_staff).get("/lapangan/kejadian/").content.decode()

    order = [top, old_high, new_high, old_low]
    positions = [body.index(f'id="kejadian-{i.pk}"') for i in order]
    assert positions == sorted(positions)
    assert f'id="kejadian-{closed.pk}"' not in body
    assert "menunggu 22 menit" in body  # old_low, reported first


def test_htmx_gets_the_board_alone_and_the_dashboard_include_loads_it(
    login, command_staff, two_areas
):
    client = login(command_staff)

    part = client.get("/lapangan/kejadian/", headers=HTMX)
    feed_page = client.get("/lapangan/insiden/").content.decode()

    assert part.content.decode().lstrip().startswith('<section id="incident-board"')
    assert "<html" not in part.content.decode()
    assert "HX-Request" in part["Vary"]
    # Without a board in its context the partial is a placeholder that loads the board.
    assert 'hx-get="/lapangan/kejadian/" hx-trigger="load"' in feed_page


def test_polsek_staff_see_and_handle_their_kecamatan_only(login, polsek_staff, two_areas):
    mine, theirs = two_areas
    client = login(polsek_staff)

    board = client.get("/lapangan/kejadian/").content.decode()
    foreign_page = client.get(f"/lapangan/kejadian/{theirs.pk}/")
    foreign_post = client.post(f"/lapangan/kejadian/{theirs.pk}/ubah/", {"action": "verify"})
    own_post = client.post(f"/lapangan/kejadian/{mine.pk}/ubah/", {"action": "verify"})

    assert f'id="kejadian-{mine.pk}"' in board and f'id="kejadian-{theirs.pk}"' not in board
    assert (foreign_page.status_code, foreign_post.status_code) == (404, 404)
    assert own_post.status_code == 302
    assert Incident.objects.get(pk=theirs.pk).state == "dilaporkan"
    assert Incident.objects.get(pk=mine.pk).state == "diverifikasi"


def test_field_officers_see_none_of_the_board(login, field_officer, two_areas):
    client = login(field_officer)
    mine = two_areas[0]

    answers = [
        client.get("/lapangan/kejadian/").status_code,
        client.get(f"/lapangan/kejadian/{mine.pk}/").status_code,
        client.post(f"/lapangan/kejadian/{mine.pk}/ubah/", {"action": "verify"}).status_code,
        client.get("/lapangan/kejadian/ekspor/").status_code,
    ]

    assert answers == [403] * 4
    assert Incident.objects.get(pk=mine.pk).state == "dilaporkan"


def test_a_transition_from_the_board_returns_its_row(login, command_staff, two_areas):
    incident = two_areas[0]

    response = login(command_staff).post(
        f"/lapangan/kejadian/{incident.pk}/ubah/",
        {"action": "verify", "from": "board"},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li id="kejadian-{incident.pk}"')
    assert 'name="action" value="dispatch"' in body  # the next step's form


def test_an_invalid_transition_answers_422_with_the_reason_and_changes_nothing(
    login, command_staff, two_areas
):
    incident = two_areas[0]
    client = login(command_staff)

    opened = incident.events.count()
    on_board = client.post(
        f"/lapangan/kejadian/{incident.pk}/ubah/",
        {"action": "arrive", "from": "board"},
        headers=HTMX,
    )
    plain = client.post(f"/lapangan/kejadian/{incident.pk}/ubah/", {"action": "resolve"})
    huge = client.post(
        f"/lapangan/kejadian/{incident.pk}/ubah/", {"action": "note", "note": "x" * 2001}
    )
    unknown = client.post(f"/lapangan/kejadian/{incident.pk}/ubah/", {"action": "hapus"})

    assert [r.status_code for r in (on_board, plain, huge, unknown)] == [422] * 4
    assert "tidak dapat ditandai tiba" in on_board.content.decode()
    assert "Tulis hasil penanganan." in plain.content.decode()
    assert "paling banyak 2000 karakter" in huge.content.decode()
    assert "Tindakan tidak dikenal." in unknown.content.decode()
    assert Incident.objects.get(pk=incident.pk).state == "dilaporkan"
    assert incident.events.count() == opened


def test_the_timeline_page_shows_reports_events_and_the_forms(
    login, command_staff, two_areas, settings
):
    incident = walk(two_areas[0], settings, command_staff, to="ditangani")
    services.incident_note(incident=incident, by=command_staff, text="Pelapor ditelepon balik")

    body = login(command_staff).get(f"/lapangan/kejadian/{incident.pk}/").content.decode()

    for text in ("Massa berkumpul di TPS", "Diverifikasi", "Unit dikirim", "Tim Sabhara 2"):
        assert text in body
    assert "Pelapor ditelepon balik" in body
    assert 'value="reject"' in body and 'value="duplicate"' in body


def test_opening_an_incident_from_a_report_in_the_feed(guard, tps_a, login, command_staff):
    quiet = report(guard, tps=tps_a, urgent=False)
    client = login(command_staff)

    first = client.post(f"/lapangan/insiden/{quiet.pk}/kejadian/")
    again = client.post(f"/lapangan/insiden/{quiet.pk}/kejadian/")

    incident = Incident.objects.get()
    assert first["Location"] == again["Location"] == f"/lapangan/kejadian/{incident.pk}/"
    assert incident.opened_by == command_staff


@pytest.mark.parametrize("size", [3, 30])
def test_the_board_takes_the_same_queries_whatever_its_size(
    size, guard, tps_a, tps_b, login, command_staff, settings, django_assert_num_queries
):
    other = guard_at(tps_b)
    for n in range(size):
        incident = _open(guard, tps_a) if n % 2 else _open(other, tps_b)
        if n % 3 == 1:
            walk(incident, settings, command_staff, to="ditangani", minutes=(1, 1))
            incident.responders.add(guard)
    client = login(command_staff)

    # session, user and role; the open incidents with places and verifier; their responders;
    # the medians (one aggregate query)
    with django_assert_num_queries(5):
        response = client.get("/lapangan/kejadian/", headers=HTMX)

    assert response.content.decode().count('class="incident incident-row') == size


def _kecamatan_on_both(code: str, name: str):
    kecamatan = KecamatanFactory(code=code, name=name)
    kabkota = kecamatan.kabkota
    kabkota.save(using="sqlite")
    kecamatan.save(using="sqlite")
    return kecamatan


@pytest.mark.django_db(databases=["default", "sqlite"])
def test_the_medians_are_the_same_on_postgresql_and_sqlite(command_staff):
    # Given the same incidents on both databases: Mojoroto verified at 2, 4 and 9 minutes
    # (median 4), Pesantren at 3 and 6 (median 4.5, the mean of the middle two)
    mojoroto = _kecamatan_on_both("357101", "Mojoroto")
    pesantren = _kecamatan_on_both("357103", "Pesantren")
    t0 = ELECTION_DAY_9AM
    rows = [
        (mojoroto, IncidentClass.HOAKS, 2, None),
        (mojoroto, IncidentClass.HOAKS, 4, 30),
        (mojoroto, IncidentClass.BENTROK_MASSA, 9, None),
        (pesantren, IncidentClass.BENTROK_MASSA, 3, 10),
        (pesantren, IncidentClass.BENTROK_MASSA, 6, None),
    ]
    for using in ("default", "sqlite"):
        for n, (kecamatan, cls, verify, dispatch) in enumerate(rows, start=1):
            fields = {"state": "diverifikasi", "verified_at": t0 + timedelta(minutes=verify)}
            if dispatch is not None:
                fields.update(state="ditangani", dispatched_at=t0 + timedelta(minutes=dispatch))
            Incident(
                pk=n,
                title=f"Uji {n}",
                incident_class=cls,
                kecamatan_id=kecamatan.pk,
                latitude="-7.8",
                longitude="112.0",
                reported_at=t0,
                **fields,
            ).save(using=using)

    figures = {}
    for using in ("default", "sqlite"):
        medians = selectors.response_medians(command_staff, using=using)
        figures[connections[using].vendor] = medians
        by_kec = {m.label: (m.incidents, m.verify, m.dispatch) for m in medians.by_kecamatan}
        by_cls = {m.label: (m.incidents, m.verify, m.dispatch) for m in medians.by_class}

        assert by_kec == {"Mojoroto": (3, 4.0, 30.0), "Pesantren": (2, 4.5, 10.0)}
        assert by_cls == {"Bentrok massa": (3, 6.0, 10.0), "Hoaks": (2, 3.0, 30.0)}
        assert (medians.overall.incidents, medians.overall.verify) == (5, 4.0)
        assert medians.overall.dispatch == 20.0 and medians.overall.arrive is None
    assert set(figures) == {"postgresql", "sqlite"}


def test_the_export_writes_the_log_with_its_clock(login, command_staff, two_areas, settings):
    # Reported ten minutes before the fixture's second incident, at the clock's start.
    incident = walk(two_areas[0], settings, command_staff, to="selesai", minutes=(3, 4, 5, 6))
    Incident.objects.filter(pk=two_areas[1].pk).update(title='=HYPERLINK("http://x")')
    client = login(command_staff)

    xlsx = client.get("/lapangan/kejadian/ekspor/?format=xlsx")
    excel = client.get("/lapangan/kejadian/ekspor/?format=csv-excel")
    bad = client.get("/lapangan/kejadian/ekspor/?format=pdf")

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row[0] == "Nomor")
    header, first, second = rows[start : start + 3]
    assert first[header.index("Nomor")] == incident.number
    assert [first[header.index(h)] for h in ("Menit ke verifikasi", "Menit ke selesai")] == [13, 28]
    assert sheet.cell(row=start + 3, column=2).data_type == "s"  # the formula stays text
    assert second[1] == '=HYPERLINK("http://x")'
    raw = b"".join(excel.streaming_content)
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[2][1] == '\'=HYPERLINK("http://x")'
    assert lines[1][header.index("Menit ke tiba")] == "22"
    assert bad.status_code == 400
