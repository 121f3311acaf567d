"""Data of two days for the daily report's tests: incidents of several classes on 26 and 27 Nov
2024 in Mojoroto (kecamatan A) and Pesantren, duties, a rakor, turnout."""

import uuid
from datetime import datetime, timedelta

from deployments.models import PostKind
from field.incidents.models import Incident
from field.turnout.services import turnout_report
from tests.factories import (
    WIB,
    AssignmentFactory,
    MeetingFactory,
    PersonnelFactory,
    PostFactory,
    phase,
)

DAY = datetime(2024, 11, 27, tzinfo=WIB).date()
BEFORE = DAY - timedelta(days=1)


def incident(tps, incident_class: str, at: datetime, **fields) -> Incident:
    return Incident.objects.create(
        title=f"{incident_class} di {tps}",
        incident_class=incident_class,
        tps=tps,
        desa=tps.desa,
        kecamatan=tps.desa.kecamatan,
        reported_at=at,
        **fields,
    )


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def two_days(tps_a, tps_b, superuser=None) -> dict:
    """27 Nov: 2 gangguan and 1 unjuk rasa in A, 1 kejahatan in B, a rejected one (not
    counted), one at 00.00 of the 28th (the next day); 26 Nov: 1 gangguan in A, 3 pelanggaran
    in B, one at 23.59 of the 26th."""
    for hour in (8, 10):
        incident(tps_a, "gangguan", at(DAY, hour))
    incident(tps_a, "unjuk_rasa", at(DAY, 11))
    incident(tps_b, "kejahatan", at(DAY, 0, 0))
    incident(
        tps_a,
        "kejahatan",
        at(DAY, 12),
        state="ditolak",
        closed_at=at(DAY, 13),
        close_reason="Bukan kejadian",
    )
    incident(tps_a, "gangguan", at(DAY + timedelta(days=1), 0, 0))
    incident(tps_a, "gangguan", at(BEFORE, 23, 59))
    for hour in (9, 10, 11):
        incident(tps_b, "pelanggaran", at(BEFORE, hour))
    # Duties: a Polri patrol of the day, a Posko duty ending at 27 Nov 00.00 (the day before).
    pemungutan = phase("pemungutan")
    patrol = PostFactory(kind=PostKind.PATROLI, name="Patroli Mojoroto", desa=tps_a.desa)
    AssignmentFactory(
        personnel=PersonnelFactory(),
        kind=PostKind.PATROLI,
        post=patrol,
        phase=pemungutan,
        starts_at=at(DAY, 6),
        ends_at=at(DAY, 18),
    )
    AssignmentFactory(
        personnel=PersonnelFactory(),
        kind=PostKind.POSKO,
        post=PostFactory(kind=PostKind.POSKO, name="Posko B", desa=tps_b.desa),
        phase=pemungutan,
        starts_at=pemungutan.starts_at,
        ends_at=at(DAY, 0),
    )
    meeting = MeetingFactory(held_at=at(DAY, 19), number="Rakor/27/XI/2024")
    MeetingFactory(held_at=at(BEFORE, 19), number="Rakor/26/XI/2024")
    if superuser is not None:
        turnout_report(
            tps=tps_a, voters_used=150, source="posko", by=superuser, idempotency_key=uuid.uuid4()
        )
    return {"meeting": meeting}
