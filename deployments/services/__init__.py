"""Writes of deployments: typed, keyword-only, atomic, locking where two admins could race.

assignments: the one door for assignment writes (create one or many, update, move, cancel).
personnel: replacing a person, deactivating one who still holds duties. gaps: fill gaps'
proposal and its confirmation. operations: an operation with its phases. accounts: a deployed
person's login. retention: the UU PDP purge of the people deployed after the operation.
"""

from deployments.services.accounts import personnel_account_create
from deployments.services.assignments import (
    OVERLAP_CONSTRAINT,
    AssignmentDraft,
    assignment_create,
    assignment_move,
    assignment_save,
    assignment_update,
    assignment_validate,
    assignments_cancel,
    assignments_create,
    assignments_create_many,
    overlap_error_from,
    personnel_lock,
)
from deployments.services.gaps import Proposal, Proposed, gaps_propose
from deployments.services.gaps_apply import gaps_apply
from deployments.services.operations import operation_create
from deployments.services.personnel import (
    FutureAction,
    future_assignments,
    personnel_deactivate,
    personnel_future_resolve,
    personnel_replace,
)
from deployments.services.retention import (
    PersonalDataPurge,
    PersonnelPurgeResult,
    pasca_end,
    personal_data_purge,
    personnel_data_purge,
    personnel_purge_due,
)

__all__ = [
    "OVERLAP_CONSTRAINT",
    "AssignmentDraft",
    "FutureAction",
    "PersonalDataPurge",
    "PersonnelPurgeResult",
    "Proposal",
    "Proposed",
    "assignment_create",
    "assignment_move",
    "assignment_save",
    "assignment_update",
    "assignment_validate",
    "assignments_cancel",
    "assignments_create",
    "assignments_create_many",
    "future_assignments",
    "gaps_apply",
    "gaps_propose",
    "operation_create",
    "overlap_error_from",
    "pasca_end",
    "personal_data_purge",
    "personnel_account_create",
    "personnel_data_purge",
    "personnel_deactivate",
    "personnel_future_resolve",
    "personnel_lock",
    "personnel_purge_due",
    "personnel_replace",
]
