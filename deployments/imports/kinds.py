"""Which resource reads and writes which kind of sheet."""

from deployments.imports.assignments import AssignmentResource
from deployments.imports.bko import BkoResource
from deployments.imports.periods import UnavailabilityResource
from deployments.imports.personnel import PersonnelResource
from deployments.imports.resource import SheetResource
from deployments.imports.tps import TPSResource
from deployments.models import ImportJob

RESOURCES: dict[str, type[SheetResource]] = {
    ImportJob.Kind.PERSONNEL: PersonnelResource,
    ImportJob.Kind.TPS: TPSResource,
    ImportJob.Kind.ASSIGNMENT: AssignmentResource,
    ImportJob.Kind.UNAVAILABILITY: UnavailabilityResource,
    ImportJob.Kind.BKO: BkoResource,
}
