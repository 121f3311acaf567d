"""generate_synthetic builds an operation in Kediri's proportions that the engine can compute."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, CoverageObject, Force, Personnel, Post, PostKind
from tps.models import TPS


@pytest.mark.django_db
def test_builds_an_operation_of_the_asked_size_that_the_engine_computes():
    out = StringIO()

    call_command("generate_synthetic", "--tps", "300", stdout=out)
    (snapshot,) = coverage_recompute(force=True)

    assert TPS.objects.count() == 300
    assert Personnel.objects.filter(force=Force.LINMAS).count() == 600
    assert Personnel.objects.filter(force=Force.POLRI).count() == round(300 * 576 / 839)
    assert Assignment.tps.through.objects.count() > 600
    total = snapshot.areas.get(level="operation", kerawanan="")
    assert total.tps_total == 300
    assert total.linmas_fulfilled == pytest.approx(600.0)
    assert "300 TPS" in out.getvalue()


@pytest.mark.django_db
def test_builds_guarded_objects_with_shifts_norms_and_duties_the_engine_counts():
    call_command("generate_synthetic", "--tps", "839", stdout=StringIO())

    (snapshot,) = coverage_recompute(force=True)

    # 8 kecamatan, 1 kab/kota: 8 PPK, the KPU and Bawaslu offices, a warehouse, 2 Walpri.
    objects = Post.objects.guarded()
    assert objects.filter(kind=PostKind.PPK).count() == 8
    assert objects.count() == 8 + 5
    rows = CoverageObject.objects.filter(snapshot=snapshot)
    # PPK 8 shifts each, offices 9, the warehouse 3, the escorts a period each.
    assert rows.count() == 8 * 8 + 2 * 9 + 3 + 2
    assert set(rows.values_list("status", flat=True)) == {"covered", "short", "unguarded"}
    assert rows.filter(kind=PostKind.KANTOR_KPU, status="covered").count() == 9
    duties = Assignment.objects.exclude(shift=None)
    assert duties.exists()
    assert not duties.exclude(post_id=F("shift__post_id")).exists()
    assert not duties.filter(starts_at__lt=F("shift__starts_at")).exists()


@pytest.mark.django_db
def test_refuses_a_database_that_already_holds_an_operation(operation):
    with pytest.raises(CommandError, match="sudah berisi operasi"):
        call_command("generate_synthetic", "--tps", "10")
