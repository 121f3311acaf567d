"""factory_boy factories: each sets only what the model requires."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import access as roles
from deployments.models import (
    Assignment,
    BkoIn,
    Force,
    Operation,
    Personnel,
    Phase,
    Post,
    PostKind,
    SecurityPattern,
    Sprin,
    StaffProfile,
    Unit,
)
from deployments.phases import WIB
from deployments.services import operation_create
from tps.models import TPS, Desa, KabKota, Kecamatan

ELECTION_DAY_9AM = datetime(2024, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

# A small square desa near Mojoroto, so that points inside it pass the boundary check.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[111.98, -7.82], [111.99, -7.82], [111.99, -7.81], [111.98, -7.81], [111.98, -7.82]]
    ],
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-Pass-2024")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class KabKotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KabKota
        django_get_or_create = ("code",)

    code = "3571"
    name = "Kota Kediri"
    kind = KabKota.Kind.KOTA


class KecamatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kecamatan
        django_get_or_create = ("code",)

    kabkota = factory.SubFactory(KabKotaFactory)
    code = factory.Sequence(lambda n: f"{600000 + n % 400000:06d}")
    name = factory.Sequence(lambda n: f"Kecamatan {n}")


class DesaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desa
        django_get_or_create = ("code",)

    kecamatan = factory.SubFactory(KecamatanFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.kecamatan.code}{1000 + n % 9000:04d}")
    name = factory.Sequence(lambda n: f"Kelurahan {n}")
    kind = Desa.Kind.KELURAHAN


class TPSFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TPS

    desa = factory.SubFactory(DesaFactory)
    number = factory.Sequence(lambda n: n % 900 + 1)
    latitude = Decimal("-7.815000")
    longitude = Decimal("111.985000")
    registered_voters = 550


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation
        django_get_or_create = ("name",)

    name = "Operasi Mantap Praja Semeru 2024"
    starts_on = date(2024, 8, 19)
    ends_on = date(2024, 12, 31)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.filter(name=kwargs["name"]).first()
        return existing or operation_create(**kwargs)


def phase(code: str = "pemungutan") -> Phase:
    return Phase.objects.get(operation=OperationFactory(), code=code)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Satuan {n}")
    force = Force.POLRI
    kind = Unit.Kind.SAT


class PolsekFactory(UnitFactory):
    kind = Unit.Kind.POLSEK
    kecamatan = factory.SubFactory(KecamatanFactory)
    code = factory.LazyAttribute(lambda o: f"polsek-{o.kecamatan.code}")
    name = factory.LazyAttribute(lambda o: f"Polsek {o.kecamatan.name}")


class SatlinmasFactory(UnitFactory):
    force = Force.LINMAS
    kind = Unit.Kind.SATLINMAS
    desa = factory.SubFactory(DesaFactory)
    code = factory.LazyAttribute(lambda o: f"satlinmas-{o.desa.code}")
    name = factory.LazyAttribute(lambda o: f"Satlinmas {o.desa.name}")


class PersonnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Personnel

    force = Force.POLRI
    unit = factory.SubFactory(UnitFactory)
    rank = "Bripka"
    identifier = factory.Sequence(lambda n: f"{85000000 + n}")
    name = factory.Sequence(lambda n: f"Petugas {n}")


class LinmasFactory(PersonnelFactory):
    force = Force.LINMAS
    unit = factory.SubFactory(SatlinmasFactory)
    rank = ""
    identifier = factory.Sequence(lambda n: f"LM-T-{n:05d}")
    home_desa = factory.LazyAttribute(lambda o: o.unit.desa)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    kind = PostKind.POSKO
    name = factory.Sequence(lambda n: f"Posko {n}")


class SprinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sprin

    operation = factory.SubFactory(OperationFactory)
    number = factory.Sequence(lambda n: f"Sprin/{n}/XI/2024")
    date = date(2024, 11, 20)
    signer = "AKBP Bramastyo Priaji"


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A Pam TPS assignment for the whole pemungutan phase; pass tps=[...] to cover TPS."""

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    personnel = factory.SubFactory(PersonnelFactory)
    phase = factory.LazyFunction(phase)
    kind = PostKind.PAM_TPS
    starts_at = factory.LazyAttribute(lambda o: o.phase.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.phase.ends_at)

    @factory.post_generation
    def tps(self, create, extracted, **kwargs):
        if extracted:
            self.tps.set(extracted)


class SecurityPatternFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityPattern

    operation = factory.SubFactory(OperationFactory)
    kerawanan = "kurang_rawan"
    force = Force.POLRI
    personnel_count = 2
    tps_count = 4


def polsek_staff_user(username: str, polsek: Unit):
    user = UserFactory(username=username, groups=[roles.GROUP_POLSEK])
    StaffProfile.objects.create(user=user, unit=polsek)
    return user


def polsek_editor_user(username: str, polsek: Unit):
    """Polsek staff whom an admin gave the Django admin's edit rights on TPS, personnel and
    assignments (docs/access.md): they still see only their own kecamatan."""
    from django.contrib.auth.models import Permission

    user = polsek_staff_user(username, polsek)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    codenames = [
        f"{action}_{model}"
        for action in ("view", "add", "change")
        for model in ("tps", "personnel", "assignment")
    ] + ["view_desa", "view_sprin", "view_post", "view_unit", "view_phase"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


# Coordination (rakor, notulen, follow-ups, asta siap)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.Agency"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instansi-{n}")
    name = factory.Sequence(lambda n: f"Instansi {n}")
    kind = "pemda"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A draft meeting (minutes not published); held on 13 Aug 2024 plus n days."""

    class Meta:
        model = "coordination.Meeting"

    number = factory.Sequence(lambda n: f"Rakor/{n:02d}/2024")
    title = factory.Sequence(lambda n: f"Rakor ke-{n}")
    kind = "rakor_lintas_sektoral"
    held_at = factory.Sequence(
        lambda n: datetime(2024, 8, 13, 9, tzinfo=WIB) + timedelta(days=n % 100)
    )
    place = "Gedung Rupatama Polres Kediri Kota"
    chair = "AKBP Bramastyo Priaji"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.Statement"

    meeting = factory.SubFactory(MeetingFactory)
    speaker = factory.Sequence(lambda n: f"Pembicara {n}")
    text = "Paparan."


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.Decision"

    meeting = factory.SubFactory(MeetingFactory)
    text = "Keputusan."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.ActionItem"

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)
    what = factory.Sequence(lambda n: f"Tindak lanjut {n}")
    due_on = date(2024, 9, 30)


class ReadinessItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.ReadinessItem"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"siap-{n}")
    name = factory.Sequence(lambda n: f"Siap {n}")
    order = factory.Sequence(lambda n: n)


class UnitReadinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.UnitReadiness"

    unit = factory.SubFactory(UnitFactory)
    item = factory.SubFactory(ReadinessItemFactory)


# Field reporting (field.models; docs/field.md)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tps.Indicator"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indikator-{n}")
    variable = "Keamanan"
    name = factory.Sequence(lambda n: f"Indikator {n}")


class InstructionFactory(factory.django.DjangoModelFactory):
    """An instruction to the guards of a kecamatan; pass desa=… (and kecamatan=None) instead."""

    class Meta:
        model = "field.Instruction"

    text = factory.Sequence(lambda n: f"Instruksi {n}: tetap siaga.")
    kecamatan = factory.SubFactory(KecamatanFactory)
    created_at = factory.LazyFunction(lambda: datetime(2024, 11, 27, 7, tzinfo=WIB))


class LogisticsPlaceFactory(factory.django.DjangoModelFactory):
    """The KPU warehouse by default (a position, no desa)."""

    class Meta:
        model = "field.LogisticsPlace"

    kind = "gudang_kpu"
    name = factory.Sequence(lambda n: f"Gudang KPU {n}")
    latitude = Decimal("-7.816000")
    longitude = Decimal("112.011000")


class LogisticsBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "field.LogisticsBatch"

    kecamatan = factory.SubFactory(KecamatanFactory)
    direction = "distribusi"
    code = factory.Sequence(lambda n: f"KLT-{n:03d}")
    boxes = 10
    ballots = 5000


class LogisticsLegFactory(factory.django.DjangoModelFactory):
    """A leg planned 07.00–08.00 WIB on election day."""

    class Meta:
        model = "field.LogisticsLeg"

    batch = factory.SubFactory(LogisticsBatchFactory)
    order = factory.Sequence(lambda n: n + 1)
    origin = factory.SubFactory(LogisticsPlaceFactory)
    destination = factory.SubFactory(LogisticsPlaceFactory)
    planned_departure = ELECTION_DAY_9AM - timedelta(hours=2)
    planned_arrival = ELECTION_DAY_9AM - timedelta(hours=1)


# Guarded objects (obyek pengamanan), their norms and shifts (issue #18).


class GuardedObjectFactory(PostFactory):
    """A PPK with no active period (guarded through the whole operation)."""

    kind = PostKind.PPK
    name = factory.Sequence(lambda n: f"PPK {n}")
    desa = factory.SubFactory(DesaFactory)


class GuardNormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deployments.GuardNorm"

    operation = factory.SubFactory(OperationFactory)
    post_kind = PostKind.PPK
    force = Force.POLRI
    personnel_per_shift = 3


class ShiftFactory(factory.django.DjangoModelFactory):
    """An 8-hour shift from 07.00 WIB on election day."""

    class Meta:
        model = "deployments.Shift"

    post = factory.SubFactory(GuardedObjectFactory)
    starts_at = ELECTION_DAY_9AM - timedelta(hours=2)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))


def object_duty(post, *, shift=None, personnel=None, **kwargs):
    """An active duty at a guarded object: in `shift` (its hours) or over the whole phase."""
    fields = {"kind": post.kind, "post": post, "shift": shift}
    if shift is not None:
        fields.update(starts_at=shift.starts_at, ends_at=shift.ends_at)
    fields.update(kwargs)
    return AssignmentFactory(personnel=personnel or PersonnelFactory(), **fields)


# BKO (issue #18)


class BkoInFactory(factory.django.DjangoModelFactory):
    """A person attached here from Sat Brimob Polda Jatim for the whole pemungutan phase."""

    class Meta:
        model = BkoIn

    personnel = factory.SubFactory(PersonnelFactory)
    origin_unit = "Sat Brimob Polda Jatim"
    starts_at = factory.LazyFunction(lambda: phase().starts_at)
    ends_at = factory.LazyFunction(lambda: phase().ends_at)
    sprin_number = factory.Sequence(lambda n: f"Sprin/{n}/XI/2024/Brimob")
    sprin_date = date(2024, 11, 20)
