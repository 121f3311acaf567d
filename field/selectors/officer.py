"""Reads of the officer's /me/: their TPS and duties, their team, whom they report to.

Who a guard reports to (docs/field.md):
- the **Padal** of a kecamatan: whoever holds a non-cancelled assignment of kind ``padal`` whose
  post lies in that kecamatan, in the same phase as the guard's duty;
- the **Kapolsek**: the highest-ranked active Polri member of the kecamatan's Polsek unit
  (rank order of deployments.ranks.POLRI_RANKS; ties go to the lower primary key). The data has
  no "head of unit" field, and in every Polsek the Kapolsek is its only AKP/Kompol.

A Padal and a Kapolsek also read their sector (field.selectors.sector) with its summary first.
Every query reaches the big tables (personnel, assignments, TPS, check-ins, reports) through an
index whatever their size (tests/field/test_me_plans.py reads the plans).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Concat, JSONArray, StrIndex
from django.utils.translation import gettext_lazy as _

from core.db.aggregates import JSONArrayAgg
from deployments.models import Assignment, Force, Personnel, PostKind, Unit
from deployments.ranks import POLRI_RANKS, TNI_RANKS
from deployments.selectors import tps_guarded_by
from field.incidents.models import RESPONDING_STATES
from field.models import (
    CheckIn,
    IncidentReport,
    Instruction,
    InstructionAck,
    TPSStatusStep,
    TurnoutReport,
)
from field.panic.selectors import panics_told
from field.selectors.sector import SectorSummary, padal_sector, sector_summary
from tps.models import TPS, Indicator, Kecamatan

GUARD_DUTIES = (
    _("Berjaga di luar TPS; masuk hanya bila diminta KPPS."),
    _(
        "Jangan pernah mencatat, merekam atau memotret suara pemilih, surat suara "
        "atau formulir hasil."
    ),
    _("Kawal logistik pemilu: kotak suara dari TPS ke PPS, lalu ke PPK."),
    _("Berkoordinasi dengan pengawas TPS (Bawaslu) dan rekan Linmas."),
    _("Laporkan setiap kejadian kepada Padal, dan lewat tombol Lapor di halaman ini."),
    _("Buat laporan setelah tugas selesai."),
)

BOUNDARIES = ("desa__boundary", "desa__kecamatan__boundary")


def rank_order(person) -> int:
    """Higher is more senior; Linmas (no rank) lowest."""
    ranks = POLRI_RANKS if person.force == Force.POLRI else TNI_RANKS
    return ranks.index(person.rank) + 1 if person.rank in ranks else 0


_POLRI_RANK_LIST = f",{','.join(POLRI_RANKS)},"


def _polri_rank_position() -> StrIndex:
    """Higher is more senior (0: no Polri rank): where ",rank," stands in the rank list, one
    string search instead of a CASE of 22 branches, which Django compiles on every request."""
    return StrIndex(Value(_POLRI_RANK_LIST), Concat(Value(","), "rank", Value(",")))


def kapolsek_of(kecamatan_ref) -> Subquery:
    """The primary key of the kecamatan's Kapolsek (module docstring), as a subquery on a
    kecamatan id or OuterRef."""
    top = (
        Personnel.objects.filter(
            unit__kind=Unit.Kind.POLSEK,
            unit__kecamatan_id=kecamatan_ref,
            force=Force.POLRI,
            active=True,
        )
        .annotate(rank_position=_polri_rank_position())
        .order_by("-rank_position", "pk")
        .values("pk")[:1]
    )
    return Subquery(top)


def kecamatan_led_by(person: Personnel) -> int | None:
    """The kecamatan whose Polsek the person leads as its Kapolsek, or None. One query, sent
    for Polri only (the Polsek's unit row by primary key, its Polri by unit)."""
    if person.force != Force.POLRI or person.unit_id is None:
        return None
    return (
        Unit.objects.filter(pk=person.unit_id, kind=Unit.Kind.POLSEK)
        .annotate(head=kapolsek_of(OuterRef("kecamatan_id")))
        .filter(head=person.pk)
        .values_list("kecamatan_id", flat=True)
        .first()
    )


@dataclass
class TeamMember:
    person: Personnel
    tps_ids: set[int] = field(default_factory=set)

    @property
    def rank_order(self) -> int:
        return rank_order(self.person)


@dataclass
class ReportTo:
    kecamatan_id: int
    kecamatan_name: str = ""
    padal: list[Personnel] = field(default_factory=list)
    kapolsek: Personnel | None = None


@dataclass
class FieldOverview:
    person: Personnel
    at: datetime
    assignments: list[Assignment]
    current: list[Assignment]
    upcoming: list[Assignment]
    stations: list[TPS]
    indicators: dict[int, list[Indicator]]
    report_to: list[ReportTo]
    instructions: list[Instruction]
    sector: list[TPS]
    sector_kecamatan: list[Kecamatan]
    summary: SectorSummary | None = None
    dispatches: list[Assignment] = field(default_factory=list)
    panics: list = field(default_factory=list)  # Notification: a teammate's call for help
    duties = GUARD_DUTIES


def _guard_tps(person: Personnel, pam: list[Assignment]):
    """The TPS of the person's Pam TPS duties, with their places, the person's latest check-in
    there, the TPS's latest status step, its guard-relevant indicators and the team (everyone
    else whose counted assignment in one of those phases covers it): annotations and JSON
    arrays, so that neither costs a query per TPS nor a query of its own."""
    since = min(a.phase.starts_at for a in pam)
    mine = CheckIn.objects.filter(tps=OuterRef("pk"), person=person, at__gte=since).order_by(
        "-at", "-pk"
    )
    steps = TPSStatusStep.objects.filter(tps=OuterRef("pk")).order_by("-step")
    # The last closing figure sent for the TPS by its guards or the Posko (issue #19).
    turnout = TurnoutReport.objects.filter(
        tps=OuterRef("pk"), source__in=[TurnoutReport.Source.OFFICER, TurnoutReport.Source.POSKO]
    ).order_by("-reported_at", "-pk")
    indicators = (
        TPS.indicators.through.objects.filter(tps_id=OuterRef("pk"), indicator__guard_relevant=True)
        .values("tps_id")
        .annotate(
            rows=JSONArrayAgg(JSONArray("indicator__order", "indicator__code", "indicator__name"))
        )
    )
    # Coverage's definition of counted: Pam TPS, not cancelled, active people.
    team = (
        Assignment.tps.through.objects.filter(
            tps_id=OuterRef("pk"),
            assignment__phase_id__in={a.phase_id for a in pam},
            assignment__kind=PostKind.PAM_TPS,
            assignment__personnel__active=True,
        )
        .exclude(assignment__status=Assignment.Status.CANCELLED)
        .exclude(assignment__personnel_id=person.pk)
        .values("tps_id")
        .annotate(rows=JSONArrayAgg(JSONArray(*TEAM_FIELDS)))
    )
    return (
        TPS.objects.select_related("desa__kecamatan")
        .defer(*BOUNDARIES)
        .annotate(
            my_checkin_at=Subquery(mine.values("at")[:1]),
            my_checkin_distance=Subquery(mine.values("distance_m")[:1]),
            my_checkin_far=Subquery(mine.values("far")[:1]),
            my_checkin_via_posko=Subquery(mine.values("via_posko")[:1]),
            last_step=Subquery(steps.values("step")[:1]),
            last_step_at=Subquery(steps.values("at")[:1]),
            turnout_voters=Subquery(turnout.values("voters_used")[:1]),
            turnout_at=Subquery(turnout.values("reported_at")[:1]),
            indicator_rows=Subquery(indicators.values("rows"), output_field=JSONField()),
            team_rows=Subquery(team.values("rows"), output_field=JSONField()),
        )
    )


TEAM_FIELDS = (
    "assignment__phase_id",
    "assignment__personnel_id",
    "assignment__personnel__name",
    "assignment__personnel__force",
    "assignment__personnel__rank",
    "assignment__personnel__corps",
    "assignment__personnel__phone",
)


def field_officer_overview(person: Personnel, *, at: datetime) -> FieldOverview:
    """Everything /me/ shows. At most seven queries: the person's assignments not yet ended;
    the TPS of their Pam TPS duties (with check-in, status, guard-relevant indicators and team);
    who to report to; for Polri, whether they lead a Polsek; a Padal's or Kapolsek's sector;
    open instructions; open panics they were told of. A query whose input is empty is not
    sent."""
    assignments = list(
        Assignment.objects.duties_of(person, at=at)
        .select_related("phase", "sprin", "post__desa__kecamatan", *DISPATCH_RELATED)
        .defer("post__desa__boundary", "post__desa__kecamatan__boundary", *DISPATCH_DEFERRED)
        .annotate(**_first_reporter())
        .order_by("starts_at", "pk")
    )
    pam = [a for a in assignments if a.kind == PostKind.PAM_TPS]
    for assignment in assignments:
        # Filled below for Pam TPS duties (a to_attr prefetch skips objects that have it).
        if assignment.kind != PostKind.PAM_TPS:
            assignment.stations = []
        assignment.team = []
    if pam:
        prefetch_related_objects(
            pam, Prefetch("tps", queryset=_guard_tps(person, pam), to_attr="stations")
        )
    stations = list({t.pk: t for a in pam for t in a.stations}.values())
    indicators = _guard_indicators(stations)
    _attach_team(pam)

    padal = [a for a in assignments if a.kind == PostKind.PADAL and a.post.desa_id]
    led = kecamatan_led_by(person)
    sector_ids = sorted({a.post.desa.kecamatan_id for a in padal} | ({led} if led else set()))
    sector = (
        padal_sector(sector_ids, phase_ids={a.phase_id for a in padal}, at=at if led else None)
        if sector_ids
        else []
    )
    for station in [*stations, *sector]:
        station.last_step_label = step_label(station.last_step)

    kecamatan_ids = {t.desa.kecamatan_id for t in stations}
    kecamatan_ids |= {a.post.desa.kecamatan_id for a in assignments if a.post and a.post.desa_id}
    report_to = _report_to(
        person, sorted(kecamatan_ids), phase_ids={a.phase_id for a in assignments}
    )
    names = {t.desa.kecamatan_id: t.desa.kecamatan.name for t in stations}
    names |= {
        a.post.desa.kecamatan_id: a.post.desa.kecamatan.name
        for a in assignments
        if a.post and a.post.desa_id
    }
    for entry in report_to:
        entry.kecamatan_name = names.get(entry.kecamatan_id, "")
    instructions = _open_instructions(
        person,
        kecamatan_ids=kecamatan_ids | set(sector_ids),
        desa_ids={t.desa_id for t in stations}
        | {a.post.desa_id for a in assignments if a.post and a.post.desa_id},
    )
    return FieldOverview(
        person=person,
        at=at,
        assignments=assignments,
        current=[a for a in assignments if a.starts_at <= at],
        upcoming=[a for a in assignments if a.starts_at > at],
        stations=stations,
        indicators=indicators,
        report_to=report_to,
        instructions=instructions,
        sector=sector,
        sector_kecamatan=sorted(
            {t.desa.kecamatan.pk: t.desa.kecamatan for t in sector}.values(),
            key=lambda k: k.code,
        ),
        summary=sector_summary(sector) if sector_ids else None,
        dispatches=[a for a in assignments if _dispatch_under_way(a, at)],
        panics=panics_told(person),
    )


# A dispatch duty's incident, read in the assignments' own query (LEFT JOINs on the duty's
# one-to-one link), so that /me/ takes as many queries with a dispatch as without one.
_INCIDENT = "incident_dispatch__incident"
DISPATCH_RELATED = (
    f"{_INCIDENT}__tps__desa",
    f"{_INCIDENT}__desa",
    f"{_INCIDENT}__kecamatan",
    "incident_dispatch__by",
)
DISPATCH_DEFERRED = (
    f"{_INCIDENT}__tps__desa__boundary",
    f"{_INCIDENT}__desa__boundary",
    f"{_INCIDENT}__kecamatan__boundary",
    f"{_INCIDENT}__resolution",
    f"{_INCIDENT}__close_reason",
    f"{_INCIDENT}__dispatch_note",
    "incident_dispatch__by__password",
)


def _first_reporter() -> dict:
    """The name and phone of whoever sent the incident's first report, for the responder only:
    the one person a dispatched officer may need to call (docs/access.md). Subqueries on the
    incident's reports (indexed by incident), empty on every other duty."""
    first = IncidentReport.objects.filter(incident_id=OuterRef(f"{_INCIDENT}_id")).order_by(
        "report__at", "report__pk"
    )
    return {
        "reporter_name": Subquery(first.values("report__person__name")[:1]),
        "reporter_phone": Subquery(first.values("report__person__phone")[:1]),
    }


def _dispatch_under_way(assignment: Assignment, at: datetime) -> bool:
    """A Penanganan kejadian duty begun, its incident still open: the card on top of /me/."""
    if assignment.kind != PostKind.KEJADIAN or assignment.starts_at > at:
        return False
    link = getattr(assignment, "incident_dispatch", None)
    return link is not None and link.incident.state in RESPONDING_STATES


def step_label(step: int | None) -> str:
    return TPSStatusStep.Step(step).label if step else ""


def _guard_indicators(stations: list[TPS]) -> dict[int, list[Indicator]]:
    """The guard-relevant indicators of each TPS, in the catalogue's order, from the JSON rows
    that _guard_tps put on it."""
    by_tps: dict[int, list[Indicator]] = {}
    for station in stations:
        rows = sorted(station.indicator_rows or [], key=lambda r: (r[0], r[1]))
        if rows:
            by_tps[station.pk] = [Indicator(order=o, code=c, name=n) for o, c, n in rows]
    return by_tps


def _attach_team(pam: list[Assignment]) -> None:
    """assignment.team: everyone whose counted assignment in the same phase shares a TPS with
    this one, from the JSON rows that _guard_tps put on each TPS."""
    by_phase: dict[int, dict[int, TeamMember]] = defaultdict(dict)
    for station in {t.pk: t for a in pam for t in a.stations}.values():
        for phase_id, pk, name, force, rank, corps, phone in station.team_rows or []:
            member = by_phase[phase_id].get(pk)
            if member is None:
                teammate = Personnel(
                    pk=pk, name=name, force=force, rank=rank, corps=corps, phone=phone
                )
                member = by_phase[phase_id][pk] = TeamMember(person=teammate)
            member.tps_ids.add(station.pk)
    force_order = {Force.POLRI: 0, Force.TNI: 1, Force.LINMAS: 2}
    for assignment in pam:
        mine = {t.pk for t in assignment.stations}
        team = [m for m in by_phase[assignment.phase_id].values() if m.tps_ids & mine]
        team.sort(key=lambda m: (force_order.get(m.person.force, 3), -m.rank_order, m.person.name))
        assignment.team = team


def _report_to(
    person: Personnel, kecamatan_ids: list[int], *, phase_ids: set[int]
) -> list[ReportTo]:
    """Padal and Kapolsek of each kecamatan of the person's duties, in one query."""
    if not kecamatan_ids:
        return []
    padal_duty = Assignment.objects.not_cancelled().filter(
        kind=PostKind.PADAL,
        phase_id__in=phase_ids,
        post__desa__kecamatan_id__in=kecamatan_ids,
        personnel__active=True,
    )
    kapolsek_ids = Kecamatan.objects.filter(pk__in=kecamatan_ids).values(
        top=kapolsek_of(OuterRef("pk"))
    )
    people = (
        # One set of primary keys from two indexed lookups: `pk IN (a) OR pk IN (b)` would
        # test every personnel row against both (a full scan at Polda size). Neither part is
        # ordered: SQLite refuses ORDER BY (Kecamatan's default) inside a compound statement.
        Personnel.objects.filter(
            pk__in=padal_duty.values("personnel_id").order_by().union(kapolsek_ids.order_by())
        )
        .exclude(pk=person.pk)
        .annotate(
            padal_kecamatan=Subquery(
                padal_duty.filter(personnel=OuterRef("pk")).values("post__desa__kecamatan_id")[:1]
            ),
            polsek_kecamatan=Case(
                When(unit__kind=Unit.Kind.POLSEK, then="unit__kecamatan_id"),
                output_field=IntegerField(),
            ),
        )
        .only("pk", "name", "force", "rank", "corps", "phone")
    )
    by_kecamatan = {k: ReportTo(kecamatan_id=k) for k in kecamatan_ids}
    chiefs: dict[int, list[Personnel]] = defaultdict(list)
    for someone in people:
        if someone.padal_kecamatan in by_kecamatan:
            by_kecamatan[someone.padal_kecamatan].padal.append(someone)
        if someone.polsek_kecamatan in by_kecamatan:
            chiefs[someone.polsek_kecamatan].append(someone)
    for k, candidates in chiefs.items():
        # A Padal of the same Polsek may be in the list too; the Kapolsek outranks them.
        by_kecamatan[k].kapolsek = min(candidates, key=lambda p: (-rank_order(p), p.pk))
    return [r for r in by_kecamatan.values() if r.padal or r.kapolsek]


def _open_instructions(
    person: Personnel, *, kecamatan_ids: set[int], desa_ids: set[int]
) -> list[Instruction]:
    if not kecamatan_ids and not desa_ids:
        return []
    acknowledged = InstructionAck.objects.filter(instruction=OuterRef("pk"), person=person)
    return list(
        Instruction.objects.filter(withdrawn_at=None)
        .filter(Q(kecamatan_id__in=kecamatan_ids) | Q(desa_id__in=desa_ids))
        .exclude(Exists(acknowledged))
        .select_related("kecamatan", "desa", "created_by")
        .defer("kecamatan__boundary", "desa__boundary")
        .order_by("created_at", "pk")
    )


def guard_tps_or_none(person: Personnel, pk: int, *, at: datetime) -> TPS | None:
    """A TPS of the person's Pam TPS duties not yet ended, or None: how a guard's requests
    reach a TPS, so that another TPS is a 404."""
    return (
        tps_guarded_by(person, at=at)
        .filter(pk=pk)
        .select_related("desa__kecamatan")
        .defer(*BOUNDARIES)
        .first()
    )


def guard_stations(person: Personnel, *, at: datetime, among=None) -> list[TPS]:
    """The TPS of the person's Pam TPS duties not yet ended, with their desa, by desa and
    number: the choices of a check-in or a report, on the phone or at the Posko (``among``: the
    TPS the Posko operator may see). One query."""
    return list(
        tps_guarded_by(person, at=at, among=among)
        .select_related("desa")
        .defer("desa__boundary")
        .order_by("desa__name", "number")
    )


def areas_of(person: Personnel, *, at: datetime) -> tuple[set[int], set[int]]:
    """The kecamatan and desa of the person's duties not yet ended (the TPS's, the post's, and
    a Padal's sector): where instructions to them come from. One query."""
    rows = Assignment.objects.duties_of(person, at=at).values_list(
        "tps__desa_id", "tps__desa__kecamatan_id", "post__desa_id", "post__desa__kecamatan_id"
    )
    kecamatan_ids, desa_ids = set(), set()
    for tps_desa, tps_kecamatan, post_desa, post_kecamatan in rows:
        desa_ids |= {tps_desa, post_desa}
        kecamatan_ids |= {tps_kecamatan, post_kecamatan}
    return kecamatan_ids - {None}, desa_ids - {None}


def tps_timeline(tps: TPS) -> list[dict]:
    """Every step of the TPS's election day, done or not, with when and by whom. One query."""
    done = {
        s.step: s
        for s in TPSStatusStep.objects.filter(tps=tps).select_related("person", "entered_by")
    }
    return [
        {"step": value, "label": label, "record": done.get(value)}
        for value, label in TPSStatusStep.Step.choices
    ]
