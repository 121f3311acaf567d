"""Creating an operation with its phases."""

from datetime import date

from django.db import transaction

from deployments.models import Operation, Phase
from deployments.phases import PHASES_2024, phase_windows


@transaction.atomic
def operation_create(*, name: str, starts_on: date, ends_on: date, phases=PHASES_2024) -> Operation:
    operation = Operation(name=name, starts_on=starts_on, ends_on=ends_on)
    operation.full_clean()
    operation.save()
    Phase.objects.bulk_create(
        Phase(operation=operation, code=code, starts_at=starts_at, ends_at=ends_at)
        for code, starts_at, ends_at in phase_windows(phases)
    )
    return operation
