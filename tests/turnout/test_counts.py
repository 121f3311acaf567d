"""Hourly counts: the database refuses what the service refuses (bound, hour, one per source)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from field.models import TurnoutCount
from field.turnout.services import turnout_count_record

pytestmark = pytest.mark.django_db


def _row(tps, **kwargs):
    values = {
        "tps": tps,
        "hour": 9,
        "voters_so_far": 10,
        "source": "officer",
        "dpt": 100,
        "max_voters": 102,
        "reported_at": timezone.now(),
        **kwargs,
    }
    with transaction.atomic():
        return TurnoutCount.objects.create(**values)


@pytest.mark.parametrize(
    "bad",
    [
        {"voters_so_far": -1},
        {"voters_so_far": 103},
        {"max_voters": 99},
        {"hour": 6},
        {"hour": 14},
        {"source": "radio"},
    ],
)
def test_database_refuses_an_impossible_count(tps_a, bad):
    with pytest.raises(IntegrityError):
        _row(tps_a, **bad)


def test_one_count_per_tps_hour_and_source(tps_a):
    _row(tps_a)
    _row(tps_a, source="posko")
    _row(tps_a, hour=10)

    with pytest.raises(IntegrityError):
        _row(tps_a)


def test_service_refuses_above_the_bound_like_the_report(guard, tps_a):
    tps_a.registered_voters = 300
    tps_a.save()

    with pytest.raises(ValidationError) as exc:
        turnout_count_record(
            tps=tps_a,
            hour=9,
            voters_so_far=307,
            source="officer",
            by=guard.user,
            person=guard,
            idempotency_key=uuid.uuid4(),
        )

    assert exc.value.messages == ["Pengguna hak pilih (307) melebihi DPT ditambah tambahan (306)."]
    assert not TurnoutCount.objects.exists()


def test_service_refuses_an_hour_outside_voting(guard, tps_a):
    with pytest.raises(ValidationError, match=r"07\.00 dan 13\.00"):
        turnout_count_record(
            tps=tps_a,
            hour=15,
            voters_so_far=1,
            source="officer",
            by=guard.user,
            person=guard,
            idempotency_key=uuid.uuid4(),
        )
