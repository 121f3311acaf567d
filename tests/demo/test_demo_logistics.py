"""The demo's logistics: the 8 kecamatan's batches, one late leg and one short handover, each
with its one incident; all labelled synthetic and removed by the reset's delete."""

import pytest

from demo.logistics import logistics_delete
from field.incidents.models import Incident
from field.models import LogisticsBatch, LogisticsFlag, LogisticsLeg, LogisticsPlace

pytestmark = pytest.mark.usefixtures("seeded", "db")


def test_every_kecamatan_has_a_distribution_and_a_return_batch():
    per_kecamatan = {}
    for kecamatan_id, direction in LogisticsBatch.objects.values_list("kecamatan_id", "direction"):
        per_kecamatan.setdefault(kecamatan_id, set()).add(direction)

    assert len(per_kecamatan) == 8
    assert all(d == {"distribusi", "pengembalian"} for d in per_kecamatan.values())
    assert not LogisticsBatch.objects.exclude(note__endswith="(sintetis)").exists()
    assert not LogisticsBatch.objects.filter(escorts=None).exists()


def test_one_late_leg_and_one_mismatch_each_with_its_incident():
    flags = list(LogisticsFlag.objects.select_related("incident", "leg"))

    assert sorted(f.reason for f in flags) == ["selisih", "terlambat"]
    for flag in flags:
        assert flag.incident.incident_class == "gangguan_logistik"
        assert flag.incident.title.endswith(" (sintetis)")
    late = next(f for f in flags if f.reason == "terlambat").leg
    assert late.arrived_at is None and late.departed_at is not None


def test_the_reset_removes_the_logistics_and_their_incidents():
    incidents = list(LogisticsFlag.objects.values_list("incident_id", flat=True))

    logistics_delete()

    assert not LogisticsBatch.objects.exists()
    assert not LogisticsLeg.objects.exists()
    assert not LogisticsPlace.objects.exists()
    assert not Incident.objects.filter(pk__in=incidents).exists()
