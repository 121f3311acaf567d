"""The printed dashboard's own section (/cetak/, opsboard/_print_summary.html): every uncovered TPS
of the filter, not only the gap table's page, the open incidents, who printed it and when, the
operation and the filter; in a fixed number of queries whatever the number of short TPS."""

import re
import uuid
from datetime import timedelta

import pytest

from deployments.coverage import coverage_recompute
from field.models import SituationReport
from tests.factories import TPSFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _report(person, tps, kind="gangguan", *, text="", urgent=False, handled=False):
    from core import clock

    return SituationReport.objects.create(
        person=person,
        tps=tps,
        kind=kind,
        text=text or f"Laporan {kind} di {tps}",
        urgent=urgent,
        at=clock.now(),
        idempotency_key=uuid.uuid4(),
        handled_at=clock.now() if handled else None,
    )


@pytest.fixture
def incidents(picture):
    guard = picture["linmas_a"][0]
    return {
        "open": _report(guard, picture["covered"], text="Massa berkumpul di depan TPS"),
        "urgent": _report(guard, picture["short"], "hoaks", urgent=True, text="Isu surat suara"),
        "handled": _report(guard, picture["covered"], text="Sudah beres", handled=True),
        "quiet": _report(guard, picture["covered"], "aman", text="Situasi aman terkendali"),
        "elsewhere": _report(guard, picture["other"], text="Listrik padam di Pesantren"),
    }


def _operation_name() -> str:
    from deployments.models import Operation

    return Operation.objects.get().name


def _section(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="print-summary"')
    return body


def test_the_dashboard_holds_a_hidden_placeholder_that_loads_the_section(
    login, command_staff, picture
):
    body = login(command_staff).get("/", {"kecamatan": "357101"}).content.decode()

    placeholder = re.search(r'<section id="print-summary"[^>]*>', body).group(0)
    assert " hidden" in placeholder  # never on screen
    assert 'hx-get="/cetak/?kecamatan=357101"' in placeholder
    assert 'hx-trigger="load"' in placeholder
    assert 'href="/static/opsboard/print.css" media="print"' in body
    assert "/static/opsboard/print.js" in body


def test_the_section_lists_every_uncovered_tps_and_says_who_printed_it_and_when(
    login, command_staff, picture
):
    command_staff.first_name, command_staff.last_name = "Bagus", "Prakoso"
    command_staff.save()

    body = _section(login(command_staff).get("/cetak/", **HTMX))

    assert f"<strong>{_operation_name()}</strong>" in body
    assert (
        "Dicetak oleh Bagus Prakoso (kabagops) (Staf komando), jam operasi "
        "Rabu, 27 November 2024 09.00 WIB"
    ) in body
    assert "Filter: tidak ada (semua kelas dan status)" in body
    assert "Semua TPS belum terpenuhi: 2 (1 kurang, 1 tanpa penjaga)" in body
    # By place: Bandar Lor's TPS 007 (short) before its TPS 008 (unguarded); covered ones absent.
    assert body.index("3571011001007") < body.index("3571011001008")
    assert picture["covered"].code not in body and picture["other"].code not in body
    assert " hidden" in body.split(">", 1)[0]  # swapped into the page: shown by print.css only


def test_the_section_follows_the_filter_and_names_it(login, command_staff, picture):
    body = _section(
        login(command_staff).get("/cetak/", {"kecamatan": "357101", "status": "short"}, **HTMX)
    )

    assert "Wilayah: Kecamatan Mojoroto" in body
    assert "Filter: Status: Kurang" in body
    assert "3571011001007" in body and "3571011001008" not in body


def test_unanswered_reports_are_printed_urgent_first_and_handled_or_quiet_ones_left_out(
    login, command_staff, incidents
):
    body = _section(login(command_staff).get("/cetak/", {"kecamatan": "357101"}, **HTMX))

    assert "Laporan belum ditangani: 2" in body
    assert "Kejadian terbuka: 0" in body
    assert body.index("Isu surat suara") < body.index("Massa berkumpul di depan TPS")
    assert "MENDESAK" in body
    assert "Sudah beres" not in body
    assert "Situasi aman terkendali" not in body
    assert "Listrik padam di Pesantren" not in body  # another kecamatan than the filter's


def test_open_incidents_are_printed_by_severity_with_their_wait_and_their_reports_not_twice(
    login, command_staff, incidents, settings
):
    from field.incidents import services

    raised, _created = services.incident_open_from_report(
        report=incidents["urgent"], by=command_staff
    )
    services.incident_reclassify(incident=raised, by=command_staff, severity=4)
    lesser, _created = services.incident_open_from_report(
        report=incidents["open"], by=command_staff
    )
    ended, _created = services.incident_open_from_report(
        report=incidents["elsewhere"], by=command_staff
    )
    services.incident_reject(incident=ended, by=command_staff, reason="Laporan keliru")
    settings.OPSBOARD_NOW += timedelta(minutes=25)

    body = _section(login(command_staff).get("/cetak/", **HTMX))

    assert "Kejadian terbuka: 2" in body
    assert body.index(raised.title) < body.index(lesser.title)  # Darurat first
    assert "<strong>Darurat</strong>" in body
    assert "25 menit" in body
    assert ended.title not in body
    # Their reports are the incidents' now: not listed again as unanswered.
    assert "Laporan belum ditangani: 0" in body


def test_polsek_staff_print_their_kecamatan_only(login, polsek_staff_other, incidents):
    body = _section(login(polsek_staff_other).get("/cetak/", **HTMX))

    assert "(Staf Polsek)" in body
    assert "Semua TPS belum terpenuhi: 0" in body
    assert "Listrik padam di Pesantren" in body
    assert "Massa berkumpul" not in body and "3571011001007" not in body


def test_a_field_officer_gets_no_printout(login, field_officer, picture):
    response = login(field_officer).get("/cetak/")

    assert response.status_code in (302, 403)
    assert b"print-summary" not in response.content


def test_a_bad_filter_is_a_400_that_says_which(login, command_staff, picture):
    response = login(command_staff).get("/cetak/", {"kecamatan": "9999"}, **HTMX)

    assert response.status_code == 400
    assert "9999" in response.content.decode()


def test_opened_without_htmx_the_section_shows_on_screen_and_is_not_cached(
    login, command_staff, picture
):
    response = login(command_staff).get("/cetak/")

    opening = response.content.decode().lstrip().split(">", 1)[0]
    assert " hidden" not in opening
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("extra_gaps", [0, 30])
def test_the_section_costs_the_same_queries_whatever_the_number_of_gaps(
    login, command_staff, incidents, extra_gaps, django_assert_num_queries
):
    desa = incidents["open"].tps.desa
    for number in range(100, 100 + extra_gaps):
        TPSFactory(desa=desa, number=number)
    coverage_recompute(force=True)
    client = login(command_staff)
    client.get("/healthz")

    # 1 session, 2 the user with their role, 3 operation, 4 its phases, 5 snapshot, 6 every
    # uncovered row with its TPS and places, 7 engine state (stale?), 8 the open incidents with
    # their places, 9 the unanswered reports with their TPS, places and reporter.
    with django_assert_num_queries(9):
        body = _section(client.get("/cetak/", **HTMX))

    # Headings and rows: the uncovered TPS, the three open reports (Pesantren's too: no filter).
    assert body.count("<tr>") == 1 + (2 + extra_gaps) + 1 + 3
    assert f"Semua TPS belum terpenuhi: {2 + extra_gaps} " in body
