"""UU PDP 27/2022 retention of the people deployed (docs/access.md, "Retention").

The operation needs to know who guards which TPS until its last phase is over and the questions
after it are settled; the purpose of the roster then ends (purpose and storage limitation).
PERSONAL_DATA_RETENTION_DAYS (90) after the end of the pasca phase, on the operation clock:

- **Linmas and TNI** are not the Polres's staff (Satlinmas of the desa, Kodim 0809): their rows
  are pseudonymised in place, ``Personel <id>`` with the identifier ``ANON-<id>``, no phone and no
  home desa, and so are every historical version of them (simple_history keeps the old values).
  Force, rank, unit and ``active`` stay, so assignments, coverage and after-action figures still
  add up, as counts that name nobody.
- **Polri** rows keep name, rank, NRP and unit: they are the Polres's own staff register and the
  annex of its Sprin, archived with the Sprin. The phone and home desa were collected for the
  operation's team lists and cards only (the Bag SDM register is the source of record) and go,
  in the history too.
- **Field accounts** (the sign-in card's account of any force) are deleted; the audit lines of
  a Linmas or TNI keep ``personel-<id>`` instead of the NRP or register number
  (audit.retention), a Polri officer's keep the NRP.
- **Import jobs** of personnel and assignments lose the uploaded file and every row, error and
  message read from it: they held the same names, phones and identifiers.

Idempotent, all-or-nothing, and a no-op before its time. The audit log's own retention is
audit.retention; personal_data_purge runs both, as beat and ``purge_personal_data`` do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from audit.retention import Account, AuditPurgeResult, audit_log_purge, audit_usernames_pseudonymise
from core import clock
from core.access import ROLE_GROUPS
from deployments.models import Force, ImportJob, Operation, Personnel, Phase
from deployments.selectors import current_operation

PSEUDONYMISED_FORCES = (Force.LINMAS, Force.TNI)


@dataclass(frozen=True)
class PersonnelPurgeResult:
    pseudonymised: int  # Linmas and TNI rows
    polri_blanked: int  # Polri rows whose phone or home desa went
    history: int  # historical versions rewritten
    accounts: int  # field accounts deleted
    audit_lines: int  # audit lines given a pseudonym
    imports: int  # import jobs emptied


@dataclass(frozen=True)
class PersonalDataPurge:
    personnel: PersonnelPurgeResult | None  # None: not yet due
    due: datetime | None  # when the personnel purge is (or was) due; None without pasca
    audit: AuditPurgeResult


def pasca_end() -> datetime | None:
    """The end of the current operation's pasca phase, or None without one."""
    operation = current_operation(with_phases=True)
    if operation is None:
        return None
    pasca = next((p for p in operation.phases.all() if p.code == Phase.Code.PASCA), None)
    return pasca.ends_at if pasca is not None else None


def personnel_purge_due() -> datetime | None:
    end = pasca_end()
    return end + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS) if end else None


def _pk_text(field: str = "pk"):
    return Cast(field, output_field=CharField())


def _pseudonym_values(pk_field: str) -> dict:
    return {
        "name": Concat(Value("Personel "), _pk_text(pk_field), output_field=CharField()),
        "identifier": Concat(Value("ANON-"), _pk_text(pk_field), output_field=CharField()),
        "phone": "",
        "home_desa": None,
        "user": None,
    }


def _not_pseudonymised(pk_field: str) -> Q:
    values = _pseudonym_values(pk_field)
    return (
        ~Q(name=values["name"])
        | ~Q(identifier=values["identifier"])
        | ~Q(phone="")
        | Q(home_desa__isnull=False)
        | Q(user__isnull=False)
    )


def _field_accounts():
    """Accounts that exist only to sign a deployed person in on their phone: no superuser,
    no staff flag, no role group. Any other account linked to a person is an admin's to manage."""
    return (
        get_user_model()
        .objects.filter(personnel__isnull=False, is_superuser=False, is_staff=False)
        .exclude(groups__name__in=ROLE_GROUPS)
    )


@transaction.atomic
def personnel_data_purge(*, at: datetime | None = None) -> PersonnelPurgeResult | None:
    """Pseudonymise Linmas and TNI, blank Polri phones and home desa, delete field accounts and
    empty personnel and assignment imports, once PERSONAL_DATA_RETENTION_DAYS have passed since
    the end of pasca. None (and nothing changed) before; a second run changes nothing."""
    at = at or clock.now()
    due = personnel_purge_due()
    if due is None or at < due:
        return None
    # Beat and the command at once: the second waits here and then finds nothing left.
    Operation.objects.select_for_update().filter(pk=current_operation().pk).exists()

    accounts = [
        Account(user_id=row["pk"], username=row["username"], personnel_id=row["personnel"])
        for row in _field_accounts().values("pk", "username", "personnel")
    ]
    # A Polri officer's lines keep their NRP, the Polres's own register; the others' get a
    # pseudonym before their accounts go.
    others = set(
        Personnel.objects.filter(force__in=PSEUDONYMISED_FORCES).values_list("pk", flat=True)
    )
    audit_lines = audit_usernames_pseudonymise(
        accounts=[a for a in accounts if a.personnel_id in others]
    )
    deleted = get_user_model().objects.filter(pk__in=[a.user_id for a in accounts]).delete()
    accounts_deleted = deleted[1].get(get_user_model()._meta.label, 0)

    others = Personnel.objects.filter(force__in=PSEUDONYMISED_FORCES)
    pseudonymised = others.filter(_not_pseudonymised("pk")).update(**_pseudonym_values("pk"))
    polri = Personnel.objects.filter(force=Force.POLRI)
    polri_blanked = polri.filter(~Q(phone="") | Q(home_desa__isnull=False)).update(
        phone="", home_desa=None
    )

    # The history keeps every earlier version; its rows are written by this purge only, not
    # with .save(), so that the purge itself leaves no new version with a name in it.
    History = Personnel.history.model
    deleted_ids = [a.user_id for a in accounts]
    history = (
        History.objects.filter(force__in=PSEUDONYMISED_FORCES)
        .filter(_not_pseudonymised("id"))
        .update(**_pseudonym_values("id"))
    )
    history += (
        History.objects.filter(force=Force.POLRI)
        .filter(~Q(phone="") | Q(home_desa__isnull=False) | Q(user_id__in=deleted_ids))
        .update(phone="", home_desa=None, user=None)
    )

    imports = (
        ImportJob.objects.filter(kind__in=[ImportJob.Kind.PERSONNEL, ImportJob.Kind.ASSIGNMENT])
        .filter(~Q(size=0) | ~Q(rows=[]) | ~Q(errors=[]) | ~Q(message="") | ~Q(content_sha256=""))
        .update(content=b"", content_sha256="", size=0, rows=[], errors=[], message="")
    )
    return PersonnelPurgeResult(
        pseudonymised=pseudonymised,
        polri_blanked=polri_blanked,
        history=history,
        accounts=accounts_deleted,
        audit_lines=audit_lines,
        imports=imports,
    )


@transaction.atomic
def personal_data_purge(*, at: datetime | None = None) -> PersonalDataPurge:
    """The daily retention run: the personnel purge when it is due (operation clock), and the
    audit log's rolling retention (real time, audit.retention). All or nothing."""
    return PersonalDataPurge(
        personnel=personnel_data_purge(at=at), due=personnel_purge_due(), audit=audit_log_purge()
    )
