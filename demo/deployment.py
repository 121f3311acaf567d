"""The operation, its security pattern, posts, Sprin and every assignment of the pemungutan phase.

Who stands where is decided here, once, deterministically:
- 2 Linmas of the TPS's own desa at every TPS (the national rule);
- 140 Polri at posts (Posko, Pos Pam, patrols, logistics escort, Padal, reserve): every officer
  and 78 NCOs [est];
- the other 436 Polri in pairs over TPS as the SecurityPattern rows say (2 per 4 kurang rawan
  TPS, 2 per 2 rawan, 2 per 1 sangat rawan), their own Polsek first, then the Polres units.
  The 576 do not stretch to every TPS: the TPS left without a pair stay so, and the coverage
  view shows them;
- the 31 TNI at posts, under the Polres's Sprin (BKO).
"""

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from demo.common import KAPOLRES_SIGNATURE, OPERATION_NAME, wib
from demo.forces import POLRES_UNITS, POLSEK_SIZES, Roster, is_officer
from demo.posts import CADANGAN_POLRES, PostPlan
from deployments.models import (
    Assignment,
    Force,
    Operation,
    Personnel,
    Phase,
    Post,
    PostKind,
    SecurityPattern,
    Sprin,
)
from deployments.services import operation_create
from tps.models import TPS, Kerawanan

# The pattern the demo starts from [est] (DOMAIN.md): written once as rows the command edits;
# the assignments below read the rows back, never these numbers.
DEFAULT_PATTERN = (
    # kerawanan, force, personnel, per TPS
    (Kerawanan.KURANG_RAWAN, Force.POLRI, 2, 4),
    (Kerawanan.RAWAN, Force.POLRI, 2, 2),
    (Kerawanan.SANGAT_RAWAN, Force.POLRI, 2, 1),
    (Kerawanan.KHUSUS, Force.POLRI, 2, 1),
    (Kerawanan.KURANG_RAWAN, Force.LINMAS, 2, 1),
    (Kerawanan.RAWAN, Force.LINMAS, 2, 1),
    (Kerawanan.SANGAT_RAWAN, Force.LINMAS, 2, 1),
    (Kerawanan.KHUSUS, Force.LINMAS, 2, 1),
)
# The most vulnerable TPS get their Polri first.
PRIORITY = (Kerawanan.SANGAT_RAWAN, Kerawanan.KHUSUS, Kerawanan.RAWAN, Kerawanan.KURANG_RAWAN)

# Duty windows inside the pemungutan phase (26 Nov 00.00 – 29 Nov 00.00 WIB). Pam TPS starts
# after the apel pergeseran pasukan on H-1 and ends once the ballot boxes reach the PPK (H+1).
WINDOWS = {
    "pam_tps_polri": (wib(11, 26, 13), wib(11, 28, 18)),
    "pam_tps_linmas": (wib(11, 26, 16), wib(11, 28, 6)),
    "posko": (wib(11, 26, 6), wib(11, 29)),
    "lapangan": (wib(11, 26, 12), wib(11, 28, 18)),  # Pos Pam and patrols
    "logistik": (wib(11, 26, 6), wib(11, 29)),
}

SPRIN_FIRST_NUMBER = 2301


@dataclass
class TPSGroup:
    kecamatan: str
    priority: int
    tps: list[TPS]
    team: int
    people: list[Personnel] | None = None


@dataclass(frozen=True)
class DeploymentFigures:
    assignments: int
    sprins: int
    posts: int
    polri_teams: int
    tps_with_polri: int
    tps_without_polri: int
    polri_on_tps: int
    polri_at_posts: int
    tni_at_posts: int
    linmas_on_tps: int


def operation_setup() -> tuple[Operation, Phase]:
    operation = operation_create(
        name=OPERATION_NAME, starts_on=date(2024, 8, 19), ends_on=date(2024, 12, 31)
    )
    return operation, operation.phases.get(code=Phase.Code.PEMUNGUTAN)


def patterns_create(operation: Operation) -> None:
    SecurityPattern.objects.bulk_create(
        SecurityPattern(
            operation=operation,
            kerawanan=kerawanan,
            phase=None,
            force=force,
            personnel_count=personnel,
            tps_count=per_tps,
        )
        for kerawanan, force, personnel, per_tps in DEFAULT_PATTERN
    )


def polri_pattern(operation: Operation, phase: Phase) -> dict[str, tuple[int, int]]:
    """{kerawanan: (personnel, per TPS)} for Polri from the rows; a phase row beats an
    all-phases row, and a class with no row asks nothing of Polri."""
    pattern: dict[str, tuple[int, int]] = {}
    rows = SecurityPattern.objects.filter(
        Q(phase__isnull=True) | Q(phase=phase), operation=operation, force=Force.POLRI
    )
    for row in sorted(rows, key=lambda r: r.phase_id is not None):
        pattern[row.kerawanan] = (row.personnel_count, row.tps_count)
    return pattern


def sprins_create(operation: Operation) -> dict[str, Sprin]:
    """The Sprin of the pemungutan phase, signed by the Kapolres before H-1 (numbers synthetic)."""
    keys = [(f"tps-{code}", date(2024, 11, 20)) for code in POLSEK_SIZES]
    keys += [
        (key, date(2024, 11, 21))
        for key in ("posko", "pospam-patroli", "logistik", "padal-cadangan")
    ]
    sprins = {
        key: Sprin(
            operation=operation,
            number=f"Sprin/{SPRIN_FIRST_NUMBER + n}/XI/OPS.1.3./2024",
            date=day,
            signer=KAPOLRES_SIGNATURE,
        )
        for n, (key, day) in enumerate(keys)
    }
    Sprin.objects.bulk_create(sprins.values())
    return sprins


def assignments_create(
    *,
    phase: Phase,
    roster: Roster,
    plans: list[PostPlan],
    posts: dict[str, Post],
    sprins: dict[str, Sprin],
    tps: list[TPS],
    pattern: dict[str, tuple[int, int]],
) -> DeploymentFigures:
    """One assignment per person for the pemungutan phase, so nobody is double-booked."""
    assignments: list[Assignment] = []
    covers: list[tuple[Assignment, list[TPS]]] = []
    placed: set[int] = set()

    def at_post(person: Personnel, plan: PostPlan) -> None:
        starts_at, ends_at = WINDOWS[plan.window]
        assignments.append(
            Assignment(
                personnel=person,
                phase=phase,
                kind=plan.kind,
                post=posts[plan.name],
                starts_at=starts_at,
                ends_at=ends_at,
                sprin=sprins[plan.sprin],
            )
        )
        placed.add(person.pk)

    def on_tps(person: Personnel, group: list[TPS], window: str, sprin: Sprin) -> None:
        starts_at, ends_at = WINDOWS[window]
        assignment = Assignment(
            personnel=person,
            phase=phase,
            kind=PostKind.PAM_TPS,
            starts_at=starts_at,
            ends_at=ends_at,
            sprin=sprin,
        )
        assignments.append(assignment)
        covers.append((assignment, group))
        placed.add(person.pk)

    # Posts: named roles, then NCOs drawn in turn from the listed units, then every officer
    # left at the post of their unit.
    ncos = {
        key: deque(p for p in people if not is_officer(p))
        for key, people in roster.polri_by_unit.items()
    }
    for plan in plans:
        for role in (*plan.polri_roles, *plan.tni_roles):
            at_post(roster.by_role[role], plan)
        for person in _take_in_turn(ncos, plan.nco_units, plan.ncos):
            at_post(person, plan)
    home = {key: plan for plan in plans for key in plan.officer_home_of}
    for key, people in roster.polri_by_unit.items():
        for person in people:
            if is_officer(person) and person.pk not in placed:
                at_post(person, home[key])
    polri_at_posts = sum(1 for a in assignments if a.personnel.force == Force.POLRI)
    tni_at_posts = len(assignments) - polri_at_posts

    # Polri teams on TPS: each Polsek in its own kecamatan first, then the Polres units fill
    # what is left, spread evenly over the kecamatan, most vulnerable TPS first.
    groups = _tps_groups(tps, pattern)
    spare: deque[Personnel] = deque()
    for code in POLSEK_SIZES:
        pool = ncos[f"polsek-{code}"]
        for group in (g for g in groups if g.kecamatan == code):
            if len(pool) < group.team:
                break
            group.people = [pool.popleft() for _ in range(group.team)]
        spare.extend(pool)
        pool.clear()
    for key, _name, _kind, _size in POLRES_UNITS:
        spare.extend(ncos[key])
    waiting = [g for g in groups if g.people is None]
    position: dict[int, float] = {}
    for code in POLSEK_SIZES:
        mine = [g for g in waiting if g.kecamatan == code]
        for n, group in enumerate(mine):
            position[id(group)] = n / len(mine)
    for group in sorted(waiting, key=lambda g: (g.priority, position[id(g)], g.kecamatan)):
        if len(spare) >= group.team:
            group.people = [spare.popleft() for _ in range(group.team)]
    for group in groups:
        for person in group.people or ():
            on_tps(person, group.tps, "pam_tps_polri", sprins[f"tps-{group.kecamatan}"])
    reserve = next(plan for plan in plans if plan.name == CADANGAN_POLRES)
    for person in spare:  # only if the 576 outnumber what the pattern asks
        at_post(person, reserve)
    polri_on_tps = sum(len(g.people or ()) for g in groups)

    # Linmas: TPS n of a desa gets the desa's Linmas 2n-1 and 2n.
    by_desa: dict[str, list[TPS]] = defaultdict(list)
    for t in tps:
        by_desa[t.desa.code].append(t)
    for code, desa_tps in by_desa.items():
        linmas = roster.linmas_by_desa[code]
        sprin = sprins[f"tps-{desa_tps[0].desa.kecamatan.code}"]
        for n, t in enumerate(sorted(desa_tps, key=lambda t: t.number)):
            for person in linmas[2 * n : 2 * n + 2]:
                on_tps(person, [t], "pam_tps_linmas", sprin)

    Assignment.objects.bulk_create(assignments, batch_size=500)
    Through = Assignment.tps.through
    Through.objects.bulk_create(
        (Through(assignment_id=a.pk, tps_id=t.pk) for a, group in covers for t in group),
        batch_size=1000,
    )
    covered = [g for g in groups if g.people]
    return DeploymentFigures(
        assignments=len(assignments),
        sprins=len(sprins),
        posts=len(posts),
        polri_teams=len(covered),
        tps_with_polri=sum(len(g.tps) for g in covered),
        tps_without_polri=sum(len(g.tps) for g in groups if not g.people),
        polri_on_tps=polri_on_tps,
        polri_at_posts=polri_at_posts + len(spare),
        tni_at_posts=tni_at_posts,
        linmas_on_tps=sum(len(v) for v in roster.linmas_by_desa.values()),
    )


def _take_in_turn(pools: dict[str, deque], keys: tuple[str, ...], count: int) -> list[Personnel]:
    """`count` people, one from each unit in turn, so that no single unit is emptied."""
    taken: list[Personnel] = []
    while len(taken) < count:
        before = len(taken)
        for key in keys:
            if len(taken) < count and pools[key]:
                taken.append(pools[key].popleft())
        if len(taken) == before:
            raise ValueError(f"Tidak cukup personel di {', '.join(keys)} untuk pos demo.")
    return taken


def _tps_groups(tps: list[TPS], pattern: dict[str, tuple[int, int]]) -> list[TPSGroup]:
    """TPS grouped per kecamatan as the pattern says (e.g. 4 kurang rawan TPS to a pair), in
    desa and number order so that a pair's TPS lie in one or two neighbouring desa."""
    by_class: dict[tuple[str, str], list[TPS]] = defaultdict(list)
    for t in sorted(tps, key=lambda t: (t.desa.code, t.number)):
        by_class[(t.desa.kecamatan.code, t.kerawanan)].append(t)
    groups = []
    for code in POLSEK_SIZES:
        for priority, kerawanan in enumerate(PRIORITY):
            if kerawanan not in pattern:
                continue  # no row: nothing is asked of Polri for this class
            team, per_tps = pattern[kerawanan]
            items = by_class[(code, kerawanan)]
            groups.extend(
                TPSGroup(code, priority, items[i : i + per_tps], team)
                for i in range(0, len(items), per_tps)
            )
    return groups
