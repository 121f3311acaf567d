"""The trend chart: coverage over time from the snapshot history, as inline SVG coordinates."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from opsboard.dashboard.rows import fraction

# The trend chart, drawn as inline SVG (no chart library, nothing from another host)

TREND_WIDTH, TREND_HEIGHT = 600, 170
TREND_PAD = {"left": 38, "right": 12, "top": 10, "bottom": 24}
TREND_MAX_POINTS = 240
TREND_SERIES = (
    ("covered", _("TPS terpenuhi")),
    ("POLRI", _("Pemenuhan Polri")),
    ("TNI", _("Pemenuhan TNI")),
    ("LINMAS", _("Pemenuhan Linmas")),
)


def _downsample(rows: list[dict], limit: int) -> list[dict]:
    if len(rows) <= limit:
        return rows
    step = (len(rows) - 1) / (limit - 1)
    return [rows[round(i * step)] for i in range(limit)]


def trend_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Polylines in a 600×170 viewBox: TPS covered (share) and each force's fulfilment."""
    rows = _downsample(rows, TREND_MAX_POINTS)
    plot_w = TREND_WIDTH - TREND_PAD["left"] - TREND_PAD["right"]
    plot_h = TREND_HEIGHT - TREND_PAD["top"] - TREND_PAD["bottom"]
    times = [row["snapshot__created_at"].timestamp() for row in rows]
    t0, t1 = (min(times), max(times)) if times else (0.0, 0.0)

    def x(t: float) -> float:
        if t1 - t0 < 1:
            return TREND_PAD["left"] + plot_w  # one point (or one instant): the right edge
        return TREND_PAD["left"] + (t - t0) / (t1 - t0) * plot_w

    def y(share: float) -> float:
        return TREND_PAD["top"] + (1 - max(0.0, min(share, 1.0))) * plot_h

    series = []
    for key, label in TREND_SERIES:
        values = []
        for row, t in zip(rows, times, strict=True):
            if key == "covered":
                share = fraction(row["covered"], row["tps_total"])
            else:
                f = key.lower()
                share = fraction(row[f"{f}_fulfilled"], row[f"{f}_required"])
            if share is not None:
                values.append((x(t), y(share), share))
        if not values:
            continue  # nothing required of this force: no line
        series.append(
            {
                "key": key.lower(),
                "label": str(label),
                "points": " ".join(f"{px:.1f},{py:.1f}" for px, py, _s in values),
                "last": values[-1][2],
                "dots": [{"x": f"{px:.1f}", "y": f"{py:.1f}"} for px, py, _s in values[-1:]],
            }
        )
    # Coordinates go to the template as strings: a float would be localised to "146,0".
    grid = [{"y": f"{y(share):.1f}", "label": f"{round(share * 100)}"} for share in (0, 0.5, 1.0)]
    return {
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "series": series,
        "grid": grid,
        "points": len(rows),
        "first": rows[0]["snapshot__created_at"] if rows else None,
        "last": rows[-1]["snapshot__created_at"] if rows else None,
        "plot_left": TREND_PAD["left"],
        "label_x": TREND_PAD["left"] - 6,
        "plot_right": TREND_WIDTH - TREND_PAD["right"],
        "axis_y": TREND_HEIGHT - 6,
    }
