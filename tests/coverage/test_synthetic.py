"""generate_synthetic builds an operation in Kediri's proportions that the engine can compute."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, Force, Personnel
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
def test_refuses_a_database_that_already_holds_an_operation(operation):
    with pytest.raises(CommandError, match="sudah berisi operasi"):
        call_command("generate_synthetic", "--tps", "10")
