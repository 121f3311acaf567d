"""turnout_report: bounds in Indonesian, exactly once per key, latest wins, officer scope."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from field.models import TurnoutReport
from field.turnout.services import turnout_report

pytestmark = pytest.mark.django_db


def _officer(guard, tps, voters_used, key=None):
    return turnout_report(
        tps=tps,
        voters_used=voters_used,
        source=TurnoutReport.Source.OFFICER,
        by=guard.user,
        person=guard,
        idempotency_key=key or uuid.uuid4(),
    )


def test_copies_dpt_and_additions_onto_the_row(guard, tps_a):
    tps_a.registered_voters = 300
    tps_a.save()

    report, created = _officer(guard, tps_a, 306)

    assert created
    assert (report.dpt, report.max_voters, report.voters_used) == (300, 306, 306)


def test_refuses_above_dpt_plus_additions_in_indonesian(guard, tps_a):
    tps_a.registered_voters = 300
    tps_a.save()

    with pytest.raises(ValidationError) as exc:
        _officer(guard, tps_a, 307)

    assert exc.value.messages == ["Pengguna hak pilih (307) melebihi DPT ditambah tambahan (306)."]
    assert not TurnoutReport.objects.exists()


def test_refuses_negative(guard, tps_a):
    with pytest.raises(ValidationError, match="negatif"):
        _officer(guard, tps_a, -1)

    assert not TurnoutReport.objects.exists()


def test_resend_with_the_same_key_writes_one_row(guard, tps_a):
    key = uuid.uuid4()

    first, created = _officer(guard, tps_a, 100, key)
    again, created_again = _officer(guard, tps_a, 100, key)

    assert created and not created_again
    assert again.pk == first.pk
    assert TurnoutReport.objects.count() == 1


def test_later_report_keeps_history(guard, tps_a):
    _officer(guard, tps_a, 100)

    _officer(guard, tps_a, 120)

    assert list(TurnoutReport.objects.values_list("voters_used", flat=True)) == [120, 100]


def test_officer_cannot_report_for_another_tps(guard, tps_b):
    with pytest.raises(ValidationError):
        _officer(guard, tps_b, 10)

    assert not TurnoutReport.objects.exists()


def test_posko_entry_needs_no_guard(election_day, tps_b, ops_admin):
    report, created = turnout_report(
        tps=tps_b,
        voters_used=10,
        source=TurnoutReport.Source.POSKO,
        by=ops_admin,
        idempotency_key=uuid.uuid4(),
    )

    assert created and report.source == "posko"
