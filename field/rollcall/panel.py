"""The dashboard's strength present (kekuatan hadir, docs/rollcall.md): for the duties under way
at the operation clock, present against assigned per kecamatan and per object/post and shift,
and who is missing (absent, or not yet called and not checked in).

Two queries whatever the number of duties: the duties with their state and place (one row
each, values only), and the names of their kecamatan. Rows are added up here; at Polda size
(~150,000 duties) that read is the next thing to group in the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.access import access_of
from core.formats import wib_time
from deployments.models import Assignment, PostKind
from field.rollcall.selectors import PRESENT_STATES, STATE_LABELS, state_of, with_call_state
from tps.models import Kecamatan

PLACES_SHOWN = 12
MISSING_NAMED = 6


@dataclass
class Tally:
    assigned: int = 0
    present: int = 0
    late: int = 0
    by_checkin: int = 0
    absent: int = 0
    uncalled: int = 0

    def add(self, state: str) -> None:
        self.assigned += 1
        if state in PRESENT_STATES:
            self.present += 1
        self.late += state == "late"
        self.by_checkin += state == "checkin"
        self.absent += state == "absent"
        self.uncalled += state == "uncalled"

    @property
    def missing(self) -> int:
        return self.absent + self.uncalled

    @property
    def share(self) -> float | None:
        return self.present / self.assigned if self.assigned else None


@dataclass
class AreaRow(Tally):
    kecamatan_id: int | None = None
    label: str = ""


@dataclass
class PlaceRow(Tally):
    kecamatan_id: int | None = None
    post_id: int | None = None
    shift_id: int | None = None
    label: str = ""
    shift_label: str = ""
    kecamatan_label: str = ""
    missing_people: list[tuple[str, str]] = field(default_factory=list)

    @property
    def missing_more(self) -> int:
        return max(self.missing - len(self.missing_people), 0)

    @property
    def posko_query(self) -> str:
        if self.post_id:
            shift = f"&shift={self.shift_id}" if self.shift_id else ""
            return f"?post={self.post_id}{shift}"
        return f"?kecamatan={self.kecamatan_id or ''}"


@dataclass
class StrengthPresent:
    at: datetime
    total: Tally
    areas: list[AreaRow]
    places: list[PlaceRow]
    places_hidden: int = 0


FIELDS = (
    "post_id",
    "post__name",
    "shift_id",
    "shift__starts_at",
    "shift__ends_at",
    "place_kecamatan",
    "personnel__rank",
    "personnel__name",
    "rc_status",
    "checked_in",
)


def _duties_under_way(user, at: datetime):
    duties = (
        Assignment.objects.at(at).exclude(kind=PostKind.KEJADIAN).filter(personnel__active=True)
    )
    if not access_of(user).sees_everything:
        # visible_to joins the TPS (a duty once per TPS): narrow by its keys instead.
        duties = duties.filter(pk__in=Assignment.objects.visible_to(user).values("pk"))
    first_tps = Assignment.tps.through.objects.filter(assignment_id=OuterRef("pk")).order_by(
        "tps_id"
    )
    return with_call_state(duties).annotate(
        place_kecamatan=Coalesce(
            "post__desa__kecamatan_id",
            Subquery(first_tps.values("tps__desa__kecamatan_id")[:1]),
            "personnel__unit__kecamatan_id",
            output_field=IntegerField(),
        )
    )


def _shift_label(starts_at: datetime, ends_at: datetime) -> str:
    return f"{wib_time(starts_at).removesuffix(' WIB')}–{wib_time(ends_at)}"


def strength_present(user, *, at: datetime) -> StrengthPresent:
    rows = list(_duties_under_way(user, at).values_list(*FIELDS))
    kecamatan_ids = {r[5] for r in rows} - {None}
    names = (
        dict(Kecamatan.objects.filter(pk__in=kecamatan_ids).values_list("pk", "name"))
        if kecamatan_ids
        else {}
    )
    total = Tally()
    areas: dict[int | None, AreaRow] = {}
    places: dict[tuple, PlaceRow] = {}
    missing: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for post_id, post_name, shift_id, s_start, s_end, k, rank, name, status, checked in rows:
        state = state_of(status, checked)
        total.add(state)
        area = areas.get(k)
        if area is None:
            area = areas[k] = AreaRow(kecamatan_id=k, label=names.get(k, _("Polres")))
        area.add(state)
        key = (k, post_id, shift_id)
        place = places.get(key)
        if place is None:
            place = places[key] = PlaceRow(
                kecamatan_id=k,
                post_id=post_id,
                shift_id=shift_id,
                label=post_name or str(_("Pam TPS")),
                shift_label=_shift_label(s_start, s_end) if shift_id else "",
                kecamatan_label=area.label,
            )
        place.add(state)
        if state not in PRESENT_STATES and len(missing[key]) < MISSING_NAMED:
            missing[key].append((f"{rank} {name}".strip(), STATE_LABELS[state]))
    for key, people in missing.items():
        places[key].missing_people = people
    ordered = sorted(places.values(), key=lambda p: (-p.missing, p.kecamatan_label, p.label))
    return StrengthPresent(
        at=at,
        total=total,
        areas=sorted(areas.values(), key=lambda a: (a.kecamatan_id is None, str(a.label))),
        places=ordered[:PLACES_SHOWN],
        places_hidden=max(len(ordered) - PLACES_SHOWN, 0),
    )
