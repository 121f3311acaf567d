"""The logistics of the 8 kecamatan for the demo (issue #19): per kecamatan one distribution
batch (KPU warehouse → PPK on H-1, PPK → PPS of the sector's seat) and one return batch planned
for the evening after counting; one leg late on election morning and one handover short of
ballots, each with its flag and gangguan_logistik incident, so that the panel has data at 09.00.

All synthetic, and labelled so: places, batch notes and incident summaries end "(sintetis)";
logistics_delete removes them by these labels. Rows are made directly, like the rest of the
seed (the services read the operation clock, the seed does not; no notification is sent).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from demo.incidents import INCIDENT_LABEL
from demo.posts import SECTOR_SEAT
from deployments.models import Post, PostKind
from field.incidents.models import EventKind, Incident, IncidentClass, IncidentEvent, Severity
from field.models import (
    LogisticsBatch,
    LogisticsFlag,
    LogisticsLeg,
    LogisticsPlace,
    LogisticsVehicle,
)
from tps.models import TPS, Desa

LABEL = " (sintetis)"
WIB = ZoneInfo("Asia/Jakarta")
H_MINUS_1 = datetime(2024, 11, 26, 0, 0, tzinfo=WIB)
ELECTION_DAY = datetime(2024, 11, 27, 0, 0, tzinfo=WIB)
LATE_KECAMATAN = "357101"  # the PPK → PPS leg still on the road at 09.00
SHORT_KECAMATAN = "357102"  # 50 ballots fewer handed over at the PPK
RECEIVER_ROLES = ("Ketua PPK", "Ketua PPS")


def _hm(day: datetime, h: int, m: int = 0) -> datetime:
    return day + timedelta(hours=h, minutes=m)


def _incident(leg: LogisticsLeg, reason: str, at: datetime) -> None:
    route = f"{leg.origin.name} → {leg.destination.name}"
    if reason == LogisticsFlag.Reason.LATE:
        title, severity = f"Logistik terlambat: kloter {leg.batch.code}", Severity.SEDANG
    else:
        title, severity = f"Selisih serah terima logistik: kloter {leg.batch.code}", Severity.TINGGI
    incident = Incident.objects.create(
        title=f"{title} ({route}){INCIDENT_LABEL}"[-200:],
        incident_class=IncidentClass.GANGGUAN_LOGISTIK,
        severity=severity,
        reported_at=at,
        kecamatan_id=leg.batch.kecamatan_id,
        **leg.destination.incident_place(),
    )
    IncidentEvent.objects.create(incident=incident, kind=EventKind.CREATED, at=at, text=title)
    LogisticsFlag.objects.create(leg=leg, reason=reason, raised_at=at, incident=incident)


def logistics_create() -> int:
    """The batches of the 8 kecamatan; returns how many."""
    seats = {
        d.code: d
        for d in Desa.objects.filter(code__in=SECTOR_SEAT.values()).select_related(
            "kecamatan__kabkota"
        )
    }
    figures = {
        row["desa__kecamatan__code"]: row
        for row in TPS.objects.filter(desa__kecamatan__code__in=SECTOR_SEAT)
        .values("desa__kecamatan__code")
        .annotate(tps=Count("pk"), voters=Sum("registered_voters"))
    }
    escorts = {p.desa_id: p for p in Post.objects.filter(kind=PostKind.PENGAWALAN_LOGISTIK)}
    warehouses: dict[int, LogisticsPlace] = {}
    count = 0
    for n, (code, seat_code) in enumerate(SECTOR_SEAT.items()):
        seat = seats.get(seat_code)
        if seat is None:
            continue
        kecamatan, kabkota = seat.kecamatan, seat.kecamatan.kabkota
        if kabkota.pk not in warehouses:
            warehouses[kabkota.pk] = LogisticsPlace.objects.create(
                kind=LogisticsPlace.Kind.GUDANG_KPU,
                name=f"Gudang KPU {kabkota.name}{LABEL}",
                desa=seat,
            )
        warehouse = warehouses[kabkota.pk]
        ppk = LogisticsPlace.objects.create(
            kind=LogisticsPlace.Kind.PPK,
            name=f"PPK {kecamatan.name}{LABEL}",
            kecamatan=kecamatan,
            desa=seat,
        )
        pps = LogisticsPlace.objects.create(
            kind=LogisticsPlace.Kind.PPS, name=f"PPS {seat.name}{LABEL}", desa=seat
        )
        row = figures.get(code, {"tps": 20, "voters": 6000})
        boxes, ballots = row["tps"], int(row["voters"] * 1.02)
        out = LogisticsBatch.objects.create(
            kecamatan=kecamatan,
            direction=LogisticsBatch.Direction.DISTRIBUSI,
            code=f"{code}-D-01",
            boxes=boxes,
            ballots=ballots,
            note=f"Distribusi H-1 ke PPK dan PPS{LABEL}",
        )
        back = LogisticsBatch.objects.create(
            kecamatan=kecamatan,
            direction=LogisticsBatch.Direction.PENGEMBALIAN,
            code=f"{code}-K-01",
            boxes=boxes,
            ballots=ballots,
            note=f"Pengembalian kotak suara setelah penghitungan{LABEL}",
        )
        for batch in (out, back):
            LogisticsVehicle.objects.create(
                batch=batch, plate=f"AG {8100 + n} KP", description="Truk KPU"
            )
            if seat.pk in escorts:
                batch.escorts.add(escorts[seat.pk])
        start = _hm(H_MINUS_1, 7, 5 * n)
        first = LogisticsLeg.objects.create(
            batch=out,
            order=1,
            origin=warehouse,
            destination=ppk,
            planned_departure=start,
            planned_arrival=start + timedelta(hours=2),
            departed_at=start + timedelta(minutes=10),
            sent_boxes=boxes,
            sent_ballots=ballots,
            arrived_at=start + timedelta(hours=1, minutes=50),
            handed_over_at=start + timedelta(hours=2),
            received_boxes=boxes,
            received_ballots=ballots - (50 if code == SHORT_KECAMATAN else 0),
            received_by_name=f"Ketua PPK {kecamatan.name}",
            received_by_role=RECEIVER_ROLES[0],
        )
        if code == SHORT_KECAMATAN:
            _incident(first, LogisticsFlag.Reason.MISMATCH, first.handed_over_at)
        if code == LATE_KECAMATAN:
            # Held back at the PPK overnight, sent at dawn, not at the PPS by 09.00.
            second = LogisticsLeg.objects.create(
                batch=out,
                order=2,
                origin=ppk,
                destination=pps,
                planned_departure=_hm(ELECTION_DAY, 5),
                planned_arrival=_hm(ELECTION_DAY, 6),
                departed_at=_hm(ELECTION_DAY, 5, 20),
                sent_boxes=first.received_boxes,
                sent_ballots=first.received_ballots,
            )
            _incident(second, LogisticsFlag.Reason.LATE, _hm(ELECTION_DAY, 6, 31))
        else:
            leave = start + timedelta(hours=5)
            LogisticsLeg.objects.create(
                batch=out,
                order=2,
                origin=ppk,
                destination=pps,
                planned_departure=leave,
                planned_arrival=leave + timedelta(hours=1),
                departed_at=leave,
                sent_boxes=first.received_boxes,
                sent_ballots=first.received_ballots,
                arrived_at=leave + timedelta(minutes=50),
                handed_over_at=leave + timedelta(hours=1),
                received_boxes=first.received_boxes,
                received_ballots=first.received_ballots,
                received_by_name=f"Ketua PPS {seat.name}",
                received_by_role=RECEIVER_ROLES[1],
            )
        evening = _hm(ELECTION_DAY, 19, 5 * n)
        for order, (origin, destination) in enumerate(((pps, ppk), (ppk, warehouse)), start=1):
            LogisticsLeg.objects.create(
                batch=back,
                order=order,
                origin=origin,
                destination=destination,
                planned_departure=evening + timedelta(hours=3 * (order - 1)),
                planned_arrival=evening + timedelta(hours=3 * (order - 1) + 1),
            )
        count += 2
    return count


def logistics_delete() -> int:
    """The demo's batches (legs, vehicles, flags with them), their incidents and places."""
    batches = LogisticsBatch.objects.filter(note__endswith=LABEL)
    incidents = list(
        LogisticsFlag.objects.filter(leg__batch__in=batches).values_list("incident_id", flat=True)
    )
    count = batches.delete()[1].get("field.LogisticsBatch", 0)
    Incident.objects.filter(pk__in=incidents).delete()
    LogisticsPlace.objects.filter(name__endswith=LABEL).delete()
    return count
