"""The scene of the dispatch tests (tests/field/test_dispatch.py, test_dispatch_notice.py):
a verified incident at TPS A on election day, a Polsek of its kecamatan, and helpers that put
people on duty at a TPS or a post so many km north of it."""

from datetime import timedelta
from decimal import Decimal

from field.incidents.models import Incident, IncidentState
from tests.factories import (
    ELECTION_DAY_9AM,
    AssignmentFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SecurityPatternFactory,
    TPSFactory,
    UserFactory,
    phase,
)

# One km of latitude is about 0.009°.
KM = Decimal("0.008983")


def dispatch_world(election_day, kecamatan, tps) -> dict:
    SecurityPatternFactory(operation=election_day)  # 2 Polri per 4 TPS
    pemungutan = phase()
    polsek = PolsekFactory(kecamatan=kecamatan)
    incident = Incident.objects.create(
        title="Massa berkumpul",
        incident_class="gangguan",
        state=IncidentState.DIVERIFIKASI,
        tps=tps,
        desa=tps.desa,
        kecamatan=kecamatan,
        reported_at=election_day_at(-30),
        verified_at=election_day_at(-20),
    )
    return {"phase": pemungutan, "polsek": polsek, "incident": incident, "tps": tps}


def election_day_at(minutes: int):
    return ELECTION_DAY_9AM + timedelta(minutes=minutes)


def guard_at(world, tps, *, name: str, **person):
    person = PersonnelFactory(unit=world["polsek"], name=name, **person)
    duty = AssignmentFactory(personnel=person, phase=world["phase"], tps=[tps])
    return person, duty


def post_holder(world, kind: str, *, name: str, km_north: int):
    person = PersonnelFactory(unit=world["polsek"], name=name)
    post = PostFactory(
        kind=kind,
        name=f"{kind} {name}",
        latitude=world["tps"].latitude + km_north * KM,
        longitude=world["tps"].longitude,
    )
    duty = AssignmentFactory(personnel=person, phase=world["phase"], kind=kind, post=post)
    return person, duty


def tps_km_north(world, km: int, number: int):
    return TPSFactory(
        desa=world["tps"].desa,
        number=number,
        latitude=world["tps"].latitude + km * KM,
        longitude=world["tps"].longitude,
    )


def command_user():
    from core.access import GROUP_COMMAND

    return UserFactory(username="kabagops", is_staff=True, groups=[GROUP_COMMAND])
