"""What the import reads for many assignments at once, in few queries: the people's duties and
unavailability (bookings_of, which assignment_validate checks rows against), the people's locks
(personnel_lock_ids), and rows by many keys (among)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from deployments.models import (
    Assignment,
    BkoIn,
    Personnel,
    Phase,
    Post,
    Sprin,
    Unavailability,
)
from deployments.models.assignment import Bookings

LOOKUP_CHUNK = 2_000  # ids per IN (…) list


def bookings_of(
    people: Iterable[Personnel],
    *,
    posts: Iterable[Post] = (),
    sprins: Iterable[Sprin] = (),
    phases: Iterable[Phase] = (),
    within: tuple[datetime, datetime] | None = None,
) -> Bookings:
    """Every duty, unavailability and BKO period of the people, in one query per 2,000
    people each: what assignment_validate(…, bookings=…) checks many assignments against.

    `within` (start, end): only those meeting that span, which holds every window the caller
    will check (an import's rows, and the starts of the stored duties they name): the others
    can neither clash with one nor be one. A roster for another phase then reads none of the
    152,000 duties its people already hold, instead of building each.

    The duties' person, post, Sprin and phase are the ones given (rows the caller has read
    already; any other is read when used); their TPS sets are for the caller to prefetch
    (assignments_bulk.with_tps_sets) where it needs them.
    """
    by_pk = {p.pk: p for p in people}
    related = {
        "post": {p.pk: p for p in posts},
        "sprin": {s.pk: s for s in sprins},
        "phase": {p.pk: p for p in phases},
    }
    ids = sorted(by_pk)
    duties: list[Assignment] = []
    periods: list[Unavailability] = []
    # Unordered: the models' default orderings would join every duty to its person and sort
    # them, three times the cost of the scan, for rules that never look at the order.
    stored = Assignment.objects.order_by()
    away = Unavailability.objects.order_by()
    if within is not None:
        # Cancelled ones too: a row may book a cancelled duty again (it is the row's own).
        start, end = within
        stored = stored.filter(starts_at__lt=end, ends_at__gt=start)
        away = away.overlapping(start, end)
    for part in among(stored, "personnel_id", ids):
        duties.extend(part)
    for part in among(away, "personnel_id", ids):
        periods.extend(part)
    # Every BKO period of the people, whatever `within`: one outside the span still makes the
    # person a BKO person (a few hundred rows at most).
    bko: list[BkoIn] = []
    for part in among(BkoIn.objects.order_by(), "personnel_id", ids):
        bko.extend(part)
    for duty in duties:
        duty.personnel = by_pk[duty.personnel_id]
        for name, known in related.items():
            found = known.get(getattr(duty, f"{name}_id"))
            if found is not None:
                setattr(duty, name, found)
    for period in [*periods, *bko]:
        period.personnel = by_pk[period.personnel_id]
    return Bookings(duties, periods, bko)


def personnel_lock_ids(ids: Iterable[int]) -> None:
    """personnel_lock for a caller that holds the rows already (an import locking 156,000
    people): the same locks, in the same order, without building the rows again."""
    locking = Personnel.objects.select_for_update().order_by("pk").values_list("pk", flat=True)
    for part in among(locking, "pk", sorted(set(ids))):
        list(part)


def id_chunks(items: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def among(queryset: QuerySet, field: str, values: Sequence) -> Iterable[QuerySet]:
    """The queryset's rows whose `field` is one of `values`, as querysets to read in turn.

    On PostgreSQL one query, the values one array parameter (`= ANY(%s)`): the server hashes
    it and scans the table once, where each IN list of LOOKUP_CHUNK cost a scan of its own
    (80 scans of the 164,000 people, and of the 152,000 duties, for a Polda roster), and the
    client spelled out 2,000 parameters each time. Elsewhere one IN list per LOOKUP_CHUNK.
    """
    if not values:
        return
    if connection.vendor == "postgresql":
        meta = queryset.model._meta
        quote = connection.ops.quote_name
        target = meta.pk if field == "pk" else meta.get_field(field)
        column = f"{quote(meta.db_table)}.{quote(target.column)}"
        # The column is the model's own, quoted; the values go as one parameter.
        test = RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=BooleanField())  # noqa: S611
        yield queryset.filter(test)
        return
    for chunk in id_chunks(values):
        yield queryset.filter(**{f"{field}__in": chunk})
