"""Reads of turnout (issue #19): per kecamatan or desa, latest figure per TPS, scoped; the
map layer's rows per TPS; the day per kecamatan (hourly counts, TPS open or counting).

Two queries whatever the size: the visible TPS grouped by area (totals), and the latest report
per (TPS, source) by a window's row number, which PostgreSQL and SQLite (where `make run`
serves) both run. Officer and Posko reports are one figure, "laporan petugas" (the latest of the
two wins); KPU figures sit beside it with the difference."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber

from core.access import access_of
from core.formats import WIB
from field.models import TPSStatusStep
from field.turnout.models import COUNT_HOURS, TurnoutCount, TurnoutReport
from tps.models import TPS


@dataclass
class Figure:
    """Sums over the TPS that reported: voters used, their DPT, how many TPS."""

    voters_used: int = 0
    dpt: int = 0
    tps_reported: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.voters_used / self.dpt, 1) if self.dpt else None


@dataclass
class AreaTurnout:
    area_id: int
    name: str
    tps_total: int
    reported: Figure = field(default_factory=Figure)  # laporan petugas (officer or Posko)
    kpu: Figure = field(default_factory=Figure)

    @property
    def difference(self) -> int | None:
        """KPU minus laporan petugas, when KPU figures exist for the area."""
        if not self.kpu.tps_reported:
            return None
        return self.kpu.voters_used - self.reported.voters_used


def turnout_by_area(*, user, level: str = "kecamatan") -> list[AreaTurnout]:
    """Turnout per kecamatan (or desa) the user may read; field officers and outsiders get []."""
    if level not in ("kecamatan", "desa"):
        raise ValueError(level)
    access = access_of(user)
    if not access.sees_everything and access.kecamatan_id is None:
        return []
    key = "desa__kecamatan" if level == "kecamatan" else "desa"
    tps = TPS.objects.visible_to(user)
    # Query 1: TPS per area with the area's name.
    areas = {
        row["area"]: AreaTurnout(area_id=row["area"], name=row["name"], tps_total=row["n"])
        for row in tps.values(area=F(key), name=F(f"{key}__name"))
        .annotate(n=Count("pk"))
        .order_by("name")
    }
    # Query 2: the latest report per (TPS, source); history rows stay in the table.
    latest = _latest(tps).values(
        "tps_id", "source", "voters_used", "dpt", "reported_at", area=F(f"tps__{key}")
    )
    field_latest: dict[int, dict] = {}
    for row in latest:
        if row["source"] == TurnoutReport.Source.KPU:
            _add(areas[row["area"]].kpu, row)
        elif (
            row["tps_id"] not in field_latest
            or row["reported_at"] > field_latest[row["tps_id"]]["reported_at"]
        ):
            field_latest[row["tps_id"]] = row
    for row in field_latest.values():
        _add(areas[row["area"]].reported, row)
    return list(areas.values())


def _latest(tps):
    """The latest report per (TPS, source) of these TPS; history rows stay in the table."""
    return (
        TurnoutReport.objects.filter(tps__in=tps)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("tps_id"), F("source")],
                order_by=[F("reported_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
    )


def _percent(voters: int, dpt: int) -> float | None:
    return round(100 * voters / dpt, 1) if dpt else None


def turnout_by_tps(*, user) -> list[list]:
    """[id, lat, lng, percent, source, KPU percent] per visible TPS with a figure: the map
    layer's rows, in one query. `source` is the laporan petugas' (officer or posko), or kpu
    when only the KPU's figure exists."""
    access = access_of(user)
    if not access.sees_everything and access.kecamatan_id is None:
        return []
    rows = _latest(TPS.objects.visible_to(user)).values(
        "tps_id",
        "source",
        "voters_used",
        "dpt",
        "reported_at",
        lat=F("tps__latitude"),
        lng=F("tps__longitude"),
    )
    field_rows: dict[int, dict] = {}
    kpu: dict[int, dict] = {}
    for row in rows:
        if row["source"] == TurnoutReport.Source.KPU:
            kpu[row["tps_id"]] = row
        elif (
            row["tps_id"] not in field_rows
            or row["reported_at"] > field_rows[row["tps_id"]]["reported_at"]
        ):
            field_rows[row["tps_id"]] = row
    out = []
    for tps_id in sorted(field_rows.keys() | kpu.keys()):
        main = field_rows.get(tps_id) or kpu[tps_id]
        official = kpu.get(tps_id)
        out.append(
            [
                tps_id,
                round(float(main["lat"]), 5),
                round(float(main["lng"]), 5),
                _percent(main["voters_used"], main["dpt"]),
                main["source"],
                _percent(official["voters_used"], official["dpt"]) if official else None,
            ]
        )
    return out


@dataclass
class AreaDay:
    """A kecamatan's election day: the hourly counts (percent of the DPT of the TPS that
    counted that hour) and how many TPS are open, counting or done by their status steps."""

    area_id: int
    name: str
    tps_total: int
    hours: list[tuple[int, float | None, int]]  # (hour, percent, TPS counted)
    not_open: int = 0
    voting: int = 0
    counting: int = 0
    done: int = 0


def turnout_day_by_area(*, user) -> list[AreaDay]:
    """Per kecamatan the user may read: hourly counts over the day and the TPS still open or
    counting. Two queries: TPS with their last status step per kecamatan; the hourly counts
    (officer or Posko, the larger of the two when both counted the same hour)."""
    access = access_of(user)
    if not access.sees_everything and access.kecamatan_id is None:
        return []
    tps = TPS.objects.visible_to(user)
    key = "desa__kecamatan"
    areas: dict[int, AreaDay] = {}
    last_step = TPSStatusStep.objects.filter(tps=OuterRef("pk")).order_by("-step")
    steps = (
        tps.annotate(last=Subquery(last_step.values("step")[:1]))
        .values("last", area=F(key), name=F(f"{key}__name"))
        .annotate(n=Count("pk"))
        .order_by("name")
    )
    Step = TPSStatusStep.Step
    for row in steps:
        day = areas.setdefault(
            row["area"], AreaDay(area_id=row["area"], name=row["name"], tps_total=0, hours=[])
        )
        day.tps_total += row["n"]
        last = row["last"] or 0
        if last < Step.TPS_OPEN:
            day.not_open += row["n"]
        elif last == Step.TPS_OPEN:
            day.voting += row["n"]
        elif last == Step.VOTING_CLOSED:
            day.counting += row["n"]
        else:
            day.done += row["n"]
    counts = (
        TurnoutCount.objects.filter(tps__in=tps)
        .exclude(source=TurnoutReport.Source.KPU)
        .values("tps_id", "hour", area=F(f"tps__{key}"))
        .annotate(v=Max("voters_so_far"), dpt=Max("dpt"))
    )
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in counts:
        total = sums[(row["area"], row["hour"])]
        total[0] += row["v"]
        total[1] += row["dpt"]
        total[2] += 1
    for day in areas.values():
        day.hours = [
            (h, _percent(*sums[(day.area_id, h)][:2]), sums[(day.area_id, h)][2])
            if (day.area_id, h) in sums
            else (h, None, 0)
            for h in COUNT_HOURS
        ]
    return sorted(areas.values(), key=lambda d: d.name)


def _add(figure: Figure, row: dict) -> None:
    figure.voters_used += row["voters_used"]
    figure.dpt += row["dpt"]
    figure.tps_reported += 1


def officer_form_state(station: TPS, *, at: datetime) -> None:
    """What /me/ offers for a guarded TPS (annotated by field_officer_overview with its last
    status step and last figure): hourly counts once the TPS is open, up to the current hour;
    the closing figure once voting closed, or from FIELD_TURNOUT_FORM_HOUR of an open TPS.
    Sets `turnout_hours`, `turnout_closing` and `turnout_shown` on the station."""
    step = station.last_step or 0
    hour = at.astimezone(WIB).hour
    is_open = step >= TPSStatusStep.Step.TPS_OPEN
    station.turnout_closing = step >= TPSStatusStep.Step.VOTING_CLOSED or (
        is_open and hour >= settings.FIELD_TURNOUT_FORM_HOUR
    )
    station.turnout_hours = [h for h in COUNT_HOURS if h <= hour] if is_open else []
    station.turnout_shown = station.turnout_closing or bool(station.turnout_hours)
