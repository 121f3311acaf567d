"""Every write path of the admin is followed by a coverage recompute after its commit.

transaction=True: the on_commit callbacks really run (and Celery runs eagerly), so a new
CoverageSnapshot row is the proof that the engine was told.
"""

import pytest
from django.contrib.admin import helpers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deployments.coverage import coverage_recompute
from deployments.models import Assignment, CoverageSnapshot, ImportJob, PostKind
from tests.admin.helpers import ASSIGNMENT_COLUMNS, admin_post, row, xlsx
from tests.factories import AssignmentFactory, phase

pytestmark = pytest.mark.django_db(transaction=True)


def snapshots() -> int:
    return CoverageSnapshot.objects.count()


@pytest.fixture
def ready(pattern, officer, tps_006):
    """An operation, one TPS and one officer, and a snapshot that is up to date."""
    coverage_recompute()
    return officer


def test_admin_save_recomputes(login, ops_admin, ready, tps_006):
    client = login(ops_admin)
    before = snapshots()

    response = admin_post(
        client,
        reverse("admin:deployments_assignment_add"),
        "assignment_form",
        {
            "personnel": ready.pk,
            "phase": phase().pk,
            "kind": PostKind.PAM_TPS,
            "tps": [tps_006.pk],
            "starts_at_0": "2024-11-26",
            "starts_at_1": "13:00",
            "ends_at_0": "2024-11-28",
            "ends_at_1": "18:00",
            "status": "active",
        },
    )

    assert response.status_code == 302
    assert snapshots() == before + 1


def test_admin_delete_recomputes(login, ops_admin, ready, tps_006):
    assignment = AssignmentFactory(personnel=ready, tps=[tps_006])
    client = login(ops_admin)
    before = snapshots()

    response = client.post(
        reverse("admin:deployments_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert snapshots() == before + 1


def test_admin_delete_selected_recomputes(login, ops_admin, ready, tps_006):
    ids = [AssignmentFactory(tps=[tps_006]).pk for _ in range(3)]
    client = login(ops_admin)
    before = snapshots()

    response = client.post(
        reverse("admin:deployments_assignment_changelist"),
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: ids, "post": "yes"},
    )

    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert snapshots() == before + 1


def test_a_bulk_action_recomputes_once(login, ops_admin, ready, tps_006):
    ids = [AssignmentFactory(tps=[tps_006]).pk for _ in range(3)]
    client = login(ops_admin)
    before = snapshots()

    response = client.post(
        reverse("admin:deployments_assignment_changelist"),
        {"action": "cancel_selected", helpers.ACTION_CHECKBOX_NAME: ids, "apply": "1"},
    )

    assert response.status_code == 302
    assert snapshots() == before + 1


def test_an_import_recomputes_once(login, ops_admin, ready, tps_006):
    client = login(ops_admin)
    content = xlsx(
        ASSIGNMENT_COLUMNS,
        [
            row(
                ASSIGNMENT_COLUMNS,
                matra="Polri",
                nrp_no_registrasi=ready.identifier,
                kode_desa=tps_006.desa.code,
                no_tps="006",
                jenis_pos="Pam TPS",
                mulai="26/11/2024 13.00",
                selesai="28/11/2024 18.00",
            )
        ],
    )
    client.post(
        reverse("admin:deployments_importjob_add"),
        {"kind": "assignment", "upload": SimpleUploadedFile("a.xlsx", content)},
    )
    job = ImportJob.objects.get()
    before = snapshots()

    client.post(reverse("admin:deployments_importjob_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert snapshots() == before + 1


def test_a_history_revert_recomputes(login, ops_admin, ready, tps_006):
    assignment = AssignmentFactory(personnel=ready, tps=[tps_006])
    original = assignment.history.first()
    assignment.status = Assignment.Status.CANCELLED
    assignment.save()
    client = login(ops_admin)
    before = snapshots()

    response = admin_post(
        client,
        reverse(
            "admin:deployments_assignment_simple_history",
            args=[assignment.pk, original.history_id],
        ),
        "historicalassignment_form",
        {},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE
    assert assignment.history.first().history_user == ops_admin
    assert snapshots() == before + 1
