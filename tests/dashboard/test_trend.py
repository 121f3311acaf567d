"""The trend: coverage over time from the snapshot history, as inline SVG."""

from datetime import timedelta

from django.utils import timezone

from deployments.coverage import coverage_recompute
from deployments.models import CoverageSnapshot
from opsboard.dashboard import TREND_MAX_POINTS, trend_chart
from tests.api.helpers import cancel


def _row(minutes: int, covered: int, total: int = 10, polri: float = 1.0) -> dict:
    return {
        "snapshot__created_at": timezone.now() + timedelta(minutes=minutes),
        "snapshot__computed_at": timezone.now(),
        "tps_total": total,
        "covered": covered,
        "polri_required": 4.0,
        "polri_fulfilled": 4.0 * polri,
        "tni_required": 0.0,
        "tni_fulfilled": 0.0,
        "linmas_required": 20.0,
        "linmas_fulfilled": 20.0,
    }


def test_chart_draws_a_line_per_series_and_none_for_a_force_without_requirement():
    chart = trend_chart([_row(0, 5, polri=0.5), _row(30, 10)])

    keys = [s["key"] for s in chart["series"]]
    covered = chart["series"][0]
    assert keys == ["covered", "polri", "linmas"]  # nothing is required of the TNI
    assert covered["points"] == "38.0,78.0 588.0,10.0"  # 50 % at the left, 100 % at the right
    assert covered["last"] == 1.0


def test_chart_keeps_at_most_240_points_with_the_latest_last():
    rows = [_row(i, i % 10) for i in range(1000)]

    chart = trend_chart(rows)

    assert chart["points"] == TREND_MAX_POINTS
    assert chart["last"] == rows[-1]["snapshot__created_at"]


def test_trend_on_the_dashboard_follows_the_snapshots(login, command_staff, picture):
    cancel(picture["linmas_a"][0].assignments.get())
    coverage_recompute(force=True)
    client = login(command_staff)

    html = client.get("/").content.decode()

    trend = html[html.index('id="trend"') : html.index('class="print-foot"')]
    assert CoverageSnapshot.objects.count() == 2
    assert "2 potret" in trend
    assert trend.count("<polyline") == 3  # TPS covered, Polri, Linmas
    assert "TPS terpenuhi <strong>25,0\u00a0%</strong>" in trend  # 1 of 4 after the cancel


def test_trend_of_a_kecamatan_uses_its_own_history(login, command_staff, picture):
    client = login(command_staff)

    html = client.get("/", {"kecamatan": "357103"}).content.decode()

    trend = html[html.index('id="trend"') : html.index('class="print-foot"')]
    assert "TPS terpenuhi <strong>100,0\u00a0%</strong>" in trend
