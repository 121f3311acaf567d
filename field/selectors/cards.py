"""Reads of the assignment cards: who gets a card in a print run, and what each card shows."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Prefetch,
    Q,
)

from deployments.models import Assignment, Personnel, PostKind
from field.selectors.officer import BOUNDARIES
from tps.models import TPS, Kecamatan


@dataclass
class Card:
    person: Personnel
    assignment: Assignment | None
    stations: list[TPS]
    padal: list[Personnel]
    url: str = ""
    qr: str = ""


def card_run_people(*, kecamatan: Kecamatan | None = None, desa=None, at: datetime):
    """Who gets a card in a print run: everyone whose duty not yet ended lies in the kecamatan
    (a Polsek's run) or the desa (at one of its TPS, or at a post there)."""
    if kecamatan is not None:
        place = Q(tps__desa__kecamatan=kecamatan) | Q(post__desa__kecamatan=kecamatan)
    else:
        place = Q(tps__desa=desa) | Q(post__desa=desa)
    duties = Assignment.objects.not_cancelled().filter(place, ends_at__gt=at)
    return (
        Personnel.objects.active()
        .filter(pk__in=duties.values("personnel_id"))
        .select_related("user")
        .order_by("force", "name", "pk")
    )


def cards_for(people: list[Personnel], *, at: datetime) -> list[Card]:
    """The card of each person: their first duty not yet ended, its TPS and its Padal.

    Queries: the duties; their TPS; the Padal of the kecamatan concerned.
    """
    duties = (
        Assignment.objects.not_cancelled()
        .filter(personnel__in=people, ends_at__gt=at)
        .select_related("phase", "sprin", "post__desa__kecamatan")
        .defer("post__desa__boundary", "post__desa__kecamatan__boundary")
        .prefetch_related(
            Prefetch(
                "tps",
                queryset=TPS.objects.select_related("desa__kecamatan").defer(*BOUNDARIES),
                to_attr="stations",
            )
        )
        .order_by("starts_at", "pk")
    )
    first: dict[int, Assignment] = {}
    for duty in duties:
        first.setdefault(duty.personnel_id, duty)

    def kecamatan_of(duty: Assignment | None) -> int | None:
        if duty is None:
            return None
        if duty.stations:
            return duty.stations[0].desa.kecamatan_id
        return duty.post.desa.kecamatan_id if duty.post and duty.post.desa_id else None

    kecamatan_ids = {k for k in (kecamatan_of(d) for d in first.values()) if k}
    padal_by_kecamatan: dict[int, list[Personnel]] = defaultdict(list)
    if kecamatan_ids:
        for duty in (
            Assignment.objects.not_cancelled()
            .filter(kind=PostKind.PADAL, post__desa__kecamatan_id__in=kecamatan_ids)
            .select_related("personnel", "post__desa")
            .defer("post__desa__boundary")
        ):
            padal_by_kecamatan[duty.post.desa.kecamatan_id].append(duty.personnel)
    cards = []
    for person in people:
        duty = first.get(person.pk)
        padal = [p for p in padal_by_kecamatan.get(kecamatan_of(duty), []) if p.pk != person.pk]
        cards.append(
            Card(
                person=person,
                assignment=duty,
                stations=duty.stations if duty else [],
                padal=padal,
            )
        )
    return cards
