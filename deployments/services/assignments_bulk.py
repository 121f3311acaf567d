"""Writing many validated assignments at once, for the import: a few statements per
WRITE_BATCH rows instead of assignment_save's several per row, with the same history and the
same database guards (assignments.py checks the rules, once, before this writes)."""

from collections import defaultdict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from deployments.coverage import coverage_inputs_changed
from deployments.models import Assignment
from deployments.services.assignments_copy import copy_available, copy_rows, next_ids
from deployments.services.assignments_reads import id_chunks
from tps.models import TPS

WRITE_BATCH = 2_000  # rows per INSERT/UPDATE: well under PostgreSQL's 65,535 parameters
# What an import may change of a stored assignment (its person and start are its key).
UPDATE_FIELDS = ("phase", "kind", "post", "ends_at", "sprin", "status", "updated_at")


def with_tps_sets(duties: Sequence[Assignment]) -> None:
    """Prefetch the TPS sets (with their desa) of stored duties: one query per 2,000."""
    for chunk in id_chunks(list(duties)):
        prefetch_related_objects(
            chunk, Prefetch("tps", queryset=TPS.objects.select_related("desa"))
        )


def assignments_save_many(
    *,
    creates: Sequence[Assignment],
    updates: Sequence[Assignment],
    tps_of: Callable[[Assignment], Sequence[TPS]],
    by=None,
    reason: str = "",
) -> None:
    """Write many validated assignments (new and changed) with their TPS sets and history,
    a few statements per WRITE_BATCH rows: what assignment_save does for one, for an import.

    Call it inside a transaction, under the people's lock, after assignment_validate(…,
    bookings=…). Bulk writes send no signals: each assignment gets one history record (who,
    why, and its TPS set as written) and coverage is told once. The database's guards still
    hold (the exclusion constraint, the unavailability trigger): an IntegrityError from them
    leaves the caller's transaction to roll back, bulk_refusal() says why in Indonesian.
    """
    if not (creates or updates):
        return
    reason = reason[:100]
    # The changed first: a stored duty the file moves out of the way frees the time a new one
    # takes (the exclusion constraint checks each row as it is written).
    now = timezone.now()  # what auto_now would stamp; bulk_update does not
    for assignment in updates:
        assignment.updated_at = now
    if updates:
        Assignment.objects.bulk_update(updates, fields=UPDATE_FIELDS, batch_size=WRITE_BATCH)
    through = Assignment.tps.through
    # The TPS sets: every new one, and those of the updated whose set changed.
    replaced = [a for a in updates if {t.pk for t in tps_of(a)} != {t.pk for t in a.tps.all()}]
    for chunk in id_chunks([a.pk for a in replaced]):
        through.objects.filter(assignment_id__in=chunk).delete()
    copying = copy_available()
    history = Assignment.history.model
    if copying:
        # Every id the rows will need, in one query: the rows can then name each other.
        ids = next_ids(
            (Assignment, len(creates)),
            (through, sum(len(tps_of(a)) for a in (*creates, *replaced))),
            (history, len(creates) + len(updates)),
        )
        _copy_assignments(creates, ids[0], now)
    else:
        Assignment.objects.bulk_create(creates, batch_size=WRITE_BATCH)
    wanted = [(a.pk, t.pk) for a in (*creates, *replaced) for t in tps_of(a)]
    # Each link as (id, assignment_id, tps_id): its id is the history TPS row's.
    if copying:
        links = [(pk, *link) for pk, link in zip(ids[1], wanted, strict=True)]
        copy_rows(through._meta.db_table, ("id", "assignment_id", "tps_id"), links)
    else:
        made = through.objects.bulk_create(
            [through(assignment_id=a, tps_id=t) for a, t in wanted], batch_size=WRITE_BATCH
        )
        links = [(link.pk, link.assignment_id, link.tps_id) for link in made]
    kept = {a.pk for a in updates} - {a.pk for a in replaced}
    for chunk in id_chunks(sorted(kept)):
        links.extend(
            through.objects.filter(assignment_id__in=chunk).values_list(
                "id", "assignment_id", "tps_id"
            )
        )
    links_of: dict[int, list[tuple]] = defaultdict(list)
    for link in links:
        links_of[link[1]].append(link)
    # One history record per assignment, carrying its TPS set (simple_history's m2m rows).
    if copying and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        # As bulk_history_create does: nothing when simple_history is switched off.
        _copy_history(creates, updates, links_of, ids[2], by=by, reason=reason, at=now)
    elif not copying:
        _create_history(creates, updates, links_of, by=by, reason=reason)
    coverage_inputs_changed()


def _copy_assignments(creates: Sequence[Assignment], ids: list[int], now) -> None:
    """The new assignments by COPY, as bulk_create would leave them (pk, stamps, state)."""
    fields = Assignment._meta.concrete_fields
    for assignment, pk in zip(creates, ids, strict=True):
        assignment.pk = pk
        assignment.created_at = assignment.updated_at = now  # auto_now_add, auto_now
        assignment._state.adding = False
        assignment._state.db = "default"
    copy_rows(
        Assignment._meta.db_table,
        [f.column for f in fields],
        [tuple(getattr(a, f.attname) for f in fields) for a in creates],
    )


def _copy_history(creates, updates, links_of, ids: list[int], *, by, reason: str, at) -> None:
    """What bulk_history_create and the m2m history's bulk_create write, by COPY."""
    history = Assignment.history.model
    tracked = history.tracked_fields
    typed = [*((a, "+") for a in creates), *((a, "~") for a in updates)]
    records = []
    tps_rows = []
    for (assignment, kind), history_id in zip(typed, ids, strict=True):
        user = by if by is not None else history.get_default_history_user(assignment)
        records.append(
            (
                *(getattr(assignment, f.attname) for f in tracked),
                history_id,
                at,
                reason,
                kind,
                getattr(user, "pk", None),
            )
        )
        tps_rows.extend((pk, a, t, history_id) for pk, a, t in links_of.get(assignment.pk, ()))
    copy_rows(
        history._meta.db_table,
        [
            *(f.column for f in tracked),
            "history_id",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        records,
    )
    m2m_history = history.tps.model
    copy_rows(m2m_history._meta.db_table, ("id", "assignment_id", "tps_id", "history_id"), tps_rows)


def _create_history(creates, updates, links_of, *, by, reason: str) -> None:
    records = [
        *(
            Assignment.history.bulk_history_create(
                creates, batch_size=WRITE_BATCH, default_user=by, default_change_reason=reason
            )
            or []
        ),
        *(
            Assignment.history.bulk_history_create(
                updates,
                batch_size=WRITE_BATCH,
                update=True,
                default_user=by,
                default_change_reason=reason,
            )
            or []
        ),
    ]
    m2m_history = Assignment.history.model.tps.model
    m2m_history.objects.bulk_create(
        [
            m2m_history(history=record, id=pk, assignment_id=assignment_id, tps_id=tps_id)
            for record in records
            for pk, assignment_id, tps_id in links_of.get(record.id, ())
        ],
        batch_size=WRITE_BATCH,
    )
