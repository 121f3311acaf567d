"""Election day's turnout for the demo (issue #19): closing figures for most TPS and the
KPPS's hourly counts of the morning for some, so that the turnout panel, its day table and the
map layer have data.

All synthetic, and labelled so: the rows stand on the demo's synthetic TPS only (which the
product marks as such), the closing figures are dated at the close, 13.00–14.30 WIB, a preview
of the day's end beside the 09.00 that `make run` pins the clock to, and `--reset` deletes
them before the TPS. Written with bulk_create (two statements per 2,000 rows): the seed stays
fast. Deterministic (a fixed random seed), like the rest of the demo."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from field.turnout.models import TurnoutCount, TurnoutReport
from field.turnout.services import turnout_max_voters
from tps.models import TPS

DAY = datetime(2024, 11, 27, 0, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
REPORTED_SHARE = 0.9  # of TPS with a closing figure
COUNTED_SHARE = 0.3  # of TPS whose KPPS shared the morning's hourly counts
MORNING_HOURS = {7: 0.12, 8: 0.27, 9: 0.41}  # share of the day's voters by that hour


def turnout_create(tps: list[TPS]) -> tuple[int, int]:
    """(closing figures, hourly counts) written for the demo's TPS."""
    rng = random.Random(19)  # noqa: S311 (demo data, not security)
    reports, counts = [], []
    for station in tps:
        dpt = station.registered_voters
        if not dpt:
            continue
        bound = turnout_max_voters(dpt)
        final = min(bound, round(dpt * rng.uniform(0.55, 0.86)))
        if rng.random() < REPORTED_SHARE:
            reports.append(
                TurnoutReport(
                    tps=station,
                    source=(
                        TurnoutReport.Source.POSKO
                        if rng.random() < 0.1
                        else TurnoutReport.Source.OFFICER
                    ),
                    voters_used=final,
                    dpt=dpt,
                    max_voters=bound,
                    reported_at=DAY + timedelta(hours=13, minutes=rng.randint(5, 90)),
                )
            )
        if rng.random() < COUNTED_SHARE:
            for hour, share in MORNING_HOURS.items():
                counts.append(
                    TurnoutCount(
                        tps=station,
                        hour=hour,
                        voters_so_far=round(final * share * rng.uniform(0.9, 1.1)),
                        source=TurnoutReport.Source.OFFICER,
                        dpt=dpt,
                        max_voters=bound,
                        reported_at=DAY + timedelta(hours=hour, minutes=rng.randint(0, 9)),
                    )
                )
    TurnoutReport.objects.bulk_create(reports, batch_size=2_000)
    TurnoutCount.objects.bulk_create(counts, batch_size=2_000)
    return len(reports), len(counts)


def turnout_delete(tps) -> int:
    """Delete the turnout rows of the demo's synthetic TPS (they protect their TPS)."""
    reports = TurnoutReport.objects.filter(tps__in=tps).delete()[0]
    return reports + TurnoutCount.objects.filter(tps__in=tps).delete()[0]
