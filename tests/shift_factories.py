"""Factories and helpers for shifts (docs/shifts.md): guarded objects with norms, templates,
shifts and their duties. A module of its own so that tests/factories.py stays the shared one."""

from datetime import date, datetime, time

import factory

from deployments.models import GuardNorm, Phase, PostKind, Shift, ShiftTemplate
from deployments.phases import WIB
from tests.factories import OperationFactory, PersonnelFactory, PostFactory


class ShiftTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftTemplate
        django_get_or_create = ("name",)

    name = "3×8 jam"
    hours = 8
    first_starts_at = time(7, 0)


class GuardedPostFactory(PostFactory):
    kind = PostKind.KANTOR_KPU
    name = factory.Sequence(lambda n: f"Kantor KPU {n}")


def norm(post_kind: str, count: int, force: str = "POLRI", **kwargs) -> GuardNorm:
    return GuardNorm.objects.create(
        operation=OperationFactory(),
        post_kind=post_kind,
        force=force,
        personnel_per_shift=count,
        **kwargs,
    )


def wib(day: int, hour: int = 0, month: int = 11) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=WIB)


def shift_at(post, start: datetime, hours: int = 8) -> Shift:
    from datetime import timedelta

    return Shift.objects.create(post=post, starts_at=start, ends_at=start + timedelta(hours=hours))


def phase_at(moment: datetime) -> Phase:
    return Phase.objects.get(
        operation=OperationFactory(), starts_at__lte=moment, ends_at__gt=moment
    )


def people(count: int, **kwargs) -> list:
    return PersonnelFactory.create_batch(count, **kwargs)


NOV_25 = date(2024, 11, 25)
