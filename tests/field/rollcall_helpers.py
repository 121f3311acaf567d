"""A roll-call scene on election day (clock 09.00 WIB, 27 Nov 2024), in Kecamatan Mojoroto:

- the Pos Pam Bandar Lor, its shift 08.00–16.00, with Aiptu Komandan (its commander), Bripka
  Anggota and the Linmas Linmas Regu on it;
- TPS A guarded by a Polri pair (Bripka Penjaga Satu, Brigpol Penjaga Dua) from 07.00 and its
  two Linmas from 08.30.

Every person has a login (their identifier, password PASSWORD)."""

from datetime import timedelta

from django.contrib.auth.models import Permission

from deployments.models import PostKind, Shift
from deployments.services import personnel_account_create
from field.models import CheckIn
from tests.factories import (
    ELECTION_DAY_9AM,
    AssignmentFactory,
    LinmasFactory,
    PersonnelFactory,
    PolsekFactory,
    PostFactory,
    SatlinmasFactory,
    phase,
)

PASSWORD = "test-Pass-2024"


def with_login(person):
    personnel_account_create(personnel=person, password=PASSWORD)
    return person


def posko_operator(user):
    user.user_permissions.add(Permission.objects.get(codename="record_via_posko"))
    return user


def rollcall_scene(
    tps, *, extra_shift_members: int = 0, post_name: str = "Pos Pam Bandar Lor"
) -> dict:
    desa = tps.desa
    polsek = PolsekFactory(kecamatan=desa.kecamatan)
    post = PostFactory(kind=PostKind.POS_PAM, name=post_name, desa=desa)
    start = ELECTION_DAY_9AM - timedelta(hours=1)
    shift = Shift.objects.create(post=post, starts_at=start, ends_at=start + timedelta(hours=8))

    def on_shift(person):
        return AssignmentFactory(
            personnel=person,
            kind=PostKind.POS_PAM,
            post=post,
            shift=shift,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )

    commander = with_login(PersonnelFactory(name="Komandan", rank="Aiptu", unit=polsek))
    member = with_login(PersonnelFactory(name="Anggota", rank="Bripka", unit=polsek))
    linmas = with_login(LinmasFactory(name="Linmas Regu", unit=SatlinmasFactory(desa=desa)))
    duties = {p.pk: on_shift(p) for p in (commander, member, linmas)}
    for n in range(extra_shift_members):
        on_shift(LinmasFactory(name=f"Linmas Tambahan {n}", unit=linmas.unit))

    pam_start = ELECTION_DAY_9AM - timedelta(hours=2)
    guard_one = with_login(PersonnelFactory(name="Penjaga Satu", rank="Bripka", unit=polsek))
    guard_two = with_login(PersonnelFactory(name="Penjaga Dua", rank="Brigpol", unit=polsek))
    tps_linmas = [
        with_login(LinmasFactory(name=f"Linmas TPS {n}", unit=linmas.unit)) for n in (1, 2)
    ]
    pam = {}
    for person in (guard_one, guard_two):
        pam[person.pk] = AssignmentFactory(
            personnel=person,
            tps=[tps],
            starts_at=pam_start,
            ends_at=pam_start + timedelta(hours=30),
        )
    for person in tps_linmas:
        pam[person.pk] = AssignmentFactory(
            personnel=person,
            tps=[tps],
            starts_at=pam_start + timedelta(minutes=90),
            ends_at=pam_start + timedelta(hours=30),
        )
    return {
        "post": post,
        "shift": shift,
        "commander": commander,
        "member": member,
        "linmas": linmas,
        "duty": duties,
        "guard_one": guard_one,
        "guard_two": guard_two,
        "tps_linmas": tps_linmas,
        "pam": pam,
        "tps": tps,
    }


def check_in(person, tps, at):
    return CheckIn.objects.create(person=person, tps=tps, phase=phase(), at=at)
