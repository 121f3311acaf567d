"""Fill gaps: for the short and unguarded TPS of a filter, propose assignments from the people
not yet assigned in the phase, respecting every rule, and apply them only when confirmed.

The proposal follows the same arithmetic as the coverage engine (docs/coverage.md): a guard of
an assignment covering n TPS counts 1/n at each; a TPS is covered when every force meets its
requirement, unguarded when nobody guards it, short otherwise. Rules:
- Linmas only from the TPS's own desa (no automatic cross-desa override), one TPS each;
- Polri (and TNI, if the pattern asks for them) in teams per the pattern: for "2 per 4 TPS",
  two officers each covering the same four TPS of one class in one kecamatan; officers of the
  kecamatan's Polsek first, then the Polres units, then other Polsek;
- nobody is proposed twice, and nobody who already holds an assignment in the phase.
"""

import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from deployments.coverage import EPSILON, FORCES
from deployments.models import (
    Assignment,
    CoverageStatus,
    Force,
    Personnel,
    PersonnelQuerySet,
    Phase,
    PostKind,
    SecurityPattern,
    Sprin,
)
from deployments.services.assignments import (
    AssignmentDraft,
    assignments_create,
    personnel_lock,
    raise_if_any,
)
from tps.models import TPS

Shares = dict[str, float]


@dataclass
class Proposed:
    personnel: Personnel
    tps: list[TPS]
    starts_at: datetime
    ends_at: datetime

    @property
    def token(self) -> str:
        """What the preview page posts back, re-validated in full on confirmation."""
        stations = "-".join(str(t.pk) for t in self.tps)
        return (
            f"{self.personnel.pk}:{stations}:"
            f"{int(self.starts_at.timestamp())}:{int(self.ends_at.timestamp())}"
        )


@dataclass
class Proposal:
    phase: Phase
    items: list[Proposed] = field(default_factory=list)
    unfilled: list[tuple[TPS, str]] = field(default_factory=list)
    before: Counter = field(default_factory=Counter)  # status → TPS among those asked about
    after: Counter = field(default_factory=Counter)
    considered: int = 0

    @property
    def covered_percent_before(self) -> float:
        return 100 * self.before[CoverageStatus.COVERED] / self.considered if self.considered else 0

    @property
    def covered_percent_after(self) -> float:
        return 100 * self.after[CoverageStatus.COVERED] / self.considered if self.considered else 0


def _pattern(phase: Phase) -> dict[str, dict[str, tuple[int, int]]]:
    """class → force → (personnel, per TPS); a phase row overrides the all-phases row."""
    rows = SecurityPattern.objects.filter(
        Q(phase=phase) | Q(phase__isnull=True), operation_id=phase.operation_id
    )
    pattern: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r.phase_id is not None):
        pattern[row.kerawanan][row.force] = (row.personnel_count, row.tps_count)
    return pattern


def _assigned(phase: Phase) -> tuple[dict[int, Shares], dict[int, int]]:
    """Per TPS: the assigned share per force, and the number of distinct guards (one query)."""
    rows = list(
        Assignment.tps.through.objects.filter(
            assignment__in=Assignment.objects.counted_for(phase)
        ).values_list("assignment_id", "tps_id", "assignment__personnel__force")
    )
    per_assignment = Counter(assignment_id for assignment_id, _t, _f in rows)
    shares: dict[int, Shares] = defaultdict(lambda: dict.fromkeys(FORCES, 0.0))
    guards: Counter = Counter()
    for assignment_id, tps_id, force in rows:
        shares[tps_id][force] += 1 / per_assignment[assignment_id]
        guards[tps_id] += 1
    return shares, guards


def _status(required: Shares, assigned: Shares, guards: int) -> str:
    if all(assigned[f] + EPSILON >= required.get(f, 0.0) for f in FORCES):
        return CoverageStatus.COVERED
    return CoverageStatus.UNGUARDED if guards == 0 else CoverageStatus.SHORT


def _windows(phase: Phase) -> dict[str, tuple[datetime, datetime]]:
    """Per force, the most common Pam TPS window already used in the phase, else the phase."""
    counts: dict[str, Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.counted_for(phase)
        .values_list("personnel__force", "starts_at", "ends_at")
        .order_by()
    )
    for force, starts_at, ends_at in rows:
        counts[force][(starts_at, ends_at)] += 1
    return {
        force: (
            counts[force].most_common(1)[0][0]
            if counts[force]
            else (phase.starts_at, phase.ends_at)
        )
        for force in FORCES
    }


def gaps_propose(
    *, tps: "list[TPS] | object", phase: Phase, people: PersonnelQuerySet | None = None
) -> Proposal:
    """A proposal for the given TPS (a list or a queryset); writes nothing.

    `people`: whom it may propose (Polsek staff: the people of their kecamatan); everyone
    active by default.
    """
    stations = sorted(
        TPS.objects.filter(pk__in=[t.pk for t in tps] if isinstance(tps, list) else tps)
        .select_related("desa__kecamatan")
        .only("pk", "number", "kerawanan", "desa__code", "desa__name", "desa__kecamatan_id"),
        key=lambda t: (t.desa.kecamatan_id, t.kerawanan, t.desa.code, t.number),
    )
    pattern = _pattern(phase)
    shares, guards = _assigned(phase)
    windows = _windows(phase)
    proposal = Proposal(phase=phase, considered=len(stations))

    def required(t: TPS) -> Shares:
        return {f: p / n for f, (p, n) in pattern.get(t.kerawanan, {}).items()}

    for t in stations:
        proposal.before[_status(required(t), shares[t.pk], guards[t.pk])] += 1
    short = [t for t in stations if _status(required(t), shares[t.pk], guards[t.pk]) != "covered"]

    busy = Assignment.objects.filter(phase=phase).not_cancelled().values("personnel_id")
    free = list(
        (Personnel.objects.all() if people is None else people)
        .active()
        .exclude(pk__in=busy)
        .select_related("unit")
        .order_by("force", "unit__code", "name", "pk")
    )
    used: set[int] = set()

    def propose(person: Personnel, group: list[TPS]) -> None:
        start, end = windows[person.force]
        proposal.items.append(Proposed(person, group, start, end))
        used.add(person.pk)
        for t in group:
            shares[t.pk][person.force] += 1 / len(group)
            guards[t.pk] += 1

    _propose_linmas(short, free, required, shares, propose, used, proposal)
    for force in (Force.POLRI, Force.TNI):
        _propose_teams(force, short, free, pattern, required, shares, propose, used, proposal)

    for t in stations:
        proposal.after[_status(required(t), shares[t.pk], guards[t.pk])] += 1
    return proposal


def _propose_linmas(short, free, required, shares, propose, used, proposal) -> None:
    by_desa: dict[int, deque[Personnel]] = defaultdict(deque)
    for person in free:
        if person.force == Force.LINMAS:
            for desa_id in sorted(person.own_desa_ids()):
                by_desa[desa_id].append(person)
    for t in short:
        missing = required(t).get(Force.LINMAS, 0.0) - shares[t.pk][Force.LINMAS]
        while missing > EPSILON:
            pool = by_desa[t.desa_id]
            while pool and pool[0].pk in used:
                pool.popleft()
            if not pool:
                proposal.unfilled.append(
                    (t, _("Tidak ada Linmas %s yang belum bertugas.") % t.desa.name)
                )
                break
            propose(pool.popleft(), [t])
            missing -= 1


def _propose_teams(force, short, free, pattern, required, shares, propose, used, proposal):
    pool = [p for p in free if p.force == force]

    def candidates(kecamatan_id: int) -> list[Personnel]:
        # The kecamatan's own Polsek first, then units without a kecamatan (the Polres),
        # then the other Polsek.
        def rank(p: Personnel) -> int:
            k = p.unit.kecamatan_id
            return 0 if k == kecamatan_id else (1 if k is None else 2)

        return sorted((p for p in pool if p.pk not in used), key=rank)

    groups: dict[tuple[int, str], list[TPS]] = defaultdict(list)
    for t in short:
        need = required(t).get(force, 0.0)
        have = shares[t.pk][force]
        if need <= EPSILON or have + EPSILON >= need:
            continue
        if have <= EPSILON:
            groups[(t.desa.kecamatan_id, t.kerawanan)].append(t)
        else:
            # Partly guarded: single officers on this TPS alone until it meets the pattern.
            for person in candidates(t.desa.kecamatan_id)[: math.ceil(need - have - EPSILON)]:
                propose(person, [t])
    for (kecamatan_id, kerawanan), stations in groups.items():
        team, per_tps = pattern[kerawanan][force]
        for start in range(0, len(stations), per_tps):
            group = stations[start : start + per_tps]
            chosen = candidates(kecamatan_id)[:team]
            if len(chosen) < team:
                for t in group:
                    proposal.unfilled.append(
                        (t, _("Tidak cukup %s yang belum bertugas.") % Force(force).label)
                    )
                continue
            for person in chosen:
                propose(person, group)


def parse_tokens(tokens: list[str]) -> list[tuple[int, list[int], datetime, datetime]]:
    parsed = []
    for token in tokens:
        try:
            person, stations, start, end = token.split(":")
            parsed.append(
                (
                    int(person),
                    [int(pk) for pk in stations.split("-") if pk],
                    datetime.fromtimestamp(int(start), tz=UTC),
                    datetime.fromtimestamp(int(end), tz=UTC),
                )
            )
        except ValueError as exc:
            raise ValidationError(_("Usulan rusak; muat ulang pratinjau.")) from exc
    return parsed


@transaction.atomic
def gaps_apply(
    *,
    tokens: list[str],
    phase: Phase,
    sprin: Sprin | None = None,
    people: PersonnelQuerySet | None = None,
    by,
) -> list[Assignment]:
    """Create the confirmed proposal, each assignment validated in full; all or nothing.

    Between preview and confirmation another admin may have assigned someone: the overlap
    check then refuses, and nothing of the proposal is written.
    """
    items = parse_tokens(tokens)
    if people is not None:
        allowed = set(people.filter(pk__in=[i[0] for i in items]).values_list("pk", flat=True))
        if any(person_id not in allowed for person_id, *_rest in items):
            raise ValidationError(_("Usulan memuat personel di luar wilayah Anda."))
    locked = personnel_lock(Personnel(pk=pk) for pk, *_rest in items)
    stations = TPS.objects.in_bulk([pk for _p, group, *_r in items for pk in group])
    drafts: list[AssignmentDraft] = []
    errors: list[str] = []
    for person_id, group, start, end in items:
        person = locked.get(person_id)
        tps = [stations[pk] for pk in group if pk in stations]
        if person is None or len(tps) != len(group):
            errors.append(_("Personel atau TPS usulan sudah tidak ada; muat ulang pratinjau."))
            continue
        if not person.active:
            errors.append(_("%s sudah tidak aktif.") % person)
            continue
        drafts.append(
            AssignmentDraft(
                personnel=person,
                phase=phase,
                kind=PostKind.PAM_TPS,
                starts_at=start,
                ends_at=end,
                tps=tps,
                sprin=sprin,
            )
        )
    made: list[Assignment] = []
    try:
        made = assignments_create(drafts=drafts, by=by, reason=_("Isi kekosongan"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    raise_if_any(errors)
    return made
