import os

import pytest
from hypothesis import HealthCheck, settings

from deployments.models import Force
from tests.factories import (
    DesaFactory,
    LinmasFactory,
    OperationFactory,
    SatlinmasFactory,
    SecurityPatternFactory,
    TPSFactory,
    phase,
)

# Fuzzing stays bounded so the suite stays fast: each property test tries 60 inputs
# (OPSBOARD_FUZZ_EXAMPLES=2000 for a deeper search by hand). CI replays the same inputs every
# run (derandomize), so a red build is reproducible; locally every run explores new ones. The
# Django fixtures are set up once per test, not once per input, which is what the
# function-scoped-fixture check warns about: the tests count rows around all inputs.
settings.register_profile(
    "hardening",
    max_examples=int(os.environ.get("OPSBOARD_FUZZ_EXAMPLES", "60")),
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FUZZ = settings.get_profile("hardening")


@pytest.fixture
def guarded(db):
    """An operation whose one TPS needs one Linmas, with a Linmas of its desa not yet assigned,
    and the first snapshot computed (the suite runs tasks in-process)."""
    operation = OperationFactory()
    SecurityPatternFactory(
        operation=operation,
        kerawanan="kurang_rawan",
        force=Force.LINMAS,
        personnel_count=1,
        tps_count=1,
    )
    desa = DesaFactory()
    tps = TPSFactory(desa=desa, kerawanan="kurang_rawan")
    linmas = LinmasFactory(unit=SatlinmasFactory(desa=desa))
    return {"operation": operation, "phase": phase(), "tps": tps, "linmas": linmas}


def edit_code(guarded) -> str:
    """Python for a fresh app process: the admin's edit, timed, as one JSON line."""
    return f"""
import json, time
from deployments.models import Personnel, Phase, PostKind
from deployments.services import assignment_create
from tps.models import TPS
phase = Phase.objects.get(pk={guarded["phase"].pk})
started = time.monotonic()
assignment = assignment_create(
    personnel=Personnel.objects.get(pk={guarded["linmas"].pk}),
    phase=phase,
    kind=PostKind.PAM_TPS,
    tps=[TPS.objects.get(pk={guarded["tps"].pk})],
    starts_at=phase.starts_at,
    ends_at=phase.ends_at,
)
print(json.dumps({{"assignment": assignment.pk, "seconds": time.monotonic() - started}}))
"""
