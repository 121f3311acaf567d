"""A published minute is locked: it cannot be edited, only revised, and earlier text stays."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from coordination.models import Attendance, Decision, Meeting, MinutesRevision
from coordination.services import minutes_publish, minutes_revise
from tests.factories import AgencyFactory, AttendanceFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_publishing_copies_the_draft_into_revision_one_with_who(published_meeting, superuser):
    meeting = MeetingFactory(minutes="Draf rapat.")

    revision = minutes_publish(meeting=meeting, by=superuser)

    assert (revision.number, revision.text, revision.reason) == (1, "Draf rapat.", "")
    assert revision.published_by == superuser
    assert revision.published_by_name == "root"
    assert meeting.is_published


def test_a_published_minute_cannot_be_published_again(published_meeting):
    with pytest.raises(ValidationError, match="sudah diterbitkan"):
        minutes_publish(meeting=published_meeting)

    assert published_meeting.revisions.count() == 1


def test_an_empty_draft_cannot_be_published():
    meeting = MeetingFactory(minutes="  ")

    with pytest.raises(ValidationError, match="kosong"):
        minutes_publish(meeting=meeting)

    assert not MinutesRevision.objects.exists()


def test_editing_a_published_minute_in_a_form_is_refused(published_meeting):
    published_meeting.minutes = "Teks yang diam-diam diubah."

    with pytest.raises(ValidationError) as excinfo:
        published_meeting.full_clean()

    assert "minutes" in excinfo.value.message_dict
    assert "revisi baru" in excinfo.value.message_dict["minutes"][0]


def test_the_header_of_a_published_minute_is_locked_too(published_meeting):
    published_meeting.place = "Tempat lain"

    with pytest.raises(ValidationError) as excinfo:
        published_meeting.full_clean()

    assert list(excinfo.value.message_dict) == ["place"]


def test_a_draft_meeting_stays_editable():
    meeting = MeetingFactory(minutes="Draf.")
    meeting.minutes = "Draf yang diperbaiki."

    meeting.full_clean()

    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Draf yang diperbaiki."


def test_revision_row_cannot_be_edited_through_its_clean(published_meeting):
    revision = published_meeting.revisions.get()
    revision.text = "diubah"

    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        revision.full_clean()


def test_the_database_refuses_to_update_a_published_revision(published_meeting):
    revision = published_meeting.revisions.get()

    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        MinutesRevision.objects.filter(pk=revision.pk).update(text="ditimpa lewat SQL")

    assert MinutesRevision.objects.get(pk=revision.pk).text == revision.text


def test_a_correction_is_a_new_revision_with_who_and_why(published_meeting, ops_admin):
    revision = minutes_revise(
        meeting=published_meeting,
        text="# Notulen\n\nTeks yang dikoreksi.",
        reason="Salah tulis jumlah personel.",
        by=ops_admin,
    )

    assert revision.number == 2
    assert revision.reason == "Salah tulis jumlah personel."
    assert revision.published_by_name == "operator"
    first = published_meeting.revisions.get(number=1)
    assert first.text == "# Notulen\n\nTeks asli yang diterbitkan."  # untouched
    assert Meeting.objects.get(pk=published_meeting.pk).minutes.endswith("dikoreksi.")


def test_a_correction_needs_a_reason(published_meeting):
    with pytest.raises(ValidationError, match="alasan"):
        minutes_revise(meeting=published_meeting, text="Teks baru.", reason=" ")

    assert published_meeting.revisions.count() == 1


def test_the_database_refuses_a_correction_without_a_reason(published_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesRevision.objects.create(
            meeting=published_meeting, number=2, text="x", published_at=published_meeting.held_at
        )


def test_a_draft_cannot_be_corrected_before_it_is_published():
    meeting = MeetingFactory(minutes="Draf.")

    with pytest.raises(ValidationError, match="belum diterbitkan"):
        minutes_revise(meeting=meeting, text="Lain.", reason="Alasan.")


def test_attendance_and_decisions_of_a_published_minute_are_locked():
    meeting = MeetingFactory(minutes="Draf.")
    row = AttendanceFactory(meeting=meeting, person_name="Nama")
    DecisionFactory(meeting=meeting)
    minutes_publish(meeting=meeting)
    row.person_name = "Nama lain"
    new_decision = Decision(meeting=meeting, text="Keputusan tambahan")

    with pytest.raises(ValidationError, match="terkunci"):
        row.full_clean()
    with pytest.raises(ValidationError, match="terkunci"):
        new_decision.full_clean()
    unchanged = Attendance.objects.get(pk=row.pk)
    unchanged.full_clean()  # an unchanged row (the admin re-validates every inline) passes


def test_earlier_revisions_stay_readable_on_the_meeting_page(
    login, command_staff, published_meeting
):
    minutes_revise(meeting=published_meeting, text="Teks koreksi kedua.", reason="Koreksi ejaan.")
    client = login(command_staff)

    latest = client.get(published_meeting.get_absolute_url()).content.decode()
    first = client.get(published_meeting.get_absolute_url(), {"revisi": 1}).content.decode()

    assert "Teks koreksi kedua." in latest
    assert "Koreksi ejaan." in latest
    assert "Teks asli yang diterbitkan." in first
    assert "Ini bukan revisi terakhir." in first


def test_an_unknown_revision_number_is_not_found(login, command_staff, published_meeting):
    client = login(command_staff)

    responses = [
        client.get(published_meeting.get_absolute_url(), {"revisi": value})
        for value in ("9", "x", "-1")
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


# Through the admin


def _change_form(meeting: Meeting, **changes) -> dict:
    data = {
        "number": meeting.number,
        "title": meeting.title,
        "kind": meeting.kind,
        "held_at_0": meeting.held_at.astimezone().strftime("%d/%m/%Y"),
        "held_at_1": meeting.held_at.astimezone().strftime("%H:%M:%S"),
        "place": meeting.place,
        "chair": meeting.chair,
        "chair_position": meeting.chair_position,
        "minute_taker": meeting.minute_taker,
        "minute_taker_position": meeting.minute_taker_position,
        "minutes": meeting.minutes,
        "issues_raised": meeting.issues_raised,
    }
    for prefix in (
        "agenda_items",
        "attendance",
        "statements",
        "decisions",
        "action_items",
        "attachments",
        "revisions",
    ):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data.update(changes)
    return data


def test_admin_edits_a_draft_meeting(login, ops_admin):
    meeting = MeetingFactory(minutes="Draf.")
    client = login(ops_admin)

    response = client.post(
        f"/admin/coordination/meeting/{meeting.pk}/change/",
        _change_form(meeting, minutes="Draf diperbaiki admin."),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Draf diperbaiki admin."


def test_admin_cannot_change_the_text_of_a_published_minute(login, ops_admin, published_meeting):
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/meeting/{published_meeting.pk}/change/",
        _change_form(published_meeting, minutes="Diubah lewat admin.", place="Aula lain"),
    )

    published_meeting.refresh_from_db()
    assert published_meeting.minutes == "# Notulen\n\nTeks asli yang diterbitkan."
    assert published_meeting.place == "Gedung Rupatama Polres Kediri Kota"
    assert published_meeting.revisions.get().text == published_meeting.minutes


def test_admin_corrects_a_published_minute_by_adding_a_revision(
    login, ops_admin, published_meeting
):
    client = login(ops_admin)

    refused = client.post(
        "/admin/coordination/minutesrevision/add/",
        {"meeting": published_meeting.pk, "text": "Koreksi tanpa alasan.", "reason": ""},
    )
    accepted = client.post(
        "/admin/coordination/minutesrevision/add/",
        {"meeting": published_meeting.pk, "text": "Koreksi.", "reason": "Salah nama."},
    )

    assert refused.status_code == 200  # the form again, with its message
    assert "koreksi memerlukan alasan" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(published_meeting.revisions.values_list("number", "reason")) == [
        (1, ""),
        (2, "Salah nama."),
    ]


def test_admin_action_publishes_a_draft(login, ops_admin):
    meeting = MeetingFactory(minutes="Draf untuk diterbitkan.")
    client = login(ops_admin)

    client.post(
        "/admin/coordination/meeting/",
        {"action": "publish_minutes", "_selected_action": [meeting.pk]},
    )

    assert meeting.revisions.get().published_by == ops_admin


def test_command_staff_cannot_edit_in_the_admin(login, command_staff):
    meeting = MeetingFactory(minutes="Draf.")
    client = login(command_staff)

    response = client.post(
        f"/admin/coordination/meeting/{meeting.pk}/change/", _change_form(meeting, minutes="x")
    )
    revision = client.post(
        "/admin/coordination/minutesrevision/add/",
        {"meeting": meeting.pk, "text": "x", "reason": "y"},
    )

    assert response.status_code == 403
    assert revision.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Draf."


def test_admin_view_on_site_leads_to_the_meeting_page(login, ops_admin):
    meeting = MeetingFactory()
    AgencyFactory()
    client = login(ops_admin)

    response = client.get(f"/admin/coordination/meeting/{meeting.pk}/change/")

    assert response.status_code == 200
    assert meeting.get_absolute_url() == f"/rapat/{meeting.pk}/"
    assert "/admin/r/" in response.content.decode()  # the admin's "Lihat di situs" link


def test_admin_pages_of_coordination_open_for_admins(login, ops_admin, published_meeting):
    from coordination.services import attachment_add, readiness_items_ensure_defaults
    from tests.coordination.helpers import pdf
    from tests.factories import ActionItemFactory, UnitReadinessFactory

    attachment_add(meeting=published_meeting, file=pdf(), title="Daftar hadir")
    ActionItemFactory(meeting=published_meeting)
    UnitReadinessFactory(item=readiness_items_ensure_defaults()[0])
    client = login(ops_admin)

    pages = {
        path: client.get(path)
        for path in (
            f"/admin/coordination/meeting/{published_meeting.pk}/change/",
            "/admin/coordination/meeting/add/",
            "/admin/coordination/minutesrevision/",
            "/admin/coordination/minutesrevision/add/",
            f"/admin/coordination/minutesrevision/{published_meeting.revisions.get().pk}/change/",
            "/admin/coordination/readinessitem/",
            "/admin/coordination/unitreadiness/",
            "/admin/coordination/actionitem/",
        )
    }

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    change_page = next(iter(pages.values())).content.decode()
    assert 'name="minutes"' not in change_page  # locked: shown, not offered for editing
    assert "/rapat/lampiran/rapat-" in change_page  # the attachment links to the checked view
