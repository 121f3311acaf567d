"""Fill gaps on the Kediri demo: every short TPS of the seed's snapshot gets guards from the
reserve or from people whose duty can move, and applying them leaves the rules standing.

The demo is seeded once for the module, in a transaction rolled back at its end; each test's
writes are a savepoint inside it (tests/demo/conftest.py does the same).
"""

from collections import Counter
from datetime import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from demo.seed import demo_seed
from deployments.coverage import coverage_recompute
from deployments.models import (
    Assignment,
    CoverageSnapshot,
    CoverageStatus,
    CoverageTPS,
    Force,
    Phase,
    PostKind,
    Sprin,
)
from deployments.phases import WIB
from deployments.services import gaps_apply, gaps_propose
from deployments.services.gaps import OVERSTAFFED
from tests.factories import UserFactory
from tps.models import TPS

ELECTION_DAY_9AM = datetime(2024, 11, 27, 9, 0, tzinfo=WIB)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_seed(password=None)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def pemungutan(demo, db) -> Phase:
    return Phase.objects.get(code="pemungutan")


def _short_ids(phase: Phase) -> list[int]:
    snapshot = CoverageSnapshot.objects.current_for(phase)
    return list(
        CoverageTPS.objects.filter(snapshot=snapshot)
        .exclude(status=CoverageStatus.COVERED)
        .values_list("tps_id", flat=True)
    )


def _overlaps() -> int:
    """Pairs of one person's non-cancelled duties whose times overlap: must be none."""
    other = (
        Assignment.objects.not_cancelled()
        .filter(
            personnel=OuterRef("personnel"),
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        )
        .exclude(pk=OuterRef("pk"))
    )
    return Assignment.objects.not_cancelled().filter(Exists(other)).count()


def _linmas_outside_own_desa() -> int:
    """Linmas guarding a TPS of another desa without the recorded exception: must be none."""
    return (
        Assignment.tps.through.objects.filter(
            assignment__personnel__force=Force.LINMAS, assignment__linmas_other_desa=False
        )
        .exclude(assignment__status=Assignment.Status.CANCELLED)
        .exclude(tps__desa_id=F("assignment__personnel__unit__desa_id"))
        .filter(
            Q(assignment__personnel__home_desa__isnull=True)
            | ~Q(tps__desa_id=F("assignment__personnel__home_desa_id"))
        )
        .count()
    )


def test_every_short_tps_of_the_demo_is_proposed_guards(pemungutan):
    short = _short_ids(pemungutan)

    proposal = gaps_propose(tps=list(TPS.objects.filter(pk__in=short)), phase=pemungutan)

    assert short  # the seed leaves TPS without Polri: the 576 do not stretch to every pair
    assert proposal.unfilled == []
    proposed = {t.pk for item in proposal.items for t in item.tps}
    assert proposed == set(short)
    # Nobody is free in the demo: every one of them leaves a duty that may move.
    assert {item.source for item in proposal.items} <= {
        PostKind.CADANGAN,
        PostKind.PATROLI,
        OVERSTAFFED,
    }
    assert all(item.moves is not None for item in proposal.items)
    assert len({item.personnel.pk for item in proposal.items}) == len(proposal.items)
    # The TPS concerned: those asked about, and those a move takes a guard from (none here: the
    # reserve is enough), not every TPS a move could have taken from.
    losing = {pk for item in proposal.items for pk in item.moves.tps}
    assert proposal.considered == len(set(short) | losing)
    assert proposal.before[CoverageStatus.COVERED] == proposal.considered - len(short)
    assert proposal.after[CoverageStatus.COVERED] == proposal.considered
    assert proposal.scope_total == TPS.objects.count()
    assert (
        proposal.scope_after[CoverageStatus.COVERED] > proposal.scope_before[CoverageStatus.COVERED]
    )


def test_applying_the_proposal_leaves_fewer_short_tps_and_every_rule_standing(pemungutan, settings):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM  # the demo's clock: the moves happen now
    short = _short_ids(pemungutan)
    proposal = gaps_propose(tps=list(TPS.objects.filter(pk__in=short)), phase=pemungutan)
    sprin = Sprin.objects.filter(operation=pemungutan.operation).first()
    left = {item.moves.pk: item.moves.ends_at for item in proposal.items}

    made = gaps_apply(
        tokens=[item.token for item in proposal.items],
        phase=pemungutan,
        sprin=sprin,
        by=UserFactory(username="operator.isi"),
    )
    written = coverage_recompute(operation_id=pemungutan.operation_id, force=True)
    (snapshot,) = [s for s in written if s.phase_id == pemungutan.pk]  # rotations reach others

    assert len(made) == len(proposal.items)
    statuses = Counter(
        CoverageTPS.objects.filter(snapshot=snapshot).values_list("status", flat=True)
    )
    still_short = statuses[CoverageStatus.SHORT] + statuses[CoverageStatus.UNGUARDED]
    assert still_short < len(short)
    assert still_short == 0  # the reserve is enough for the demo's gaps
    assert _overlaps() == 0
    assert _linmas_outside_own_desa() == 0
    ended = Assignment.objects.in_bulk(list(left))
    assert all(a.ends_at == ELECTION_DAY_9AM for a in ended.values())
    assert all(a.starts_at == ELECTION_DAY_9AM and a.sprin_id == sprin.pk for a in made)


def test_proposing_takes_as_many_queries_for_one_short_tps_as_for_all(pemungutan):
    short = list(TPS.objects.filter(pk__in=_short_ids(pemungutan)))

    with CaptureQueriesContext(connection) as one:
        gaps_propose(tps=short[:1], phase=pemungutan)
    with CaptureQueriesContext(connection) as every:
        proposal = gaps_propose(tps=short, phase=pemungutan)

    # stations, pattern, counted TPS shares, windows, TPS classes in scope, people, their
    # duties in the window (the TPS of over-staffed guards are already in scope): 7.
    assert len(short) > 1 and len(proposal.items) > 1
    assert len(one.captured_queries) == len(every.captured_queries) == 8
