"""The admin as a working tool: lists that find things, inlines where the work is, the map."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    DesaFactory,
    PostFactory,
    SprinFactory,
)


@pytest.mark.django_db
def test_tps_search_understands_how_people_name_a_tps(login, ops_admin, tps_006, tps_burengan):
    client = login(ops_admin)
    url = reverse("admin:tps_tps_changelist")

    by_name = client.get(url, {"q": "TPS 006 Burengan"})
    by_code = client.get(url, {"q": "3571011001006"})
    by_desa = client.get(url, {"q": "bandar"})

    assert [t.pk for t in by_name.context["cl"].result_list] == [tps_burengan.pk]
    assert [t.pk for t in by_code.context["cl"].result_list] == [tps_006.pk]
    assert [t.pk for t in by_desa.context["cl"].result_list] == [tps_006.pk]


@pytest.mark.django_db
def test_personnel_search_finds_an_nrp_written_with_spaces(login, ops_admin, officer):
    client = login(ops_admin)

    response = client.get(reverse("admin:deployments_personnel_changelist"), {"q": "8506 1234"})

    assert [p.pk for p in response.context["cl"].result_list] == [officer.pk]
    assert "Andi Wijaya" in response.content.decode()


@pytest.mark.django_db
def test_assignment_list_is_filtered_by_kecamatan_and_searched_by_sprin(
    login, ops_admin, officer, tps_006, tps_b
):
    sprin = SprinFactory(number="Sprin/2301/XI/OPS.1.3./2024")
    mine = AssignmentFactory(personnel=officer, tps=[tps_006], sprin=sprin)
    AssignmentFactory(tps=[tps_b])
    client = login(ops_admin)
    url = reverse("admin:deployments_assignment_changelist")

    by_kecamatan = client.get(url, {"kecamatan": tps_006.desa.kecamatan_id})
    by_sprin = client.get(url, {"q": "2301/XI"})
    page = by_kecamatan.content.decode()

    assert [a.pk for a in by_kecamatan.context["cl"].result_list] == [mine.pk]
    assert [a.pk for a in by_sprin.context["cl"].result_list] == [mine.pk]
    assert "TPS 006 Bandar Lor" in page
    assert "kecamatan / Polsek" in page  # the filter's title, in Indonesian
    assert by_kecamatan.context["cl"].date_hierarchy == "starts_at"


@pytest.mark.django_db
def test_the_tps_page_lists_its_guards_and_offers_to_add_one(login, ops_admin, officer, tps_006):
    AssignmentFactory(personnel=officer, tps=[tps_006])
    client = login(ops_admin)

    page = client.get(reverse("admin:tps_tps_change", args=[tps_006.pk]))

    text = page.content.decode()
    assert "penjaga TPS ini" in text.lower() or "Penjaga TPS ini" in text
    assert "Andi Wijaya" in text
    assert 'name="Assignment_tps-TOTAL_FORMS"' in text
    assert "admin/js/inlines.js" in text  # the "add another" row of the inline


@pytest.mark.django_db
def test_a_person_and_a_sprin_show_their_assignments(login, ops_admin, officer, tps_006):
    sprin = SprinFactory(date=date(2024, 11, 20))
    AssignmentFactory(personnel=officer, tps=[tps_006], sprin=sprin)
    client = login(ops_admin)

    person = client.get(reverse("admin:deployments_personnel_change", args=[officer.pk]))
    order = client.get(reverse("admin:deployments_sprin_change", args=[sprin.pk]))
    orders = client.get(reverse("admin:deployments_sprin_changelist"))

    assert "TPS 006 Bandar Lor" in person.content.decode()
    assert "Andi Wijaya" in order.content.decode()
    assert "TPS 006 Bandar Lor" in order.content.decode()
    assert orders.context["cl"].date_hierarchy == "date"


@pytest.mark.django_db
def test_a_meeting_shows_its_attendance_statements_and_action_items(login, ops_admin):
    from tests.factories import ActionItemFactory, AttendanceFactory, StatementFactory

    action = ActionItemFactory(what="Patroli malam di TPS rawan")
    meeting = action.meeting
    AttendanceFactory(meeting=meeting)
    StatementFactory(meeting=meeting)
    client = login(ops_admin)

    page = client.get(reverse("admin:coordination_meeting_change", args=[meeting.pk]))

    formsets = {f.formset.prefix for f in page.context["inline_admin_formsets"]}
    assert {"attendance", "statements", "action_items"} <= formsets
    assert "Patroli malam di TPS rawan" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["tps_tps", "deployments_post"])
def test_tps_and_post_forms_carry_the_map_widget_from_static_files(login, ops_admin, name):
    client = login(ops_admin)

    page = client.get(reverse(f"admin:{name}_add"))

    text = page.content.decode()
    assert 'class="opsboard-point-map"' in text
    assert 'data-lat-input="id_latitude"' in text
    assert 'data-boundary-url="/admin/tps/desa/0/boundary/"' in text
    assert "/static/leaflet/leaflet.js" in text
    assert "/static/admin-extra/point_map.js" in text
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert all("application/json" in tag for tag in inline_scripts), inline_scripts


@pytest.mark.django_db
def test_the_post_list_filters_by_kind_and_kecamatan(login, ops_admin, bandar_lor):
    post = PostFactory(name="Pos Pam Bandar Lor", kind="pos_pam", desa=bandar_lor)
    PostFactory(name="Posko KPU")
    client = login(ops_admin)

    response = client.get(
        reverse("admin:deployments_post_changelist"),
        {"kind__exact": "pos_pam", "kecamatan": bandar_lor.kecamatan_id},
    )

    assert [p.pk for p in response.context["cl"].result_list] == [post.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("extra_desa", [0, 100])
def test_the_boundary_json_is_one_query(
    login, ops_admin, bandar_lor, extra_desa, django_assert_num_queries
):
    for n in range(extra_desa):
        DesaFactory(
            kecamatan=bandar_lor.kecamatan, code=f"3571012{n:03d}", boundary=bandar_lor.boundary
        )
    client = login(ops_admin)

    # session, the user with their role, user and group permissions (view_desa), the desa's
    # boundary.
    with django_assert_num_queries(5):
        response = client.get(reverse("admin:tps_desa_boundary", args=[bandar_lor.pk]))

    assert response.json()["geometry"] == bandar_lor.boundary


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 400])
def test_the_import_preview_page_issues_a_fixed_number_of_queries(
    login, ops_admin, polsek_mojoroto, rows, django_assert_num_queries
):
    from deployments.imports import import_job_create, import_job_validate
    from tests.admin.helpers import PERSONNEL_COLUMNS, row, xlsx

    content = xlsx(
        PERSONNEL_COLUMNS,
        [
            row(
                PERSONNEL_COLUMNS,
                matra="Polri",
                nrp_no_registrasi=f"{85000000 + n}",
                nama=f"Petugas {n}",
                pangkat="Bripka",
                satuan="Polsek Mojoroto",
            )
            for n in range(rows)
        ],
    )
    job = import_job_create(
        kind="personnel", file_name="p.xlsx", content=content, background=False, by=ops_admin
    )
    import_job_validate(job_id=job.pk)
    client = login(ops_admin)

    # session, the user with their role, the job with its preview, permissions (2), its
    # uploader.
    with django_assert_num_queries(6):
        response = client.get(reverse("admin:deployments_importjob_change", args=[job.pk]))

    assert response.status_code == 200
    assert "Konfirmasi impor" in response.content.decode()
