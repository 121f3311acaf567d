"""Every rule, refused through the admin's forms with a clear Indonesian message."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from deployments.models import Assignment, Personnel, PostKind
from tests.admin.helpers import admin_post
from tests.factories import AssignmentFactory, LinmasFactory, PostFactory, TPSFactory, phase
from tps.models import TPS


def _add_assignment(client, **changes):
    url = reverse("admin:deployments_assignment_add")
    pemungutan = phase()
    values = {
        "phase": pemungutan.pk,
        "kind": PostKind.PAM_TPS,
        "starts_at_0": "2024-11-26",
        "starts_at_1": "13:00",
        "ends_at_0": "2024-11-28",
        "ends_at_1": "18:00",
        "status": Assignment.Status.ACTIVE,
        **changes,
    }
    return admin_post(client, url, "assignment_form", values)


@pytest.mark.django_db
def test_admin_refuses_an_overlapping_assignment_naming_the_other(login, ops_admin, officer):
    client = login(ops_admin)
    posko = PostFactory(name="Posko Ops Polres Kediri Kota")
    first = AssignmentFactory(personnel=officer, kind=PostKind.POSKO, post=posko)

    response = _add_assignment(client, personnel=officer.pk, tps=[TPSFactory().pk])

    assert response.status_code == 200
    text = response.content.decode()
    assert "tumpang tindih" in text
    assert "Posko Ops Polres Kediri Kota" in text
    assert Assignment.objects.filter(personnel=officer).count() == 1
    assert first.pk


@pytest.mark.django_db
def test_admin_refuses_a_linmas_at_a_tps_of_another_desa(
    login, ops_admin, linmas_bandar_lor, tps_burengan
):
    client = login(ops_admin)

    response = _add_assignment(client, personnel=linmas_bandar_lor.pk, tps=[tps_burengan.pk])

    assert response.status_code == 200
    assert "menjaga TPS di desanya sendiri" in response.content.decode()
    assert "TPS 006 Burengan" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_the_linmas_override_without_a_reason(
    login, ops_admin, linmas_bandar_lor, tps_burengan
):
    client = login(ops_admin)

    response = _add_assignment(
        client,
        personnel=linmas_bandar_lor.pk,
        tps=[tps_burengan.pk],
        linmas_other_desa="on",
        linmas_other_desa_reason="   ",
    )

    assert response.status_code == 200
    assert "Tuliskan alasan" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_admin_accepts_the_linmas_override_with_a_reason_kept_in_the_history(
    login, ops_admin, linmas_bandar_lor, tps_burengan
):
    client = login(ops_admin)

    response = _add_assignment(
        client,
        personnel=linmas_bandar_lor.pk,
        tps=[tps_burengan.pk],
        linmas_other_desa="on",
        linmas_other_desa_reason="Linmas Burengan kurang dua orang (rapat 20/11).",
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    record = assignment.history.first()
    assert record.linmas_other_desa is True
    assert record.linmas_other_desa_reason.startswith("Linmas Burengan kurang")
    assert record.history_user == ops_admin
    assert [t.tps_id for t in record.tps.all()] == [tps_burengan.pk]


@pytest.mark.django_db
def test_the_database_refuses_an_override_without_a_reason(linmas_bandar_lor):
    assignment = AssignmentFactory(personnel=linmas_bandar_lor)

    with pytest.raises(IntegrityError):
        Assignment.objects.filter(pk=assignment.pk).update(
            linmas_other_desa=True, linmas_other_desa_reason=" "
        )


@pytest.mark.django_db
def test_adding_a_guard_on_the_tps_page_checks_the_linmas_desa(
    login, ops_admin, linmas_bandar_lor, tps_006, tps_burengan
):
    client = login(ops_admin)
    assignment = AssignmentFactory(personnel=linmas_bandar_lor, tps=[tps_006])
    url = reverse("admin:tps_tps_change", args=[tps_burengan.pk])
    prefix = "Assignment_tps"

    response = admin_post(
        client,
        url,
        "tps_form",
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-0-assignment": assignment.pk,
            f"{prefix}-0-tps": tps_burengan.pk,
        },
    )

    assert response.status_code == 200
    assert "menjaga TPS di desanya sendiri" in response.content.decode()
    assert list(assignment.tps.all()) == [tps_006]


@pytest.mark.django_db
def test_adding_a_guard_on_the_tps_page_extends_the_assignment_with_history(
    login, ops_admin, officer, tps_006, tps_burengan
):
    client = login(ops_admin)
    assignment = AssignmentFactory(personnel=officer, tps=[tps_006])
    url = reverse("admin:tps_tps_change", args=[tps_burengan.pk])
    prefix = "Assignment_tps"

    response = admin_post(
        client,
        url,
        "tps_form",
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-0-assignment": assignment.pk,
            f"{prefix}-0-tps": tps_burengan.pk,
        },
    )

    assert response.status_code == 302
    assert set(assignment.tps.all()) == {tps_006, tps_burengan}
    latest = assignment.history.first()
    assert latest.history_user == ops_admin
    assert {r.tps_id for r in latest.tps.all()} == {tps_006.pk, tps_burengan.pk}


@pytest.mark.django_db
def test_admin_refuses_a_polri_nrp_that_is_not_8_digits(login, ops_admin, polsek_mojoroto):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:deployments_personnel_add"),
        "personnel_form",
        {
            "force": "POLRI",
            "unit": polsek_mojoroto.pk,
            "rank": "Bripka",
            "identifier": "8506123",
            "name": "Andi Wijaya",
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert "NRP Polri terdiri atas 8 angka" in response.content.decode()
    assert not Personnel.objects.exists()


@pytest.mark.django_db
def test_admin_normalises_the_phone_and_strips_spaces_in_the_nrp(login, ops_admin, polsek_mojoroto):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:deployments_personnel_add"),
        "personnel_form",
        {
            "force": "POLRI",
            "unit": polsek_mojoroto.pk,
            "rank": "Bripka",
            "identifier": "8506 1234",
            "name": "Andi Wijaya",
            "phone": "+62 812-3456-7890",
            "active": "on",
        },
    )

    assert response.status_code == 302
    person = Personnel.objects.get()
    assert person.identifier == "85061234"
    assert person.phone == "+6281234567890"
    assert str(person) == "Bripka Andi Wijaya (NRP 85061234)"


@pytest.mark.django_db
def test_admin_refuses_a_phone_that_is_not_indonesian(login, ops_admin, polsek_mojoroto):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:deployments_personnel_add"),
        "personnel_form",
        {
            "force": "POLRI",
            "unit": polsek_mojoroto.pk,
            "rank": "Bripka",
            "identifier": "85061234",
            "name": "Andi Wijaya",
            "phone": "12345",
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert "Nomor telepon tidak valid" in response.content.decode()


@pytest.mark.django_db
def test_admin_refuses_a_tps_point_outside_its_kecamatan(login, ops_admin, tps_006):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:tps_tps_change", args=[tps_006.pk]),
        "tps_form",
        {"latitude": "-7.600000", "longitude": "111.700000"},
    )

    assert response.status_code == 200
    assert "di luar Bandar Lor dan di luar Kecamatan Mojoroto" in response.content.decode()
    tps_006.refresh_from_db()
    assert str(tps_006.latitude) == "-7.815000"


@pytest.mark.django_db
def test_admin_warns_about_a_tps_point_outside_its_desa_but_inside_the_kecamatan(
    login, ops_admin, tps_006
):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:tps_tps_change", args=[tps_006.pk]),
        "tps_form",
        {"latitude": "-7.815000", "longitude": "111.995000"},
    )

    assert response.status_code == 302
    tps_006.refresh_from_db()
    assert str(tps_006.longitude) == "111.995000"
    page = client.get(response["Location"])
    assert "di luar batas Bandar Lor, tetapi masih di Kecamatan Mojoroto" in page.content.decode()


@pytest.mark.django_db
def test_admin_refuses_a_post_point_outside_its_kecamatan(login, ops_admin, bandar_lor):
    client = login(ops_admin)

    response = admin_post(
        client,
        reverse("admin:deployments_post_add"),
        "post_form",
        {
            "kind": PostKind.POS_PAM,
            "name": "Pos Pam Bandar Lor",
            "desa": bandar_lor.pk,
            "latitude": "-7.600000",
            "longitude": "111.700000",
        },
    )

    assert response.status_code == 200
    assert "di luar Bandar Lor" in response.content.decode()


@pytest.mark.django_db
def test_tps_and_personnel_read_as_people_say_them(tps_006, officer):
    assert str(tps_006) == "TPS 006 Bandar Lor"
    assert str(officer) == "Bripka Andi Wijaya (NRP 85061234)"
    assert str(TPS.objects.get(pk=tps_006.pk)) == "TPS 006 Bandar Lor"
    assert "Sutrisno" in str(AssignmentFactory(personnel=LinmasFactory(name="Sutrisno")))
