"""Who may do what in the admin: command staff read only; Polsek staff their kecamatan only."""

import pytest
from django.urls import reverse

from deployments.models import Assignment
from tests.admin.helpers import admin_post
from tests.factories import AssignmentFactory, DesaFactory, PersonnelFactory, PolsekFactory


@pytest.mark.django_db
def test_command_staff_see_the_lists_without_any_action_that_writes(
    login, command_staff, tps_006, officer
):
    client = login(command_staff)

    for name in ("tps_tps", "deployments_personnel", "deployments_assignment"):
        page = client.get(reverse(f"admin:{name}_changelist"))
        text = page.content.decode()
        assert page.status_code == 200
        assert 'name="action"' not in text  # no bulk action at all: every one writes
        assert "Impor XLSX/CSV" not in text
        assert "Ekspor XLSX" in text  # reading out is reading


@pytest.mark.django_db
def test_command_staff_see_a_read_only_form_and_cannot_post_it(login, command_staff, tps_006):
    client = login(command_staff)
    url = reverse("admin:tps_tps_change", args=[tps_006.pk])

    page = client.get(url)
    posted = client.post(url, {"number": 7})

    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in text
    assert 'name="latitude"' not in text
    assert "opsboard-point-map" in text  # the map still shows the point, read-only
    assert posted.status_code == 403
    tps_006.refresh_from_db()
    assert tps_006.number == 6


@pytest.mark.django_db
def test_command_staff_cannot_revert_history(login, command_staff, ops_admin, officer):
    officer.name = "Andi W."
    officer._history_user = ops_admin
    officer.save()
    first = officer.history.last()
    client = login(command_staff)
    url = reverse("admin:deployments_personnel_simple_history", args=[officer.pk, first.history_id])

    from tests.admin.helpers import form_values

    complete = form_values(login(ops_admin).get(url).content.decode(), "historicalpersonnel_form")
    client = login(command_staff)
    page = client.get(url)
    posted = client.post(url, complete)

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert complete["name"] == ["Andi Wijaya"]
    assert posted.status_code == 403
    officer.refresh_from_db()
    assert officer.name == "Andi W."


@pytest.mark.django_db
def test_polsek_staff_with_edit_rights_list_only_their_kecamatan(
    login, polsek_editor, tps_006, tps_b, officer
):
    other = PersonnelFactory(unit=PolsekFactory(kecamatan=tps_b.desa.kecamatan), name="Orang Lain")
    AssignmentFactory(personnel=officer, tps=[tps_006])
    AssignmentFactory(personnel=other, tps=[tps_b])
    client = login(polsek_editor)

    tps_list = client.get(reverse("admin:tps_tps_changelist"))
    people = client.get(reverse("admin:deployments_personnel_changelist"))
    duties = client.get(reverse("admin:deployments_assignment_changelist"))

    assert [t.pk for t in tps_list.context["cl"].result_list] == [tps_006.pk]
    assert [p.pk for p in people.context["cl"].result_list] == [officer.pk]
    assert [a.personnel_id for a in duties.context["cl"].result_list] == [officer.pk]


@pytest.mark.django_db
def test_polsek_staff_cannot_open_or_edit_another_kecamatans_tps(login, polsek_editor, tps_b):
    client = login(polsek_editor)
    url = reverse("admin:tps_tps_change", args=[tps_b.pk])

    page = client.get(url)
    posted = client.post(url, {"desa": tps_b.desa_id, "number": 9})

    assert page.status_code == 302  # "does not exist", as for an unknown id
    assert posted.status_code == 302
    tps_b.refresh_from_db()
    assert tps_b.number == 1


@pytest.mark.django_db
def test_polsek_staff_edit_their_own_tps_with_history(login, polsek_editor, tps_006):
    client = login(polsek_editor)

    response = admin_post(
        client,
        reverse("admin:tps_tps_change", args=[tps_006.pk]),
        "tps_form",
        {"registered_voters": 612},
    )

    assert response.status_code == 302
    tps_006.refresh_from_db()
    assert tps_006.registered_voters == 612
    assert tps_006.history.first().history_user == polsek_editor


@pytest.mark.django_db
def test_polsek_staff_cannot_move_a_tps_into_another_kecamatan(
    login, polsek_editor, tps_006, pesantren
):
    elsewhere = DesaFactory(kecamatan=pesantren, code="3571031005", name="Ngronggo")
    client = login(polsek_editor)

    response = admin_post(
        client,
        reverse("admin:tps_tps_change", args=[tps_006.pk]),
        "tps_form",
        {"desa": elsewhere.pk},
    )

    assert response.status_code == 200
    tps_006.refresh_from_db()
    assert tps_006.desa.name == "Bandar Lor"


@pytest.mark.django_db
def test_polsek_staff_cannot_edit_rows_of_the_whole_polres(login, polsek_editor):
    from django.contrib.auth.models import Permission

    polsek_editor.user_permissions.add(*Permission.objects.filter(codename="change_sprin"))
    from tests.factories import SprinFactory

    sprin = SprinFactory()
    client = login(polsek_editor)

    page = client.get(reverse("admin:deployments_sprin_change", args=[sprin.pk]))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.django_db
def test_polsek_staff_do_not_see_another_kecamatans_desa_boundary(
    login, polsek_editor, bandar_lor, tps_b
):
    client = login(polsek_editor)

    own = client.get(reverse("admin:tps_desa_boundary", args=[bandar_lor.pk]))
    other = client.get(reverse("admin:tps_desa_boundary", args=[tps_b.desa_id]))

    assert own.status_code == 200
    assert own.json()["properties"]["name"] == "Bandar Lor"
    assert own.json()["geometry"]["type"] == "Polygon"
    assert other.status_code == 404


@pytest.mark.django_db
def test_polsek_staff_cannot_import(login, polsek_editor):
    from django.contrib.auth.models import Permission

    polsek_editor.user_permissions.add(*Permission.objects.filter(codename="add_importjob"))
    client = login(polsek_editor)

    response = client.get(reverse("admin:deployments_importjob_add"))

    assert response.status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_polsek_staff_fill_gaps_only_with_people_of_their_kecamatan(
    login, polsek_editor, pattern, tps_006, polsek_mojoroto, tps_b
):
    from django.contrib.admin import helpers

    own = [PersonnelFactory(unit=polsek_mojoroto, name=f"Mojoroto {n}") for n in range(2)]
    PersonnelFactory(unit=PolsekFactory(kecamatan=tps_b.desa.kecamatan), name="Pesantren 1")
    client = login(polsek_editor)

    preview = client.post(
        reverse("admin:tps_tps_changelist"),
        {"action": "fill_gaps", helpers.ACTION_CHECKBOX_NAME: [tps_006.pk]},
    )

    # A lone TPS gets its share of the pattern's pair, so one of the two may be enough.
    proposed = {item.personnel.pk for item in preview.context["proposal"].items}
    assert proposed
    assert proposed <= {p.pk for p in own}


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["importjob", "staffprofile"])
def test_polsek_staff_given_the_right_still_cannot_read_rows_of_every_kecamatan(
    login, polsek_editor, ops_admin, model
):
    from django.contrib.auth.models import Permission

    polsek_editor.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    url = reverse(f"admin:deployments_{model}_changelist")

    assert login(polsek_editor).get(url).status_code == 403
    assert login(ops_admin).get(url).status_code == 200
