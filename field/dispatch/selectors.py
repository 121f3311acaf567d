"""Reads of dispatch: who could go to an incident, and what sending them does to coverage.

Candidates are the people on duty now (the operation clock) whom the user may send: the reserve
(cadangan) and patrols wherever they are, then anyone else on duty near the incident. Each with
their distance to the incident, measured from their last check-in with a position, else their
post's position, else their TPS's; their current duty; whether they can go. Linmas are not
listed: they keep order at their own TPS (deployments.services.dispatch).

Set-based: the candidates are one query (positions and unavailability as subqueries) and their
TPS one prefetch, whatever their number (tests/field/test_dispatch.py counts them).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import cos, radians

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from core.formats import wib_stamp
from deployments.models import Assignment, Personnel, PostKind, Unavailability
from deployments.services.coverage_change import TPSCoverage, tps_coverage
from deployments.services.dispatch import (
    DISPATCH_HOURS,
    DISPATCHABLE_FORCES,
    dispatch_refusal,
    phase_at,
)
from field.dispatch.models import DispatchStep, IncidentDispatch
from field.dispatch.services import dispatchable_people
from field.geo import distance_m
from field.incidents.models import Incident
from field.models import CheckIn
from tps.models import TPS

# "Nearby" for people on other duties: their TPS or post within this distance of the incident.
NEARBY_KM = 10
# The reserve and patrols are there to be sent: listed first, wherever they are.
FIRST_KINDS = (PostKind.CADANGAN, PostKind.PATROLI)
KM_PER_DEGREE = 111.32


@dataclass
class Candidate:
    """A person who could be sent, with their current duty and where they are."""

    person: Personnel
    duty: Assignment
    distance_km: float | None
    located_by: str  # check-in, pos or TPS: where the distance is measured from
    busy: str = ""  # why they cannot go now; empty: they can

    @property
    def first(self) -> bool:
        return self.duty.kind in FIRST_KINDS

    @property
    def available(self) -> bool:
        return not self.busy

    @property
    def duty_label(self) -> str:
        if self.duty.post_id is not None:
            return str(self.duty.post)
        if self.duty.kind == PostKind.KEJADIAN:
            return self.duty.get_kind_display()
        stations = ", ".join(str(t) for t in self.duty.tps.all())
        return f"{self.duty.get_kind_display()} {stations}".strip()


def _near(position, kecamatan_id: int | None) -> Q:
    """People on other duties near the incident: their TPS or post in a box of NEARBY_KM
    around it (the exact distance is taken afterwards); without a position, its kecamatan."""
    if position is None:
        if kecamatan_id is None:
            return Q(pk__in=[])
        return Q(pk__in=Assignment.objects.in_kecamatan(kecamatan_id).values("pk"))
    lat, lng = (float(v) for v in position)
    dlat = NEARBY_KM / KM_PER_DEGREE
    dlng = NEARBY_KM / (KM_PER_DEGREE * max(cos(radians(lat)), 0.01))
    box = {
        "latitude__range": (lat - dlat, lat + dlat),
        "longitude__range": (lng - dlng, lng + dlng),
    }
    at_tps = Assignment.tps.through.objects.filter(
        **{f"tps__{k}": v for k, v in box.items()}
    ).values("assignment_id")
    return Q(pk__in=at_tps) | Q(**{f"post__{k}": v for k, v in box.items()})


def _located(duty: Assignment, position) -> tuple[float | None, str]:
    if duty.checkin_lat is not None:
        point, by = (duty.checkin_lat, duty.checkin_lng), _("check-in")
    elif duty.post_id is not None and duty.post.latitude is not None:
        point, by = (duty.post.latitude, duty.post.longitude), _("pos")
    else:
        stations = list(duty.tps.all())
        if not stations:
            return None, ""
        point, by = (stations[0].latitude, stations[0].longitude), _("TPS")
    if position is None:
        return None, by
    return distance_m(*position, *point) / 1000, by


def responder_candidates(incident: Incident, *, user, now: datetime) -> list[Candidate]:
    """Who could go, reserve and patrols first, then by distance (unknown last), then name.
    ``user`` None: the system's own look-up (the panic button's nearest reserves), everyone."""
    position = incident.position
    people = Personnel.objects.all() if user is None else Personnel.objects.visible_to(user)
    people = people.active().filter(force__in=DISPATCHABLE_FORCES)
    checkin = CheckIn.objects.filter(
        person=OuterRef("personnel_id"), at__lte=now, latitude__isnull=False
    ).order_by("-at", "-pk")
    unavailable = (
        Unavailability.objects.filter(personnel=OuterRef("personnel_id"))
        .overlapping(now, now + timedelta(hours=DISPATCH_HOURS))
        .order_by("starts_at")
    )
    duties = (
        Assignment.objects.at(now)
        .filter(personnel__in=people.values("pk"))
        # Those already sent somewhere are listed too (not selectable): the command sees why.
        .filter(
            Q(kind__in=(*FIRST_KINDS, PostKind.KEJADIAN)) | _near(position, incident.kecamatan_id)
        )
        .select_related("personnel__unit", "post", "incident_dispatch__incident")
        .annotate(
            checkin_lat=Subquery(checkin.values("latitude")[:1]),
            checkin_lng=Subquery(checkin.values("longitude")[:1]),
            unavailable_from=Subquery(unavailable.values("starts_at")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "tps",
                queryset=TPS.objects.select_related("desa").defer("desa__boundary").order_by("pk"),
            )
        )
        .order_by("pk")
    )
    out: list[Candidate] = []
    for duty in duties:
        distance, located_by = _located(duty, position)
        if duty.kind not in FIRST_KINDS and distance is not None and distance > NEARBY_KM:
            continue
        out.append(
            Candidate(duty.personnel, duty, distance, located_by, busy=_busy(duty, incident))
        )
    out.sort(
        key=lambda c: (
            not c.first,
            c.distance_km is None,
            c.distance_km or 0.0,
            c.person.name,
            c.person.pk,
        )
    )
    return out


def _busy(duty: Assignment, incident: Incident) -> str:
    if duty.kind == PostKind.KEJADIAN:
        link = getattr(duty, "incident_dispatch", None)
        if link is not None and link.incident_id == incident.pk:
            return _("Sudah dikirim ke kejadian ini.")
        number = link.incident.number if link is not None else "?"
        return _("Sedang menangani %(number)s.") % {"number": number}
    if duty.unavailable_from is not None:
        return _("Tidak tersedia mulai %(at)s.") % {"at": wib_stamp(duty.unavailable_from)}
    return ""


@dataclass
class PreviewRow:
    """One TPS a chosen guard would leave: its coverage now and after the dispatch."""

    before: TPSCoverage
    after: TPSCoverage
    leaving: list[Personnel] = field(default_factory=list)

    @property
    def tps(self) -> TPS:
        return self.before.tps

    def forces(self):
        """(force, required, before assigned, after assigned, before guards, after guards)."""
        return [
            (f, req, got, self.after.assigned[f], guards, self.after.guards[f])
            for (f, req, got, guards) in self.before.rows()
        ]


@dataclass
class Preview:
    people: list[Personnel]
    duties: dict[int, Assignment]  # person → the duty they would leave
    rows: list[PreviewRow]

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.people]

    @property
    def leaving(self) -> list[tuple[Personnel, Assignment | None]]:
        """Each person with the duty they would leave (None: off duty)."""
        return [(p, self.duties.get(p.pk)) for p in self.people]


def dispatch_preview(incident: Incident, *, user, personnel_ids, now: datetime) -> Preview:
    """What sending these people does: each TPS they would leave, coverage now and after.
    Raises ValidationError (every reason) when one of them cannot be sent. Writes nothing."""
    people = dispatchable_people(user, personnel_ids)
    duties = {
        a.personnel_id: a
        for a in Assignment.objects.at(now)
        .filter(personnel__in=[p.pk for p in people])
        .select_related("post", "personnel")  # the duty's label names its person
        .prefetch_related("tps")
    }
    blocked = dict(
        Unavailability.objects.filter(personnel__in=[p.pk for p in people])
        .overlapping(now, now + timedelta(hours=DISPATCH_HOURS))
        .order_by("-starts_at")  # the earliest period is the last one the dict keeps
        .values_list("personnel_id", "starts_at")
    )
    errors = [r for p in people if (r := dispatch_refusal(p, duties.get(p.pk)))]
    errors += [
        _("%(person)s tidak tersedia mulai %(at)s.")
        % {"person": p.name, "at": wib_stamp(blocked[p.pk])}
        for p in people
        if p.pk in blocked
    ]
    if errors:
        raise ValidationError(errors)
    phase = phase_at(now)
    leaving: dict[int, list[Personnel]] = {}
    relieved = []
    for person in people:
        duty = duties.get(person.pk)
        if duty is not None and duty.kind == PostKind.PAM_TPS:
            relieved.append(duty.pk)
            for t in duty.tps.all():
                leaving.setdefault(t.pk, []).append(person)
    rows: list[PreviewRow] = []
    if phase is not None and leaving:
        before = tps_coverage(phase=phase, tps_ids=leaving)
        after = tps_coverage(phase=phase, tps_ids=leaving, without=relieved)
        rows = [
            PreviewRow(before[pk], after[pk], leaving[pk])
            for pk in sorted(leaving, key=lambda pk: str(before[pk].tps))
        ]
    return Preview(people=people, duties=duties, rows=rows)


def incident_responders(incident: Incident) -> list[IncidentDispatch]:
    """The people sent to the incident, in the order they were sent: who sent them, the duty
    they left, and what their phones said since (progress, its times, each step's note). Two
    queries, whatever their number: the incident page and the after-action report read it."""
    return list(
        IncidentDispatch.objects.filter(incident=incident)
        .select_related("personnel", "by", "relieved__post")
        .prefetch_related(Prefetch("steps", queryset=DispatchStep.objects.order_by("at", "pk")))
        .order_by("at", "pk")
    )
