"""Generating the daily report: idempotent (one report per day and scope, in the database
too), the beat's task and schedule, the day's figures against the day before."""

import pytest
from celery.schedules import crontab
from django.db import IntegrityError, transaction

from opsboard.celery import app
from opsboard.reports.figures import incident_rows
from opsboard.reports.models import DailyReport
from opsboard.reports.services import daily_report_generate, report_day_due
from opsboard.tasks import generate_daily_report_task
from tests.reports.helpers import BEFORE, DAY, at, incident, two_days

pytestmark = pytest.mark.django_db


def test_generating_twice_gives_the_one_report_and_changes_nothing(election_day, tps_a, tps_b):
    two_days(tps_a, tps_b)
    first, created = daily_report_generate(day=DAY)
    incident(tps_a, "bencana", at(DAY, 15))  # entered after the report was generated

    again, created_again = daily_report_generate(day=DAY)

    assert created and not created_again
    assert again.pk == first.pk
    assert DailyReport.objects.count() == 1
    assert again.figures["incidents"]["bencana"] == 0


def test_the_database_refuses_a_second_report_of_the_same_day_and_scope(election_day):
    report, _ = daily_report_generate(day=DAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        DailyReport.objects.create(day=DAY, figures={}, generated_at=report.generated_at)

    assert DailyReport.objects.count() == 1


def test_the_beat_task_reports_the_day_that_ended(settings, election_day, mojoroto, pesantren):
    settings.OPSBOARD_NOW = at(DAY.replace(day=28), 6)

    pk = generate_daily_report_task()

    assert report_day_due() == DAY
    assert DailyReport.objects.get(pk=pk).day == DAY
    assert generate_daily_report_task() == pk  # the beat firing twice makes no second report
    # The Polres's report and each Polsek's, one per kecamatan.
    assert sorted(DailyReport.objects.filter(day=DAY).values_list("scope_code", flat=True)) == [
        "357101",
        "357103",
        "polres",
    ]


def test_the_beat_schedule_generates_at_daily_report_at(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-report"]

    assert entry["task"] == "opsboard.tasks.generate_daily_report_task"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour=6, minute=0)  # DAILY_REPORT_AT's default, WIB
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"


def test_counts_by_class_are_compared_with_the_day_before(election_day, tps_a, tps_b):
    two_days(tps_a, tps_b)

    report, _ = daily_report_generate(day=DAY)

    rows = {row["code"]: row for row in incident_rows(report.figures)}
    # 27 Nov: 2 gangguan, 1 unjuk rasa, 1 kejahatan (at 00.00); the rejected one and the one at
    # 00.00 on the 28th are not counted. 26 Nov: 3 pelanggaran and the gangguan at 23.59.
    assert (rows["gangguan"]["day"], rows["gangguan"]["previous"], rows["gangguan"]["change"]) == (
        2,
        1,
        1,
    )
    assert (rows["kejahatan"]["day"], rows["kejahatan"]["previous"]) == (1, 0)
    assert (rows["pelanggaran"]["day"], rows["pelanggaran"]["change"]) == (0, -3)
    assert rows["unjuk_rasa"]["day"] == 1
    assert (rows["total"]["day"], rows["total"]["previous"]) == (4, 4)
    assert [r["code"] for r in incident_rows(report.figures)][:4] == [
        "kejahatan",
        "pelanggaran",
        "gangguan",
        "bencana",
    ]
    assert report.figures["demonstrations"]["count"] == 1
    assert len(report.figures["demonstrations"]["incidents"]) == 1


def test_the_report_of_the_day_before_counts_its_own_day(election_day, tps_a, tps_b):
    two_days(tps_a, tps_b)

    report, _ = daily_report_generate(day=BEFORE)

    assert report.figures["incidents"]["pelanggaran"] == 3
    assert report.figures["incidents"]["total"] == 4


def test_personnel_deployed_and_activities_of_the_day(election_day, tps_a, tps_b):
    two_days(tps_a, tps_b)

    report, _ = daily_report_generate(day=DAY)

    deployed = report.figures["personnel"]["deployed"]
    # The patrol of the day; the Posko duty ended at 00.00 on the 27th (half-open).
    assert deployed["by_force"] == {"POLRI": 1, "TNI": 0, "LINMAS": 0, "total": 1}
    assert deployed["by_kind"]["patroli"] == 1 and deployed["by_kind"]["posko"] == 0
    activities = report.figures["activities"]
    assert [m["number"] for m in activities["meetings"]] == ["Rakor/27/XI/2024"]
    assert activities["patrol_personnel"] == 1
    assert report.figures["logistics"] is None  # no custody that day: "belum ada data"


def test_the_logistics_section_counts_the_custody_of_the_day(election_day, tps_a):
    from field.logistics.services import leg_arrive, leg_depart, leg_handover
    from tests.factories import LogisticsLegFactory

    kecamatan = tps_a.desa.kecamatan
    leg = LogisticsLegFactory(batch__kecamatan=kecamatan)
    LogisticsLegFactory(  # planned the day before: not the day's
        batch__kecamatan=kecamatan,
        planned_departure=at(BEFORE, 7),
        planned_arrival=at(BEFORE, 8),
    )
    leg_depart(leg=leg, by=None, boxes=10, ballots=5000, at=at(DAY, 7, 10))
    leg_arrive(leg=leg, by=None, at=at(DAY, 7, 50))
    leg_handover(leg=leg, by=None, boxes=10, ballots=4950, name="Ketua PPK", at=at(DAY, 7, 55))

    report, _ = daily_report_generate(day=DAY)

    assert report.figures["logistics"] == {
        "batches": 1,
        "legs_departed": 1,
        "legs_arrived": 1,
        "legs_handed_over": 1,
        "flags_late": 0,
        "flags_mismatch": 1,
    }
    before, _ = daily_report_generate(day=BEFORE)
    assert before.figures["logistics"]["batches"] == 1
    assert before.figures["logistics"]["legs_departed"] == 0
