"""Coverage of a few TPS now and with some duties taken away, live from the assignments.

For a preview before a change is confirmed (dispatch: the guards sent to an incident leave
their TPS). It applies the engine's rule, not a second one: the requirement is the engine's
own (coverage.requirements_for), the counted duties are Assignment.objects.counted_for (the
filter the engine's SQL spells out), a duty over n TPS counts 1/n at each, guards are distinct
people, and the verdict is gaps.status_of (covered when every force meets its requirement within
EPSILON, unguarded when nobody is counted, short otherwise). After the change is saved the next
snapshot gives the same figures (tests/field/test_dispatch.py holds them equal).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from deployments.coverage import FORCES, requirements_for
from deployments.models import Assignment, CoverageStatus, Phase
from deployments.services.gaps import status_of
from tps.models import TPS


@dataclass
class TPSCoverage:
    """One TPS's figures, per force: required and assigned shares, guards (a headcount)."""

    tps: TPS
    required: dict[str, float]
    assigned: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FORCES, 0.0))
    guards: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FORCES, 0))

    @property
    def status(self) -> str:
        return status_of(self.required, self.assigned, sum(self.guards.values()))

    @property
    def status_label(self) -> str:
        return CoverageStatus(self.status).label

    def rows(self) -> list[tuple[str, float, float, int]]:
        """(force, required, assigned, guards) for each force, in FORCES' order."""
        return [(f, self.required[f], self.assigned[f], self.guards[f]) for f in FORCES]


def tps_coverage(
    *, phase: Phase, tps_ids: Iterable[int], without: Iterable[int] = ()
) -> dict[int, TPSCoverage]:
    """Per TPS of `tps_ids`: its coverage in the phase, leaving out the assignments `without`.

    Three queries whatever the number of TPS: the pattern, the TPS, the counted duties that
    cover them with every TPS of each (n(a) needs all of them, not only those asked about).
    """
    ids = sorted(set(tps_ids))
    if not ids:
        return {}
    required = requirements_for(phase.operation, phase)
    stations = TPS.objects.filter(pk__in=ids).select_related("desa").defer("desa__boundary")
    out = {t.pk: TPSCoverage(tps=t, required=dict(required[t.kerawanan])) for t in stations}
    skip = set(without)
    counted = Assignment.objects.counted_for(phase).exclude(pk__in=skip)
    rows = list(
        Assignment.tps.through.objects.filter(
            assignment__in=counted.filter(tps__in=ids).values("pk")
        ).values_list(
            "assignment_id", "tps_id", "assignment__personnel_id", "assignment__personnel__force"
        )
    )
    n_of: dict[int, int] = defaultdict(int)
    for assignment_id, _tps, _person, _force in rows:
        n_of[assignment_id] += 1
    people: dict[tuple[int, str], set[int]] = defaultdict(set)
    for assignment_id, tps_id, person_id, force in rows:
        if tps_id in out:
            out[tps_id].assigned[force] += 1 / n_of[assignment_id]
            people[(tps_id, force)].add(person_id)
    for (tps_id, force), who in people.items():
        out[tps_id].guards[force] = len(who)
    return out
