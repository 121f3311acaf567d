"""Writes that touch several rows: typed, keyword-only, atomic."""

from collections.abc import Sequence
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from deployments.models import Assignment, Operation, Personnel, Phase, Post, Sprin
from deployments.phases import PHASES_2024, phase_windows
from tps.models import TPS

OVERLAP_CONSTRAINT = "deployments_assignment_no_overlap"


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


@transaction.atomic
def assignment_create(
    *,
    personnel: Personnel,
    phase: Phase,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    tps: Sequence[TPS] = (),
    post: Post | None = None,
    sprin: Sprin | None = None,
    linmas_other_desa_reason: str = "",
) -> Assignment:
    """A new assignment under every rule: overlap, phase window, the TPS set, Linmas' own desa
    (unless the reason for an exception is given)."""
    # Lock the person's row: two admins assigning the same officer at once must not both pass
    # validation. On PostgreSQL the exclusion constraint backs this up.
    personnel = Personnel.objects.select_for_update().get(pk=personnel.pk)
    assignment = Assignment(
        personnel=personnel,
        phase=phase,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        post=post,
        sprin=sprin,
        linmas_other_desa=bool(linmas_other_desa_reason),
        linmas_other_desa_reason=linmas_other_desa_reason,
    )
    assignment.full_clean()
    assignment.validate_tps_set(tps)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise overlap_error_from(exc, personnel) from exc
    assignment.tps.set(tps)
    return assignment


def overlap_error_from(exc: IntegrityError, personnel: Personnel) -> Exception:
    """Turn the PostgreSQL exclusion violation into the same message validation gives."""
    if OVERLAP_CONSTRAINT in str(exc):
        return ValidationError(
            _(
                "%(person)s sudah bertugas pada waktu yang tumpang tindih (disimpan bersamaan oleh "
                "pengguna lain). Muat ulang dan periksa penugasannya."
            )
            % {"person": personnel.name},
            code="overlap",
        )
    return exc


@transaction.atomic
def personnel_account_create(*, personnel: Personnel, password: str | None = None):
    """Give a person a login whose username is their identifier.

    NRPs of Polri and TNI and Linmas register numbers come from different registers; if two
    people of different forces share an identifier, one username cannot serve both, so the
    second account is refused rather than silently attached to the wrong person.
    """
    User = get_user_model()
    if personnel.user_id is not None:
        return personnel.user
    if User.objects.filter(username__iexact=personnel.identifier).exists():
        raise ValidationError(
            _(
                "Nama pengguna %(id)s sudah dipakai akun lain (kemungkinan personel matra lain "
                "dengan nomor yang sama). Buat akun ini secara manual dengan nama pengguna lain."
            )
            % {"id": personnel.identifier},
            code="username_clash",
        )
    user = User(username=personnel.identifier, first_name=personnel.name[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    personnel.user = user
    personnel.save(update_fields=["user"])
    return user
