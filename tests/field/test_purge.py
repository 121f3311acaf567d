"""UU PDP 27/2022: field photos and personal data go once the pasca phase is over."""

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from field.models import CheckIn, InstructionAck, SignInLink, SituationReport, TPSStatusStep
from field.services import (
    checkin_record,
    field_data_purge,
    signin_link_issue,
    situation_report_create,
    tps_status_step_record,
)
from field.tasks import purge_field_data_task
from tests.factories import InstructionFactory
from tests.field.helpers import WIB, jpeg, key

AFTER_PASCA = datetime(2025, 1, 1, 0, 0, tzinfo=WIB)  # pasca ends 31 Dec 2024 24.00 WIB


@pytest.fixture
def field_data(guard, tps_a, mojoroto):
    report = situation_report_create(
        person=guard,
        kind="gangguan",
        text="Pak RT memaki petugas.",
        urgent=False,
        idempotency_key=key(),
        tps=tps_a,
        photo=jpeg((300, 200)),
    )[0]
    checkin_record(person=guard, tps=tps_a, latitude=-7.815, longitude=111.985)
    tps_status_step_record(person=guard, tps=tps_a, step=1)
    instruction = InstructionFactory(kecamatan=mojoroto)
    from field.services import instruction_acknowledge

    instruction_acknowledge(instruction=instruction, person=guard)
    signin_link_issue(person=guard)
    return {"photo": Path(report.photo.path)}


def test_nothing_is_removed_before_pasca_ends(field_data):
    result = field_data_purge()

    assert result is None
    assert field_data["photo"].exists()
    assert SituationReport.objects.get().person is not None


def test_after_pasca_photos_links_and_who_where_what_are_gone(field_data, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA

    result = field_data_purge()

    report, checkin, step = (
        SituationReport.objects.get(),
        CheckIn.objects.get(),
        TPSStatusStep.objects.get(),
    )
    assert not field_data["photo"].exists()
    assert (report.photo.name, report.person, report.text) == ("", None, "")
    assert (report.kind, report.tps_id is not None) == ("gangguan", True)
    assert (checkin.person, checkin.latitude, checkin.longitude) == (None, None, None)
    assert checkin.distance_m == 0  # what the operation's record needs stays
    assert step.person is None
    assert not InstructionAck.objects.exists()
    assert not SignInLink.objects.exists()
    assert (result.photos, result.reports, result.checkins, result.steps) == (1, 1, 1, 1)
    assert (result.acks, result.links) == (1, 1)


def test_a_second_purge_finds_nothing_left(field_data, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA
    field_data_purge()

    again = field_data_purge()

    assert (again.photos, again.reports, again.checkins, again.steps, again.acks, again.links) == (
        0,
        0,
        0,
        0,
        0,
        0,
    )


def test_the_command_says_what_it_removed(field_data, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA
    out = StringIO()

    call_command("purge_field_data", stdout=out)

    assert "1 foto dihapus" in out.getvalue()


def test_the_command_before_the_end_says_until_when(field_data):
    out = StringIO()

    call_command("purge_field_data", stdout=out)

    assert (
        "disimpan sampai tahapan pasca berakhir (Rabu, 1 Januari 2025 00.00 WIB)" in out.getvalue()
    )


def test_the_celery_task_runs_the_purge(field_data, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA

    purge_field_data_task.apply().get()

    assert not field_data["photo"].exists()
    assert not SignInLink.objects.exists()


def test_beat_runs_the_task(settings):
    from opsboard.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "opsboard.tasks.purge_field_data_task" in tasks
    assert "opsboard.tasks.purge_field_data_task" in app.tasks


def test_the_personal_data_command_purges_field_data_too(field_data, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA
    out = StringIO()

    call_command("purge_personal_data", stdout=out)

    assert not field_data["photo"].exists()
    assert SituationReport.objects.get().person is None
    assert "Data lapangan: 1 foto" in out.getvalue()
    # The people stay until PERSONAL_DATA_RETENTION_DAYS after pasca.
    assert "Data personel belum dihapus: disimpan sampai Selasa, 1 April 2025" in out.getvalue()


def test_the_field_purge_leaves_the_people_alone(field_data, guard, settings):
    settings.OPSBOARD_NOW = AFTER_PASCA
    name = guard.name

    field_data_purge()

    guard.refresh_from_db()
    assert (guard.name, guard.user_id is not None) == (name, True)
    assert "opsboard.tasks.purge_personal_data_task" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
