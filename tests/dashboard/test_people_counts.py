"""People are counted in whole persons wherever the UI shows them: "1 Polri untuk 2 TPS", never
"0,5 Polri"; sums over an area in whole officers; the exports keep the exact figures."""

import csv
import io

import pytest
from django.utils import translation

from core.formats import headcount, people_per_tps
from deployments.coverage import coverage_recompute
from tests.factories import TPSFactory


@pytest.mark.parametrize(
    ("amount", "force", "expected"),
    [
        (0.5, "Polri", "1 Polri untuk 2 TPS"),
        (0.25, "Polri", "1 Polri untuk 4 TPS"),
        (1.5, "Polri", "3 Polri untuk 2 TPS"),
        (2 / 3, "Polri", "2 Polri untuk 3 TPS"),
        (1 / 4 + 1 / 4 - 1e-12, "", "1 untuk 2 TPS"),  # shares added in floating point
        (2.0, "Linmas", "2 Linmas"),
        (2285, "", "2.285"),
        (0.123, "Polri", "≈ 0,1 Polri"),  # no pattern of up to 12 TPS says it
        (None, "Polri", "–"),
    ],
)
def test_people_at_a_tps_are_said_as_the_pattern_says_them(amount, force, expected):
    with translation.override("id"):
        assert people_per_tps(amount, force) == expected


def test_sums_over_an_area_are_whole_people():
    with translation.override("id"):
        assert [headcount(v) for v in (419.5, 420.0, 2285.0000001, 0, None)] == [
            "420",
            "420",
            "2.285",
            "0",
            "–",
        ]


def test_the_gap_table_says_1_polri_for_2_tps_and_the_export_keeps_a_half(
    login, command_staff, picture
):
    # A kurang rawan TPS with nobody: it lacks ½ Polri (2 per 4 TPS) and 2 Linmas.
    alone = TPSFactory(desa=picture["covered"].desa, number=9)
    coverage_recompute(force=True)
    client = login(command_staff)

    html = client.get("/", {"sort": "wilayah"}).content.decode()
    response = client.get("/export/gaps/", {"format": "csv"})
    exported = b"".join(response.streaming_content).decode("utf-8-sig")

    table = html[html.index('id="gaps"') : html.index('id="trend"')]
    assert "1 Polri untuk 2 TPS" in table
    assert "0,5" not in table
    rows = list(csv.reader(io.StringIO(exported)))
    row = next(r for r in rows if "TPS 009" in " ".join(r))
    assert "0.5" in row and alone.desa.name in " ".join(row)
