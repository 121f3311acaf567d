"""Election morning in the field for the demo: what the guards' phones would have sent by the
09.00 that `make run` pins the clock to, so that a newcomer finds the check-in, status and
report panels as they look on the day rather than empty.

- **Check-ins**: most guards of a TPS (Linmas and Polri, CHECKIN_SHARE) said "saya sudah di
  lokasi" at their (first) TPS between 05.45 and 06.50, most with the phone's position close
  to the TPS, a few far from it (flagged), some without a position (unverified).
- **Status steps**: "petugas hadir (H-1)" on the 26th for nearly every TPS, "TPS dibuka" at
  07.00–07.20 for most; the TPS whose ballot box came late (demo/incidents.py) opened 07.55.
- **Reports**: a few "aman" reports and two small matters nobody has handled yet.

All synthetic: the reports' texts end "(laporan sintetis)" like the incidents' (demo.incidents,
which deletes them by that label); check-ins and status steps have no text to carry a label and
are the demo's by their TPS (synthetic, `TPS.is_synthetic`), and morning_delete removes them
by those. Bulk writes, a fixed random stream (demo.common.rng): the same morning
every run, in a second or two.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from django.conf import settings
from django.db.models import F, QuerySet

from demo.common import rng, wib
from deployments.models import Assignment, Force, Phase, PostKind
from field.geo import distance_m
from field.models import CheckIn, SituationReport, TPSStatusStep
from tps.models import TPS

REPORT_LABEL = " (laporan sintetis)"
CHECKIN_SHARE = 0.9  # of the guards: most, not all (a flat battery, no signal, forgot)
WITHOUT_POSITION_SHARE = 0.15  # no permission or no fix: the check-in stands, unverified
FAR_SHARE = 0.03  # checked in from the posko or the road: flagged for the command
PRESENT_SHARE = 0.97  # TPS whose "petugas hadir (H-1)" was reported
OPEN_SHARE = 0.93  # TPS whose opening was reported by 09.00
LATE_TPS_OPENED = wib(11, 27, 7, 55)
# One degree of latitude is about 111 km: 0.0009° ≈ 100 m.
NEAR_DEGREES = 0.0006
FAR_DEGREES = 0.006

AMAN_TEXTS = (
    "Situasi aman, pemungutan suara berjalan lancar",
    "Aman terkendali, antrean pemilih tertib",
    "Aman, saksi paslon lengkap di TPS",
    "Kondisi kondusif, pemilih lansia dibantu petugas",
)
OPEN_MATTERS = (
    ("lainnya", "Antrean pemilih panjang, KPPS menambah bilik suara"),
    ("gangguan", "Warga protes namanya tidak ada di DPT, sudah diarahkan ke PPS"),
)
AMAN_EVERY = 40  # one "aman" report for about every 40 TPS


@dataclass
class MorningFigures:
    checkins: int = 0
    unverified: int = 0
    far: int = 0
    status_steps: int = 0
    reports: int = 0


def _key(stream: Random) -> uuid.UUID:
    return uuid.UUID(int=stream.getrandbits(128), version=4)


def _minutes(stream: Random, start: datetime, span: int) -> datetime:
    return start + timedelta(minutes=stream.randrange(span), seconds=stream.randrange(60))


def _guards(phase: Phase) -> list[dict]:
    """Every Pam TPS duty of the phase with its first TPS and that TPS's point (one query)."""
    rows = (
        Assignment.tps.through.objects.filter(
            assignment__phase=phase,
            assignment__kind=PostKind.PAM_TPS,
            assignment__status=Assignment.Status.ACTIVE,
        )
        .values(
            "assignment_id",
            "tps_id",
            person_id=F("assignment__personnel_id"),
            force=F("assignment__personnel__force"),
            latitude=F("tps__latitude"),
            longitude=F("tps__longitude"),
        )
        .order_by("assignment_id", "tps__number", "tps_id")
    )
    first: dict[int, dict] = {}
    for row in rows:
        first.setdefault(row["assignment_id"], row)
    return list(first.values())


def checkins_create(phase: Phase, figures: MorningFigures) -> list[dict]:
    """Most guards check in at their first TPS; returns the guards who did."""
    stream = rng("morning-checkins")
    far_limit = settings.FIELD_CHECKIN_FAR_METRES
    rows, present = [], []
    for guard in _guards(phase):
        if stream.random() >= CHECKIN_SHARE:
            continue
        at = _minutes(stream, wib(11, 27, 5, 45), 65)
        lat = lng = accuracy = distance = None
        if stream.random() >= WITHOUT_POSITION_SHARE:
            spread = FAR_DEGREES if stream.random() < FAR_SHARE else NEAR_DEGREES
            lat = (guard["latitude"] + Decimal(f"{stream.uniform(-spread, spread):.6f}")).quantize(
                Decimal("0.000001")
            )
            lng = (guard["longitude"] + Decimal(f"{stream.uniform(-spread, spread):.6f}")).quantize(
                Decimal("0.000001")
            )
            accuracy = stream.randrange(6, 45)
            distance = round(distance_m(lat, lng, guard["latitude"], guard["longitude"]))
        far = distance is not None and distance > far_limit
        rows.append(
            CheckIn(
                person_id=guard["person_id"],
                tps_id=guard["tps_id"],
                phase=phase,
                at=at,
                latitude=lat,
                longitude=lng,
                accuracy_m=accuracy,
                distance_m=distance,
                far=far,
                idempotency_key=_key(stream),
            )
        )
        figures.unverified += distance is None
        figures.far += far
        present.append(guard)
    CheckIn.objects.bulk_create(rows, batch_size=500)
    figures.checkins = len(rows)
    return present


def status_steps_create(
    present: list[dict], late_tps_ids: set[int], figures: MorningFigures
) -> None:
    """Per TPS with a guard checked in: present on H-1, and (most) opened at 07.00–07.20,
    reported by a Linmas of the TPS where one checked in."""
    stream = rng("morning-status")
    reporter: dict[int, int] = {}
    for guard in present:  # a Linmas first: they report the TPS's steps
        if guard["force"] == Force.LINMAS or guard["tps_id"] not in reporter:
            reporter.setdefault(guard["tps_id"], guard["person_id"])
    rows = []
    for tps_id in sorted(reporter):
        person_id = reporter[tps_id]
        if stream.random() < PRESENT_SHARE:
            rows.append(
                TPSStatusStep(
                    tps_id=tps_id,
                    step=TPSStatusStep.Step.GUARDS_PRESENT,
                    at=_minutes(stream, wib(11, 26, 16), 150),
                    person_id=person_id,
                )
            )
        opened = LATE_TPS_OPENED if tps_id in late_tps_ids else None
        if opened is None and stream.random() < OPEN_SHARE:
            opened = _minutes(stream, wib(11, 27, 7), 20)
        if opened is not None:
            rows.append(
                TPSStatusStep(
                    tps_id=tps_id, step=TPSStatusStep.Step.TPS_OPEN, at=opened, person_id=person_id
                )
            )
    TPSStatusStep.objects.bulk_create(rows, batch_size=500)
    figures.status_steps = len(rows)


def reports_create(present: list[dict], figures: MorningFigures) -> None:
    """A few "aman" reports between 08.00 and 08.55, and two matters still open in the feed."""
    stream = rng("morning-reports")
    reporters = sorted(present, key=lambda g: (g["tps_id"], g["person_id"]))
    count = max(len({g["tps_id"] for g in present}) // AMAN_EVERY, 1)
    chosen = stream.sample(reporters, min(count + len(OPEN_MATTERS), len(reporters)))
    rows = []
    for n, guard in enumerate(chosen):
        if n < len(OPEN_MATTERS):
            kind, text = OPEN_MATTERS[n]
        else:
            kind, text = SituationReport.Kind.AMAN, stream.choice(AMAN_TEXTS)
        rows.append(
            SituationReport(
                person_id=guard["person_id"],
                tps_id=guard["tps_id"],
                kind=kind,
                text=text + REPORT_LABEL,
                at=_minutes(stream, wib(11, 27, 8), 55),
                idempotency_key=_key(stream),
            )
        )
    SituationReport.objects.bulk_create(rows)
    figures.reports = len(rows)


def morning_create(phase: Phase, *, late_tps_ids: set[int]) -> MorningFigures:
    """The morning's check-ins, status steps and reports (before the incidents' own reports)."""
    figures = MorningFigures()
    present = checkins_create(phase, figures)
    status_steps_create(present, late_tps_ids, figures)
    reports_create(present, figures)
    return figures


def morning_delete(tps: QuerySet[TPS]) -> dict[str, int]:
    """The demo's check-ins and status steps, by its synthetic TPS (they have no text to carry
    a label); its reports go by their label with the incidents' (demo.incidents)."""
    return {
        "check-in": CheckIn.objects.filter(tps__in=tps).delete()[0],
        "status TPS": TPSStatusStep.objects.filter(tps__in=tps).delete()[0],
    }
