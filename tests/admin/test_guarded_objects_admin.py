"""The guard norms and the guarded objects in the admin (issue #18): norms are data the Bag Ops
admins edit, per operation, kind, class and remote; a guarded object's post shows its class,
remote flag, active period and protectee."""

import pytest
from django.urls import reverse

from deployments.models import GuardNorm, PostKind
from tests.factories import GuardedObjectFactory, GuardNormFactory, OperationFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_norm_and_the_list_filters_by_kind(login, ops_admin):
    operation = OperationFactory()
    GuardNormFactory(operation=operation, post_kind=PostKind.KANTOR_KPU)
    client = login(ops_admin)

    response = client.post(
        reverse("admin:deployments_guardnorm_add"),
        {
            "operation": operation.pk,
            "post_kind": PostKind.PPK,
            "kerawanan": "",
            "force": "POLRI",
            "personnel_per_shift": 15,
        },
    )
    listed = client.get(reverse("admin:deployments_guardnorm_changelist"), {"post_kind": "ppk"})

    assert response.status_code == 302
    norm = GuardNorm.objects.get(post_kind=PostKind.PPK)
    assert (norm.personnel_per_shift, norm.remote) == (15, False)
    assert [n.pk for n in listed.context["cl"].result_list] == [norm.pk]
    assert "semua kelas" in listed.content.decode()


def test_a_norm_for_a_kind_that_is_not_an_object_is_not_offered(login, ops_admin):
    operation = OperationFactory()
    client = login(ops_admin)

    response = client.post(
        reverse("admin:deployments_guardnorm_add"),
        {
            "operation": operation.pk,
            "post_kind": PostKind.POSKO,
            "force": "POLRI",
            "personnel_per_shift": 2,
        },
    )

    assert response.status_code == 200  # the form again, with its error
    assert not GuardNorm.objects.exists()


def test_command_staff_read_the_norms_but_do_not_edit_them(login, command_staff):
    norm = GuardNormFactory()
    client = login(command_staff)

    page = client.get(reverse("admin:deployments_guardnorm_change", args=[norm.pk]))
    edit = client.post(
        reverse("admin:deployments_guardnorm_change", args=[norm.pk]),
        {
            "operation": norm.operation_id,
            "post_kind": "ppk",
            "force": "POLRI",
            "personnel_per_shift": 40,
        },
    )

    assert page.status_code == 200
    assert edit.status_code == 403
    norm.refresh_from_db()
    assert norm.personnel_per_shift == 3


def test_a_guarded_objects_page_shows_its_period_and_protectee(login, ops_admin):
    walpri = GuardedObjectFactory(kind=PostKind.WALPRI, protectee="Calon Bupati No. 1")
    posko = PostFactory()
    client = login(ops_admin)

    object_page = client.get(reverse("admin:deployments_post_change", args=[walpri.pk]))
    posko_page = client.get(reverse("admin:deployments_post_change", args=[posko.pk])).content
    listed = client.get(reverse("admin:deployments_post_changelist")).content.decode()

    assert 'name="active_from_0"' in object_page.content.decode()
    assert "Calon Bupati No. 1" in object_page.content.decode()
    assert b'name="active_from' not in posko_page and b'name="protectee"' not in posko_page
    assert "awal operasi – akhir operasi" in listed
