"""One definition: the daily report's figures are the API's answers for the same day and
scope — /api/angka-harian.json (the same function), summary.json's personnel, the turnout
panel's selector — for the whole Polres and for a Polsek's kecamatan."""

import json

import pytest

from field.turnout.selectors import turnout_by_area
from opsboard.reports.figures import daily_figures, scope_reader
from opsboard.reports.services import daily_report_generate
from tests.reports.helpers import DAY, two_days

pytestmark = pytest.mark.django_db


def _api(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_reports_figures_equal_the_apis_answers_for_the_day(
    election_day, tps_a, tps_b, superuser, command_staff, login
):
    two_days(tps_a, tps_b, superuser=superuser)
    report, _ = daily_report_generate(day=DAY)
    client = login(command_staff)

    figures = _api(client, f"/api/angka-harian.json?day={DAY.isoformat()}")
    summary = _api(client, "/api/summary.json")
    exported = _api(client, f"/api/laporan-harian/{report.pk}.json")

    assert report.figures == figures
    assert exported["figures"] == figures
    assert report.figures["personnel"]["strength"] == summary["personnel"]
    assert figures["incidents"]["total"] == 4  # not a comparison of two empty answers
    panel = turnout_by_area(user=command_staff)
    assert report.figures["turnout"]["total"]["voters_used"] == sum(
        area.reported.voters_used for area in panel
    )
    assert report.figures["turnout"]["total"]["voters_used"] == 150


def test_a_kecamatan_report_equals_what_its_polsek_staff_get_from_the_api(
    election_day, tps_a, tps_b, mojoroto, polsek_staff, login
):
    two_days(tps_a, tps_b)
    report, _ = daily_report_generate(day=DAY, kecamatan=mojoroto)

    figures = _api(login(polsek_staff), f"/api/angka-harian.json?day={DAY.isoformat()}")

    assert report.scope_code == mojoroto.code
    assert report.figures == figures
    # Mojoroto's own: its 2 gangguan and the unjuk rasa, not Pesantren's kejahatan.
    assert figures["incidents"]["gangguan"] == 2
    assert figures["incidents"]["kejahatan"] == 0
    assert figures["incidents_previous_day"]["pelanggaran"] == 0
    assert figures == daily_figures(scope_reader(mojoroto), day=DAY)


def test_a_bad_day_is_a_400_in_indonesian(election_day, command_staff, login):
    response = login(command_staff).get("/api/angka-harian.json?day=kemarin")

    assert response.status_code == 400
    assert "TTTT-BB-HH" in json.loads(response.content)["errors"]["day"][0]


@pytest.mark.parametrize("incidents", [1, 8])
def test_the_figures_take_a_fixed_number_of_queries(
    incidents, election_day, tps_a, tps_b, django_assert_num_queries
):
    from tests.reports.helpers import at, incident

    for n in range(incidents):
        incident(tps_a, "unjuk_rasa", at(DAY, 8, n))

    # Incidents per class, the day and the day before (2); the demonstrations (1); deployed per
    # force and per kind (2); the meetings (1); active personnel per force (1); turnout: TPS
    # per area, the latest reports (2); logistics: the legs and the flags of the day (2).
    with django_assert_num_queries(11):
        figures = daily_figures(scope_reader(), day=DAY)

    assert figures["demonstrations"]["count"] == incidents
