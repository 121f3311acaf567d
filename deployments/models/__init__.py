"""The models of deployments, one module per group; every model is importable from here.

operation: Operation, Phase. personnel: Force, Unit, Personnel, StaffProfile. pattern:
SecurityPattern, PostKind, Post, Sprin. assignment: Assignment. coverage: what the engine
stores. imports: ImportJob.
"""

from deployments.models.assignment import Assignment, AssignmentQuerySet
from deployments.models.coverage import (
    CoverageArea,
    CoverageSnapshot,
    CoverageSnapshotQuerySet,
    CoverageState,
    CoverageStatus,
    CoverageTPS,
    CoverageTPSQuerySet,
)
from deployments.models.imports import ImportJob
from deployments.models.operation import Operation, Phase
from deployments.models.pattern import Post, PostKind, PostQuerySet, SecurityPattern, Sprin
from deployments.models.personnel import (
    Force,
    Personnel,
    PersonnelQuerySet,
    StaffProfile,
    Unit,
    UnitQuerySet,
)
from deployments.models.strength import Unavailability

__all__ = [
    "Assignment",
    "AssignmentQuerySet",
    "CoverageArea",
    "CoverageSnapshot",
    "CoverageSnapshotQuerySet",
    "CoverageState",
    "CoverageStatus",
    "CoverageTPS",
    "CoverageTPSQuerySet",
    "Force",
    "ImportJob",
    "Operation",
    "Personnel",
    "PersonnelQuerySet",
    "Phase",
    "Post",
    "PostKind",
    "PostQuerySet",
    "SecurityPattern",
    "Sprin",
    "StaffProfile",
    "Unavailability",
    "Unit",
    "UnitQuerySet",
]
