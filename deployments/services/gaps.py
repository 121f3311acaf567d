"""Fill gaps: for the short and unguarded TPS of a filter, propose guards, respecting every rule,
and apply them only when confirmed (the confirmation: deployments/services/gaps_apply.py).

The proposal follows the same arithmetic as the coverage engine (docs/coverage.md): a guard of
an assignment covering n TPS counts 1/n at each; a TPS is covered when every force meets its
requirement, unguarded when nobody guards it, short otherwise. Whom it proposes, in order:
1. people with no duty during the Pam TPS window of their force;
2. people whose one duty in that window can move: the reserve (cadangan), then patrols, then
   guards of a TPS that stays covered without them (over-staffed). The move ends that duty
   where the new one begins (assignment_move), so the overlap rule holds;
within each, officers of the kecamatan's Polsek first, then the Polres units, then other
Polsek. Rules:
- Linmas only from the TPS's own desa (no automatic cross-desa override), one TPS each;
- Polri (and TNI, if the pattern asks for them) in teams per the pattern: for "2 per 4 TPS",
  two officers each covering the same four TPS of one class in one kecamatan; a remainder of
  fewer TPS gets only as many as its share needs (1 officer for 2 TPS, "1 Polri untuk 2 TPS");
- nobody is proposed twice; a post other than the reserve or a patrol (Posko, Pos Pam, escort,
  Padal) is never emptied.
Queries: a fixed number (about ten), whatever the number of TPS or people.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core import clock
from core.formats import wib_stamp
from deployments.coverage import EPSILON, FORCES
from deployments.models import (
    Assignment,
    BkoIn,
    CoverageStatus,
    Force,
    Personnel,
    PersonnelQuerySet,
    Phase,
    PostKind,
    SecurityPattern,
    Unavailability,
)
from deployments.ranks import POLRI_RANKS, TNI_RANKS
from tps.models import TPS

Shares = dict[str, float]
FREE = "free"
OVERSTAFFED = "overstaffed"
# Whose duty may be ended for a Pam TPS one, in the order they are asked.
MOVABLE = (PostKind.CADANGAN, PostKind.PATROLI, PostKind.PAM_TPS)
SOURCE_ORDER = {FREE: 0, PostKind.CADANGAN: 1, PostKind.PATROLI: 2, OVERSTAFFED: 3}


@dataclass
class Duty:
    """The one duty a movable person holds in the window (read as values, not a model row)."""

    pk: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    where: str
    tps: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.where} ({wib_stamp(self.starts_at)} – {wib_stamp(self.ends_at)})"


@dataclass
class Proposed:
    personnel: Personnel
    tps: list[TPS]
    starts_at: datetime
    ends_at: datetime
    source: str = FREE
    moves: Duty | None = None  # the duty this person leaves, ended at starts_at

    @property
    def token(self) -> str:
        """What the preview page posts back, re-validated in full on confirmation."""
        stations = "-".join(str(t.pk) for t in self.tps)
        token = (
            f"{self.personnel.pk}:{stations}:"
            f"{int(self.starts_at.timestamp())}:{int(self.ends_at.timestamp())}"
        )
        return f"{token}:{self.moves.pk}" if self.moves else token

    @property
    def source_label(self) -> str:
        return {
            FREE: _("belum bertugas"),
            PostKind.CADANGAN: _("dari cadangan"),
            PostKind.PATROLI: _("dari patroli"),
            OVERSTAFFED: _("dari TPS yang tetap terpenuhi"),
        }[self.source]


@dataclass
class Proposal:
    phase: Phase
    items: list[Proposed] = field(default_factory=list)
    unfilled: list[tuple[TPS, str]] = field(default_factory=list)
    # status → TPS, now and with the proposal: the TPS asked about and those losing a guard.
    before: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    considered: int = 0
    # The same over every TPS the user may see (the whole operation for the Polres).
    scope_before: Counter = field(default_factory=Counter)
    scope_after: Counter = field(default_factory=Counter)
    scope_total: int = 0

    @staticmethod
    def _percent(counts: Counter, total: int) -> float:
        return 100 * counts[CoverageStatus.COVERED] / total if total else 0

    @property
    def covered_percent_before(self) -> float:
        return self._percent(self.before, self.considered)

    @property
    def covered_percent_after(self) -> float:
        return self._percent(self.after, self.considered)

    @property
    def scope_percent_before(self) -> float:
        return self._percent(self.scope_before, self.scope_total)

    @property
    def scope_percent_after(self) -> float:
        return self._percent(self.scope_after, self.scope_total)

    @property
    def moves(self) -> int:
        return sum(1 for item in self.items if item.moves is not None)

    @property
    def short_before(self) -> int:
        return self.considered - self.before[CoverageStatus.COVERED]

    @property
    def short_after(self) -> int:
        return self.considered - self.after[CoverageStatus.COVERED]


def pattern_of(phase: Phase) -> dict[str, dict[str, tuple[int, int]]]:
    """class → force → (personnel, per TPS); a phase row overrides the all-phases row."""
    rows = SecurityPattern.objects.filter(
        Q(phase=phase) | Q(phase__isnull=True), operation_id=phase.operation_id
    )
    pattern: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r.phase_id is not None):
        pattern[row.kerawanan][row.force] = (row.personnel_count, row.tps_count)
    return pattern


def required_of(pattern, kerawanan: str) -> Shares:
    return {f: p / n for f, (p, n) in pattern.get(kerawanan, {}).items()}


def assigned_in(phase: Phase) -> tuple[dict[int, Shares], dict[int, int], dict[int, list[int]]]:
    """Per TPS: the assigned share per force and the number of guards; per assignment its TPS.
    One query over the counted assignments, as the engine counts them."""
    rows = list(
        Assignment.tps.through.objects.filter(
            assignment__in=Assignment.objects.counted_for(phase)
        ).values_list("assignment_id", "tps_id", "assignment__personnel__force")
    )
    stations: dict[int, list[int]] = defaultdict(list)
    for assignment_id, tps_id, _force in rows:
        stations[assignment_id].append(tps_id)
    shares: dict[int, Shares] = defaultdict(lambda: dict.fromkeys(FORCES, 0.0))
    guards: Counter = Counter()
    for assignment_id, tps_id, force in rows:
        shares[tps_id][force] += 1 / len(stations[assignment_id])
        guards[tps_id] += 1
    return shares, guards, stations


def status_of(required: Shares, assigned: Shares, guards: int) -> str:
    if all(assigned[f] + EPSILON >= required.get(f, 0.0) for f in FORCES):
        return CoverageStatus.COVERED
    return CoverageStatus.UNGUARDED if guards == 0 else CoverageStatus.SHORT


def _windows(phase: Phase) -> dict[str, tuple[datetime, datetime]]:
    """Per force, the Pam TPS window to propose: the most common one already used in the phase
    (else the phase), starting at the operation clock when that falls inside it — a guard sent
    during the duty starts now, not in the past."""
    counts: dict[str, Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.counted_for(phase)
        .values_list("personnel__force", "starts_at", "ends_at")
        .order_by()
    )
    for force, starts_at, ends_at in rows:
        counts[force][(starts_at, ends_at)] += 1
    now = clock.now().replace(second=0, microsecond=0)
    windows = {}
    for force in FORCES:
        start, end = (
            counts[force].most_common(1)[0][0]
            if counts[force]
            else (phase.starts_at, phase.ends_at)
        )
        if start < now < end:
            start = now
        windows[force] = (start, end)
    return windows


@dataclass
class Candidate:
    person: Personnel
    source: str
    duty: Duty | None = None


def _candidates(
    phase: Phase, people: PersonnelQuerySet | None, windows, short: list[TPS], pattern
) -> list[Candidate]:
    """Everyone who could guard: free in their force's window, or holding one movable duty
    there and nothing else, and available for all of it (not sick, on leave or on other duty:
    their assignment would be refused, and with it the whole proposal), and a BKO-in person
    inside a BKO period. Three queries: the people, the duties overlapping the windows, the
    periods of unavailability."""
    forces = {f for t in short for f in required_of(pattern, t.kerawanan)}
    desa_ids = {t.desa_id for t in short}
    who = Q(force__in=forces - {Force.LINMAS})
    if Force.LINMAS in forces:
        # Linmas guard their own desa only: their Satlinmas's or their home desa.
        who |= Q(force=Force.LINMAS) & (
            Q(unit__desa_id__in=desa_ids) | Q(home_desa_id__in=desa_ids)
        )
    # A person attached here (BKO masuk) is ours only inside a BKO period: the window of their
    # force lies in one, or their assignment would be refused (in the people's query).
    attached = BkoIn.objects.filter(personnel=OuterRef("pk"))
    inside = Q(pk__in=[])
    for force, (start, end) in windows.items():
        inside |= Q(force=force) & Q(
            Exists(attached.filter(starts_at__lte=start, ends_at__gte=end))
        )
    pool = list(
        (Personnel.objects.all() if people is None else people)
        .active()
        .filter(who)
        .filter(~Exists(attached) | inside)
        .select_related("unit")
        .order_by("force", "unit__code", "name", "pk")
    )
    if not pool:
        return []
    first = min(start for start, _end in windows.values())
    last = max(end for _start, end in windows.values())
    duties: dict[int, list[Duty]] = defaultdict(list)
    rows = (
        Assignment.objects.overlapping(first, last)
        .filter(personnel__in=[p.pk for p in pool])
        .values_list("pk", "personnel_id", "kind", "starts_at", "ends_at", "post__name")
        .order_by()
    )
    for pk, person_id, kind, starts_at, ends_at, post_name in rows:
        where = post_name or PostKind(kind).label
        duties[person_id].append(Duty(pk, kind, starts_at, ends_at, str(where)))
    away: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    periods = (
        Unavailability.objects.overlapping(first, last)
        .filter(personnel__in=[p.pk for p in pool])
        .values_list("personnel_id", "starts_at", "ends_at")
        .order_by()
    )
    for person_id, starts_at, ends_at in periods:
        away[person_id].append((starts_at, ends_at))
    out = []
    for person in pool:
        start, end = windows[person.force]
        if any(s < end and e > start for s, e in away[person.pk]):
            continue
        mine = [d for d in duties[person.pk] if d.starts_at < end and d.ends_at > start]
        if not mine:
            out.append(Candidate(person, FREE))
        elif len(mine) == 1 and mine[0].kind in MOVABLE and mine[0].ends_at > start:
            duty = mine[0]
            source = OVERSTAFFED if duty.kind == PostKind.PAM_TPS else duty.kind
            out.append(Candidate(person, source, duty))
    return out


# Officers (Ipda and up, Letda and up) command posts; a TPS is guarded by the ranks below.
FIRST_OFFICER = {Force.POLRI: POLRI_RANKS.index("Ipda"), Force.TNI: TNI_RANKS.index("Letda")}
RANK_ORDER = {
    **{(Force.POLRI, r): n for n, r in enumerate(POLRI_RANKS)},
    **{(Force.TNI, r): n for n, r in enumerate(TNI_RANKS)},
}


def _is_officer(person: Personnel) -> bool:
    rank = RANK_ORDER.get((person.force, person.rank), 0)
    return person.force in FIRST_OFFICER and rank >= FIRST_OFFICER[person.force]


def _locality(candidate: Candidate, kecamatan_id: int) -> int:
    k = candidate.person.unit.kecamatan_id
    return 0 if k == kecamatan_id else (1 if k is None else 2)


def gaps_propose(
    *,
    tps: "list[TPS] | object",
    phase: Phase,
    people: PersonnelQuerySet | None = None,
    scope: "object | None" = None,
) -> Proposal:
    """A proposal for the given TPS (a list or a queryset); writes nothing.

    `people`: whom it may propose (Polsek staff: the people of their kecamatan); everyone
    active by default. `scope`: the TPS whose coverage before and after is summed (the TPS the
    user may see; all by default).
    """
    stations = sorted(
        TPS.objects.filter(pk__in=[t.pk for t in tps] if isinstance(tps, list) else tps)
        .select_related("desa__kecamatan")
        .only("pk", "number", "kerawanan", "desa__code", "desa__name", "desa__kecamatan_id"),
        key=lambda t: (t.desa.kecamatan_id, t.kerawanan, t.desa.code, t.number),
    )
    pattern = pattern_of(phase)
    shares, guards, assignment_tps = assigned_in(phase)
    windows = _windows(phase)
    proposal = Proposal(phase=phase)
    kerawanan = dict((TPS.objects.all() if scope is None else scope).values_list("pk", "kerawanan"))
    in_scope = set(kerawanan)
    kerawanan.update({t.pk: t.kerawanan for t in stations})

    def required(tps_id: int) -> Shares:
        return required_of(pattern, kerawanan.get(tps_id, ""))

    def status(tps_id: int) -> str:
        return status_of(required(tps_id), shares[tps_id], guards[tps_id])

    short = [t for t in stations if status(t.pk) != CoverageStatus.COVERED]
    scope_before = {pk: status(pk) for pk in in_scope}
    candidates = _candidates(phase, people, windows, short, pattern) if short else []
    # The TPS of over-staffed guards, whose class the scope may not hold (one query).
    source_tps = {pk for c in candidates if c.duty for pk in assignment_tps.get(c.duty.pk, ())}
    missing = source_tps - set(kerawanan)
    if missing:
        kerawanan.update(TPS.objects.filter(pk__in=missing).values_list("pk", "kerawanan"))
    for c in candidates:
        if c.duty is not None:
            c.duty.tps = assignment_tps.get(c.duty.pk, [])
    # Before anything is proposed: the TPS asked about and every TPS a move could take from.
    before = {t.pk: status(t.pk) for t in stations}
    before.update({pk: status(pk) for pk in source_tps})

    used: set[int] = set()
    losing: set[int] = set()

    def usable(c: Candidate, pending: Counter) -> bool:
        """Not yet proposed, and if a guard elsewhere, that TPS stays covered without them
        (and without those already picked from it in this round, `pending`)."""
        if c.person.pk in used:
            return False
        if c.source != OVERSTAFFED or not c.duty.tps:
            return True
        share = 1 / len(c.duty.tps)
        force = c.person.force
        return all(
            shares[pk][force] - pending[pk] - share + EPSILON >= required(pk).get(force, 0.0)
            for pk in c.duty.tps
        )

    def propose(c: Candidate, group: list[TPS]) -> None:
        start, end = windows[c.person.force]
        proposal.items.append(Proposed(c.person, group, start, end, c.source, c.duty))
        used.add(c.person.pk)
        if c.duty is not None and c.duty.tps:
            for pk in c.duty.tps:
                shares[pk][c.person.force] -= 1 / len(c.duty.tps)
                guards[pk] -= 1
                losing.add(pk)
        for t in group:
            shares[t.pk][c.person.force] += 1 / len(group)
            guards[t.pk] += 1

    # Ranked once per force and kecamatan (or desa, for Linmas), not once per TPS group: a
    # Polda has thousands of groups and tens of thousands of officers. Those already proposed
    # are dropped from the front as they are met, so each list is walked about once.
    rankings: dict[tuple, list[Candidate]] = {}

    def ranking(force: str, kecamatan_id: int, desa_id: int | None) -> list[Candidate]:
        key = (force, kecamatan_id, desa_id)
        if key not in rankings:
            ranked = sorted(
                (
                    c
                    for c in candidates
                    if c.person.force == force
                    and (desa_id is None or desa_id in c.person.own_desa_ids())
                ),
                key=lambda c: (
                    SOURCE_ORDER[c.source],
                    _is_officer(c.person),
                    _locality(c, kecamatan_id),
                ),
            )
            ranked.reverse()  # best last, popped from the end; ties keep the name order
            rankings[key] = ranked
        return rankings[key]

    def pick(force: str, kecamatan_id: int, count: int, desa_id: int | None = None):
        ranked = ranking(force, kecamatan_id, desa_id)
        while ranked and ranked[-1].person.pk in used:
            ranked.pop()
        chosen: list[Candidate] = []
        pending: Counter = Counter()
        for c in reversed(ranked):
            if len(chosen) == count:
                break
            if usable(c, pending):
                chosen.append(c)
                for pk in c.duty.tps if c.source == OVERSTAFFED else ():
                    pending[pk] += 1 / len(c.duty.tps)
        return chosen

    _propose_linmas(short, required, shares, pick, propose, proposal)
    for force in (Force.POLRI, Force.TNI):
        _propose_teams(force, short, pattern, required, shares, pick, propose, proposal)

    considered = {t.pk for t in stations} | losing
    proposal.considered = len(considered)
    for pk in considered:
        proposal.before[before[pk]] += 1
        proposal.after[status(pk)] += 1
    proposal.scope_total = len(in_scope)
    for pk, was in scope_before.items():
        proposal.scope_before[was] += 1
        proposal.scope_after[status(pk)] += 1
    return proposal


def _propose_linmas(short, required, shares, pick, propose, proposal) -> None:
    for t in short:
        missing = required(t.pk).get(Force.LINMAS, 0.0) - shares[t.pk][Force.LINMAS]
        while missing > EPSILON:
            chosen = pick(Force.LINMAS, t.desa.kecamatan_id, 1, desa_id=t.desa_id)
            if not chosen:
                proposal.unfilled.append(
                    (
                        t,
                        _("Tidak ada Linmas %s yang belum bertugas atau dapat dipindah.")
                        % t.desa.name,
                    )
                )
                break
            propose(chosen[0], [t])
            missing -= 1


def _propose_teams(force, short, pattern, required, shares, pick, propose, proposal) -> None:
    groups: dict[tuple[int, str], list[TPS]] = defaultdict(list)
    for t in short:
        need = required(t.pk).get(force, 0.0)
        have = shares[t.pk][force]
        if need <= EPSILON or have + EPSILON >= need:
            continue
        if have <= EPSILON:
            groups[(t.desa.kecamatan_id, t.kerawanan)].append(t)
        else:
            # Partly guarded: single officers on this TPS alone until it meets the pattern.
            for c in pick(force, t.desa.kecamatan_id, math.ceil(need - have - EPSILON)):
                propose(c, [t])
    for (kecamatan_id, kerawanan), stations in groups.items():
        team, per_tps = pattern[kerawanan][force]
        for start in range(0, len(stations), per_tps):
            group = stations[start : start + per_tps]
            # A remainder of fewer TPS than the pattern's needs only its share: 1 for 2 TPS.
            size = min(team, math.ceil(len(group) * team / per_tps - EPSILON))
            chosen = pick(force, kecamatan_id, size)
            if len(chosen) < size:
                for t in group:
                    proposal.unfilled.append(
                        (
                            t,
                            _("Tidak cukup %s yang belum bertugas atau dapat dipindah.")
                            % Force(force).label,
                        )
                    )
                continue
            for c in chosen:
                propose(c, group)
