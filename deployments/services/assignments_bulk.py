"""Writing many validated assignments at once, for the import: a few statements per
WRITE_BATCH rows instead of assignment_save's several per row, with the same history and the
same database guards (assignments.py checks the rules, once, before this writes)."""

from collections import defaultdict
from collections.abc import Callable, Sequence

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from deployments.coverage import coverage_inputs_changed
from deployments.models import Assignment
from deployments.services.assignments import id_chunks
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
    Assignment.objects.bulk_create(creates, batch_size=WRITE_BATCH)
    through = Assignment.tps.through
    # The TPS sets: every new one, and those of the updated whose set changed.
    replaced = [a for a in updates if {t.pk for t in tps_of(a)} != {t.pk for t in a.tps.all()}]
    for chunk in id_chunks([a.pk for a in replaced]):
        through.objects.filter(assignment_id__in=chunk).delete()
    links = through.objects.bulk_create(
        [
            through(assignment_id=a.pk, tps_id=t.pk)
            for a in (*creates, *replaced)
            for t in tps_of(a)
        ],
        batch_size=WRITE_BATCH,
    )
    links_of: dict[int, list] = defaultdict(list)
    kept = {a.pk for a in updates} - {a.pk for a in replaced}
    for chunk in id_chunks(sorted(kept)):
        links.extend(through.objects.filter(assignment_id__in=chunk))
    for link in links:
        links_of[link.assignment_id].append(link)
    # One history record per assignment, carrying its TPS set (simple_history's m2m rows).
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
            m2m_history(
                history=record, id=link.pk, assignment_id=link.assignment_id, tps_id=link.tps_id
            )
            for record in records
            for link in links_of.get(record.id, ())
        ],
        batch_size=WRITE_BATCH,
    )
    coverage_inputs_changed()
