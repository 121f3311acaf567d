"""Who sees coordination: field officers nothing, command and Polsek staff read, admins too
(and edit in the admin, see test_minutes_revisions.py)."""

import pytest

from coordination.services import attachment_add, minutes_publish
from tests.coordination.helpers import pdf
from tests.factories import ActionItemFactory, AttendanceFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

READERS = ("polsek_staff", "polsek_staff_other", "command_staff", "ops_admin", "superuser")


@pytest.fixture
def paths(db):
    meeting = MeetingFactory(minutes="Notulen rahasia dinas.")
    AttendanceFactory(meeting=meeting)
    ActionItemFactory(meeting=meeting)
    minutes_publish(meeting=meeting)
    attachment = attachment_add(meeting=meeting, file=pdf(), title="Daftar hadir")
    return [
        "/rapat/",
        f"/rapat/{meeting.pk}/",
        f"/rapat/{meeting.pk}/cetak/",
        attachment.get_absolute_url(),
        "/rapat/tindak-lanjut/",
        "/rapat/asta-siap/",
        "/rapat/perubahan/",
        "/rapat/panel/",
    ]


@pytest.mark.parametrize("persona", READERS)
def test_command_polsek_staff_and_admins_read_every_coordination_page(
    request, login, paths, persona
):
    client = login(request.getfixturevalue(persona))

    statuses = {path: client.get(path).status_code for path in paths}

    assert statuses == dict.fromkeys(paths, 200)


def test_field_officers_see_nothing_of_it_and_go_to_their_own_page(login, field_officer, paths):
    client = login(field_officer)

    responses = [client.get(path) for path in paths]

    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/me/")] * len(paths)


def test_anonymous_visitors_are_sent_to_the_login_page(login, paths):
    client = login(None)

    responses = [client.get(path) for path in paths]

    assert all(r.status_code == 302 for r in responses)
    assert all(r["Location"].startswith("/accounts/login/?next=") for r in responses)


def test_a_signed_in_user_without_a_role_is_refused(login, paths):
    client = login(UserFactory(username="tanpa.peran"))

    responses = [client.get(path) for path in paths]

    assert [r.status_code for r in responses] == [403] * len(paths)
    assert all(b"rahasia" not in r.content for r in responses)


def test_an_htmx_request_from_an_expired_session_is_redirected_by_htmx(login, paths):
    client = login(None)

    response = client.get("/rapat/panel/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_admin_shows_a_link_to_edit_and_command_staff_do_not_get_it(
    login, ops_admin, command_staff, paths
):
    meeting_page = paths[1]

    as_admin = login(ops_admin).get(meeting_page).content.decode()
    as_command = login(command_staff).get(meeting_page).content.decode()

    assert "Ubah di admin" in as_admin
    assert "Ubah di admin" not in as_command
