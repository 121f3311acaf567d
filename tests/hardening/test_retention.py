"""UU PDP 27/2022 retention of the people deployed and of the audit log (docs/access.md,
"Retention"): Linmas and TNI pseudonymised, Polri phones blanked and field accounts deleted
PERSONAL_DATA_RETENTION_DAYS after pasca; audit lines removed after AUDIT_LOG_RETENTION_DAYS."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from audit.log import record_sign_in, record_sign_in_failed
from audit.models import AuditEvent
from audit.retention import audit_log_purge
from deployments.coverage.engine import coverage_compute
from deployments.models import CoverageTPS, Force, ImportJob, Personnel
from deployments.services import (
    personal_data_purge,
    personnel_account_create,
    personnel_data_purge,
)
from field.tasks import purge_personal_data_task
from tests.factories import (
    AssignmentFactory,
    PersonnelFactory,
    SecurityPatternFactory,
    UnitFactory,
    phase,
)

WIB = timezone.get_fixed_timezone(7 * 60)
# Pasca ends 1 Jan 2025 00.00 WIB; 90 days later is 1 Apr 2025 00.00 WIB.
JUST_BEFORE = datetime(2025, 3, 31, 23, 0, tzinfo=WIB)
DUE = datetime(2025, 4, 1, 0, 0, tzinfo=WIB)

LINMAS = {"name": "Siti Aminah", "phone": "+6281234567801", "identifier": "LM-3571011001-01"}
TNI = {"name": "Joko Susilo", "phone": "+6281234567802", "identifier": "31990123"}
POLRI = {"name": "Anton Wibisono", "phone": "+6281234567803", "identifier": "85010001"}
SECRETS = [*LINMAS.values(), *TNI.values(), LINMAS["phone"][3:], TNI["phone"][3:]]


@pytest.fixture
def roster(election_day, field_officer, tps_a, command_staff):
    """A Linmas (the field_officer persona), a TNI soldier and a Polri officer on duty at TPS A,
    each with a field account that has signed in; a Polri command-staff account; an earlier
    version of each in the history; a personnel import that read them; axes' rows of them."""
    linmas = field_officer.personnel
    linmas.name, linmas.phone = LINMAS["name"], "+6281111111111"
    linmas.save()
    linmas.phone = LINMAS["phone"]  # the history now holds two phones
    linmas.save()
    koramil = UnitFactory(force=Force.TNI, kind="koramil", code="koramil-0809-03")
    tni = PersonnelFactory(force=Force.TNI, unit=koramil, rank="Serda", **TNI)
    polri = PersonnelFactory(home_desa=tps_a.desa, **POLRI)
    kabagops = PersonnelFactory(name="Kabag Ops", phone="+6281234567804", user=command_staff)
    for person in (tni, polri):
        AssignmentFactory(personnel=person, tps=[tps_a])
        personnel_account_create(personnel=person)
    for person in (linmas, tni, polri):
        record_sign_in(None, person.user)
    record_sign_in_failed(None, LINMAS["identifier"])
    record_sign_in(None, command_staff)
    ImportJob.objects.create(
        kind=ImportJob.Kind.PERSONNEL,
        status=ImportJob.Status.DONE,
        file_name="linmas.csv",
        content=f"{LINMAS['name']},{LINMAS['identifier']},{LINMAS['phone']}".encode(),
        size=50,
        rows=[{"name": TNI["name"], "identifier": TNI["identifier"]}],
        errors=[{"row": 3, "message": f"{TNI['name']}: telepon {TNI['phone']}"}],
    )
    AccessAttempt.objects.create(
        username=LINMAS["identifier"], ip_address="203.0.113.7", failures_since_start=2
    )
    AccessLog.objects.create(username=TNI["identifier"], ip_address="203.0.113.7")
    return {"linmas": linmas, "tni": tni, "polri": polri, "kabagops": kabagops}


def _everything() -> str:
    """Every row of every table of the project, Django's and axes' included, as text."""
    dump = []
    for model in apps.get_models():
        for row in model._base_manager.values():
            dump.append(
                repr({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
            )
    return "\n".join(dump)


def _coverage() -> list:
    snapshot = coverage_compute(operation=phase().operation, phase=phase())
    rows = CoverageTPS.objects.filter(snapshot=snapshot).values()
    figures = [{k: v for k, v in row.items() if k != "snapshot_id"} for row in rows]
    unassigned = (snapshot.unassigned_polri, snapshot.unassigned_tni, snapshot.unassigned_linmas)
    return [figures, unassigned]


def test_nothing_changes_before_its_time(roster, settings):
    settings.OPSBOARD_NOW = JUST_BEFORE
    before = _everything()

    assert personnel_data_purge() is None

    assert _everything() == before
    assert all(secret in before for secret in SECRETS)


def test_after_its_time_no_name_phone_or_number_of_a_linmas_or_tni_remains_anywhere(
    roster, settings
):
    settings.OPSBOARD_NOW = DUE

    result = personnel_data_purge()

    everything = _everything()
    found = [secret for secret in SECRETS if secret in everything]
    assert found == []
    linmas = Personnel.objects.get(pk=roster["linmas"].pk)
    assert (linmas.name, linmas.identifier, linmas.phone) == (
        f"Personel {linmas.pk}",
        f"ANON-{linmas.pk}",
        "",
    )
    assert (linmas.home_desa, linmas.user, linmas.force, linmas.active) == (
        None,
        None,
        Force.LINMAS,
        True,
    )
    assert Personnel.history.filter(id=linmas.pk).count() >= 3  # versions kept, rewritten
    assert set(Personnel.history.filter(id=linmas.pk).values_list("name", flat=True)) == {
        f"Personel {linmas.pk}"
    }
    # Both Polri lose their phone (the Kabag Ops's too); three field accounts go.
    assert (result.pseudonymised, result.polri_blanked, result.accounts) == (2, 2, 3)
    # The Linmas's sign-in and failed sign-in, the TNI's sign-in; the Polri's keeps the NRP.
    assert (result.audit_lines, result.imports) == (3, 1)


def test_polri_keep_name_rank_and_nrp_and_lose_phone_home_desa_and_field_account(
    roster, settings, command_staff
):
    settings.OPSBOARD_NOW = DUE

    personnel_data_purge()

    polri = Personnel.objects.get(pk=roster["polri"].pk)
    assert (polri.name, polri.rank, polri.identifier) == (POLRI["name"], "Bripka", "85010001")
    assert (polri.phone, polri.home_desa, polri.user) == ("", None, None)
    assert not Personnel.history.filter(id=polri.pk).exclude(phone="").exists()
    # The staff account of the command stays, and its audit line keeps its name.
    assert get_user_model().objects.filter(pk=command_staff.pk).exists()
    assert Personnel.objects.get(pk=roster["kabagops"].pk).user == command_staff
    assert AuditEvent.objects.filter(user=command_staff, username="kabagops").count() == 1
    # The Polri officer's deleted field account keeps their NRP in the log: the Polres's own.
    assert AuditEvent.objects.filter(username=POLRI["identifier"], user=None).count() == 1


def test_deleted_accounts_keep_a_pseudonym_in_the_audit_log(roster, settings):
    settings.OPSBOARD_NOW = DUE
    linmas = roster["linmas"]

    personnel_data_purge()

    lines = AuditEvent.objects.filter(username=f"personel-{linmas.pk}")
    assert sorted(lines.values_list("kind", flat=True)) == ["sign_in", "sign_in_failed"]
    assert not lines.exclude(user=None).exists()
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.filter(username=TNI["identifier"]).exists()


def test_the_import_keeps_its_counts_and_loses_the_file_and_rows(roster, settings):
    settings.OPSBOARD_NOW = DUE

    personnel_data_purge()

    job = ImportJob.objects.get()
    assert (bytes(job.content), job.rows, job.errors, job.size) == (b"", [], [], 0)
    assert (job.file_name, job.status) == ("linmas.csv", ImportJob.Status.DONE)


def test_coverage_figures_add_up_the_same_after_the_purge(roster, settings):
    SecurityPatternFactory(force=Force.LINMAS, personnel_count=2, tps_count=1)
    before = _coverage()
    settings.OPSBOARD_NOW = DUE

    personnel_data_purge()

    assert _coverage() == before
    tps_a = before[0][0]
    assert (tps_a["linmas_guards"], tps_a["tni_guards"], tps_a["polri_guards"]) == (1, 1, 1)


def test_a_second_run_changes_nothing(roster, settings):
    settings.OPSBOARD_NOW = DUE
    personnel_data_purge()
    after_first = _everything()

    again = personnel_data_purge()

    assert _everything() == after_first
    assert (again.pseudonymised, again.polri_blanked, again.history, again.accounts) == (0,) * 4
    assert (again.audit_lines, again.imports) == (0, 0)


def test_the_command_says_until_when_before_its_time(roster, settings):
    settings.OPSBOARD_NOW = JUST_BEFORE
    out = StringIO()

    call_command("purge_personal_data", stdout=out)

    assert (
        "Data personel belum dihapus: disimpan sampai Selasa, 1 April 2025 00.00 WIB (90 hari"
        in out.getvalue()
    )
    assert Personnel.objects.filter(name=LINMAS["name"]).exists()


def test_the_command_says_what_it_did(roster, settings):
    settings.OPSBOARD_NOW = DUE
    out = StringIO()

    call_command("purge_personal_data", stdout=out)

    assert "2 personel Linmas/TNI dianonimkan" in out.getvalue()
    assert "3 akun lapangan dihapus" in out.getvalue()
    assert "Log audit: 0 catatan sebelum" in out.getvalue()


def test_the_retention_follows_its_setting(roster, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 200
    settings.OPSBOARD_NOW = DUE

    assert personnel_data_purge() is None


def test_beat_runs_the_task_which_runs_the_purge(roster, settings):
    from opsboard.celery import app

    settings.OPSBOARD_NOW = DUE
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    purge_personal_data_task.apply().get()

    assert "opsboard.tasks.purge_personal_data_task" in tasks
    assert "opsboard.tasks.purge_personal_data_task" in app.tasks
    assert not Personnel.objects.filter(name=LINMAS["name"]).exists()


# The audit log's own retention


def _line(days_ago: int, **values) -> AuditEvent:
    fields = {"kind": AuditEvent.Kind.EXPORT, "username": "operator", "what": "/export/gaps/"}
    return AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=days_ago), **{**fields, **values}
    )


@pytest.mark.services
@pytest.mark.django_db
def test_lines_older_than_the_retention_go_on_postgresql_despite_the_trigger():
    assert connection.vendor == "postgresql"
    old, recent = _line(400), _line(10)

    result = audit_log_purge()

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert result.lines == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert audit_log_purge().lines == 0


@pytest.mark.services
@pytest.mark.django_db
def test_after_a_purge_a_plain_delete_is_still_refused():
    audit_log_purge()
    older = _line(500)

    with (
        pytest.raises(IntegrityError, match="opsboard_auditevent_append_only"),
        transaction.atomic(),
    ):
        AuditEvent.objects.filter(pk=older.pk).delete()

    assert AuditEvent.objects.filter(pk=older.pk).exists()


@pytest.mark.services
@pytest.mark.django_db
def test_the_database_refuses_a_retention_shorter_than_30_days(settings):
    _line(20)

    with (
        pytest.raises((IntegrityError, DatabaseError), match="opsboard_auditevent_purge"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT opsboard_auditevent_purge(now() - interval '10 days')")

    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_only_a_pseudonym_may_replace_the_name_of_an_unlinked_line():
    line = _line(1, username="LM-3571011001-01")

    AuditEvent.objects.filter(pk=line.pk).update(username="personel-12")

    assert AuditEvent.objects.get(pk=line.pk).username == "personel-12"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=line.pk).update(username="orang-lain")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=line.pk).update(username="personel-13", what="/lain/")


def test_the_daily_run_removes_old_audit_lines_before_the_personnel_are_due(roster, settings):
    settings.OPSBOARD_NOW = JUST_BEFORE
    _line(400)

    run = personal_data_purge()

    assert (run.personnel, run.audit.lines) == (None, 1)
    assert Personnel.objects.filter(name=LINMAS["name"]).exists()
