"""The demo's election day: closing figures for most TPS, morning counts for some, all on
synthetic TPS within their bound, shown by the panel, and gone after --reset's delete."""

import pytest
from django.db.models import F

from demo.seed import demo_delete
from field.models import TurnoutCount, TurnoutReport
from field.turnout.selectors import turnout_by_area, turnout_day_by_area
from tests.demo.conftest import seeded  # noqa: F401 (the module-scoped seed of tests/demo)
from tps.models import TPS

pytestmark = pytest.mark.usefixtures("seeded", "db")


def test_most_tps_have_a_closing_figure_on_synthetic_tps_only(seeded):  # noqa: F811
    tps = TPS.objects.count()
    reports = TurnoutReport.objects.all()

    assert 0.85 * tps <= reports.count() < tps
    assert not reports.filter(tps__is_synthetic=False).exists()
    assert not reports.filter(voters_used__gt=F("max_voters")).exists()
    assert set(reports.values_list("source", flat=True)) == {"officer", "posko"}
    assert "Kehadiran pemilih (sintetis): angka penutupan" in seeded


def test_some_tps_have_the_mornings_hourly_counts():
    counts = TurnoutCount.objects.all()

    assert counts.exists()
    assert set(counts.values_list("hour", flat=True)) == {7, 8, 9}
    assert not counts.filter(tps__is_synthetic=False).exists()


def test_the_panels_have_data(django_user_model):
    kabagops = django_user_model.objects.get(username="kabagops")  # the demo's command staff

    areas = turnout_by_area(user=kabagops)
    day = turnout_day_by_area(user=kabagops)

    assert len(areas) == 8 and all(a.reported.tps_reported for a in areas)
    assert all(a.reported.percent and 50 < a.reported.percent < 90 for a in areas)
    assert any(p for d in day for _h, p, _n in d.hours)


def test_reset_removes_the_turnout_rows():
    removed = demo_delete()

    assert removed["kehadiran"] > 0
    assert not TurnoutReport.objects.exists() and not TurnoutCount.objects.exists()
