"""How long the audit log keeps its lines, and pseudonyms for deleted field accounts.

The log is the Polres's record of who signed in and who took data out: kept
AUDIT_LOG_RETENTION_DAYS (365) of real time, the time a complaint, an inspection or a
disciplinary case about the operation is raised in; then removed. The append-only trigger lets
lines go only through the database function ``opsboard_auditevent_purge`` (migration 0002),
which removes lines older than its cut-off and refuses one less than 30 days old. ``at`` is real
time, so the retention counts in real time too, never on the operation clock.

django-axes' sign-in logs (username and address of each sign-in or failure) are the same kind of
record and are kept no longer.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent


@dataclass(frozen=True)
class AuditPurgeResult:
    cutoff: datetime  # lines before it are gone
    lines: int
    access_logs: int


def audit_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)


@transaction.atomic
def audit_log_purge(*, now: datetime | None = None) -> AuditPurgeResult:
    """Remove the audit log's lines (and axes' sign-in logs) older than the retention.

    Idempotent: a second run finds nothing older. On PostgreSQL the delete goes through the one
    function the append-only trigger allows; on SQLite, which refuses no delete, it is a DELETE.
    """
    cutoff = audit_cutoff(now=now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT opsboard_auditevent_purge(%s)", [cutoff])
            lines = cursor.fetchone()[0]
    else:
        lines = AuditEvent.objects.filter(at__lt=cutoff).delete()[0]
    access_logs = sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )
    return AuditPurgeResult(cutoff=cutoff, lines=lines, access_logs=access_logs)


def pseudonym(personnel_id: int) -> str:
    """The name a deleted field account keeps in the log: the trigger allows only this form."""
    return f"personel-{personnel_id}"


@dataclass(frozen=True)
class Account:
    """A field account about to be deleted, and the person it belonged to."""

    user_id: int
    username: str
    personnel_id: int


@transaction.atomic
def audit_usernames_pseudonymise(*, accounts: list[Account]) -> int:
    """Before field accounts are deleted: their lines (and failed sign-ins typed with their
    username) lose the link to the account and the username, which is the person's NRP or
    register number, and keep ``personel-<id>`` instead, so that one person's lines still read
    together. Returns the lines changed; a second run finds none.

    axes' throttling rows and sign-in logs of those usernames go at once: they serve only to
    lock an account out, and the account is gone.
    """
    changed = 0
    for account in accounts:
        changed += AuditEvent.objects.filter(
            Q(user_id=account.user_id) | Q(user__isnull=True, username__iexact=account.username)
        ).update(user=None, username=pseudonym(account.personnel_id))
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__iexact=account.username).delete()
    return changed
