"""The models of deployments, one module per group; every model is importable from here.

operation: Operation, Phase. personnel: Force, Unit, Personnel, StaffProfile. pattern:
SecurityPattern, PostKind, Post (guarded objects among them), GuardNorm, Sprin. shifts:
ShiftTemplate, Shift. handover: HandoverNote. rest: the minimum rest between shift duties.
assignment: Assignment. strength: Unavailability. bko: BkoIn, BkoOut. coverage,
coverage_objects: what the engine stores. imports: ImportJob.
"""

from deployments.models.assignment import Assignment, AssignmentQuerySet
from deployments.models.bko import BkoIn, BkoOut
from deployments.models.coverage import (
    CoverageArea,
    CoverageSnapshot,
    CoverageSnapshotQuerySet,
    CoverageState,
    CoverageStatus,
    CoverageTPS,
    CoverageTPSQuerySet,
)
from deployments.models.coverage_objects import CoverageObject, CoverageObjectQuerySet
from deployments.models.handover import HandoverNote, HandoverNoteQuerySet
from deployments.models.imports import ImportJob
from deployments.models.operation import Operation, Phase
from deployments.models.pattern import (
    GUARDED_KINDS,
    GuardNorm,
    Post,
    PostKind,
    PostQuerySet,
    SecurityPattern,
    Sprin,
)
from deployments.models.personnel import (
    Force,
    Personnel,
    PersonnelQuerySet,
    StaffProfile,
    Unit,
    UnitQuerySet,
)
from deployments.models.shifts import Shift, ShiftQuerySet, ShiftTemplate
from deployments.models.strength import Unavailability

__all__ = [
    "GUARDED_KINDS",
    "Assignment",
    "AssignmentQuerySet",
    "BkoIn",
    "BkoOut",
    "CoverageArea",
    "CoverageObject",
    "CoverageObjectQuerySet",
    "CoverageSnapshot",
    "CoverageSnapshotQuerySet",
    "CoverageState",
    "CoverageStatus",
    "CoverageTPS",
    "CoverageTPSQuerySet",
    "Force",
    "GuardNorm",
    "HandoverNote",
    "HandoverNoteQuerySet",
    "ImportJob",
    "Operation",
    "Personnel",
    "PersonnelQuerySet",
    "Phase",
    "Post",
    "PostKind",
    "PostQuerySet",
    "SecurityPattern",
    "Shift",
    "ShiftQuerySet",
    "ShiftTemplate",
    "Sprin",
    "StaffProfile",
    "Unavailability",
    "Unit",
    "UnitQuerySet",
]
