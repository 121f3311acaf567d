"""The coordination admin writes through coordination.services: an edit there sets what the
services set (when a status changed, who judged a readiness, whether a row is still an
estimate, who uploaded a file), by the same rule as the services' own callers."""

import re
from datetime import date, datetime

from coordination.models import ActionItem, Attachment, ReadinessItem, UnitReadiness
from coordination.services import action_item_set_status, readiness_review
from deployments.phases import WIB
from tests.coordination.helpers import pdf
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    ReadinessItemFactory,
    UnitFactory,
    UnitReadinessFactory,
)

EARLIER = datetime(2024, 11, 20, 8, 0, tzinfo=WIB)


def _action_item_form(item: ActionItem, **changes) -> dict:
    data = {
        "meeting": item.meeting_id,
        "what": item.what,
        "agency": item.agency_id,
        "person": item.person,
        "due_on": item.due_on.strftime("%d/%m/%Y"),
        "status": item.status,
        "dropped_reason": item.dropped_reason,
    }
    return data | changes


def _meeting_form(meeting, **changes) -> dict:
    data = {
        "number": meeting.number,
        "title": meeting.title,
        "kind": meeting.kind,
        "held_at_0": meeting.held_at.astimezone(WIB).strftime("%d/%m/%Y"),
        "held_at_1": meeting.held_at.astimezone(WIB).strftime("%H:%M:%S"),
        "place": meeting.place,
        "chair": meeting.chair,
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
    return data | changes


def _readiness_form(row: UnitReadiness, **changes) -> dict:
    data = {
        "unit": row.unit_id,
        "item": row.item_id,
        "status": row.status,
        "evidence": row.evidence,
        "reviewed_on": row.reviewed_on.strftime("%d/%m/%Y") if row.reviewed_on else "",
        "reviewed_by": row.reviewed_by,
    }
    if row.is_estimate:
        data["is_estimate"] = "on"
    return data | changes


def _judged_row(**fields) -> UnitReadiness:
    """A demo row: judged 'sebagian' by "demo" and still marked as an estimate."""
    return UnitReadinessFactory(
        status="partial", reviewed_on=date(2024, 11, 1), reviewed_by="demo", **fields
    )


# Follow-ups


def test_an_admin_status_change_is_recorded_as_the_service_records_it(
    login, ops_admin, election_day
):
    in_admin, by_service = ActionItemFactory(), ActionItemFactory()
    client = login(ops_admin)

    response = client.post(
        f"/admin/coordination/actionitem/{in_admin.pk}/change/",
        _action_item_form(in_admin, status="done"),
    )
    action_item_set_status(item=by_service, status="done")

    assert response.status_code == 302
    in_admin.refresh_from_db()
    by_service.refresh_from_db()
    assert (in_admin.status, in_admin.status_changed_at) == ("done", election_day)
    assert in_admin.status_changed_at == by_service.status_changed_at


def test_an_admin_edit_that_keeps_the_status_keeps_when_it_changed(login, ops_admin, election_day):
    item = ActionItemFactory(status="in_progress", status_changed_at=EARLIER)
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/actionitem/{item.pk}/change/",
        _action_item_form(item, person="Kasat Samapta", status_changed_at="27/11/2024"),
    )

    item.refresh_from_db()
    assert (item.person, item.status_changed_at) == ("Kasat Samapta", EARLIER)


def test_reopening_a_dropped_item_in_the_admin_clears_its_reason_as_the_service_does(
    login, ops_admin, election_day
):
    in_admin = ActionItemFactory(
        status="dropped", dropped_reason="Digabung", status_changed_at=EARLIER
    )
    by_service = ActionItemFactory(
        status="dropped", dropped_reason="Digabung", status_changed_at=EARLIER
    )
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/actionitem/{in_admin.pk}/change/",
        _action_item_form(in_admin, status="open"),
    )
    action_item_set_status(item=by_service, status="open", dropped_reason="Digabung")

    in_admin.refresh_from_db()
    by_service.refresh_from_db()
    assert (in_admin.status, in_admin.dropped_reason, in_admin.status_changed_at) == (
        "open",
        "",
        election_day,
    )
    assert (by_service.dropped_reason, by_service.status_changed_at) == ("", election_day)


def test_a_follow_up_added_in_the_admin_as_done_records_when(login, ops_admin, election_day):
    template = ActionItemFactory()
    client = login(ops_admin)

    response = client.post(
        "/admin/coordination/actionitem/add/",
        _action_item_form(template, what="Patroli gabungan", status="done"),
    )

    assert response.status_code == 302
    added = ActionItem.objects.get(what="Patroli gabungan")
    assert added.status_changed_at == election_day


def test_a_status_changed_in_the_meetings_inline_records_when(login, ops_admin, election_day):
    changed, untouched = ActionItemFactory(), ActionItemFactory()
    untouched.meeting = changed.meeting
    untouched.save()
    meeting = changed.meeting
    client = login(ops_admin)
    rows = {
        "action_items-TOTAL_FORMS": "3",
        "action_items-INITIAL_FORMS": "2",
        "action_items-2-what": "Sosialisasi di Desa Banjaran",
        "action_items-2-agency": changed.agency_id,
        "action_items-2-due_on": "05/12/2024",
        "action_items-2-status": "open",
    }
    for index, item in enumerate(sorted([changed, untouched], key=lambda i: (i.due_on, i.pk))):
        rows |= {
            f"action_items-{index}-id": item.pk,
            f"action_items-{index}-meeting": meeting.pk,
            f"action_items-{index}-what": item.what,
            f"action_items-{index}-agency": item.agency_id,
            f"action_items-{index}-due_on": item.due_on.strftime("%d/%m/%Y"),
            f"action_items-{index}-status": "done" if item == changed else item.status,
        }

    response = client.post(
        f"/admin/coordination/meeting/{meeting.pk}/change/", _meeting_form(meeting, **rows)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    changed.refresh_from_db()
    untouched.refresh_from_db()
    added = meeting.action_items.get(what="Sosialisasi di Desa Banjaran")
    assert (changed.status, changed.status_changed_at) == ("done", election_day)
    assert untouched.status_changed_at is None
    assert (added.status, added.status_changed_at) == ("open", None)


def test_an_attachment_added_in_the_admin_records_its_uploader(login, ops_admin):
    meeting = MeetingFactory()
    client = login(ops_admin)

    response = client.post(
        f"/admin/coordination/meeting/{meeting.pk}/change/",
        _meeting_form(
            meeting,
            **{
                "attachments-TOTAL_FORMS": "1",
                "attachments-0-title": "Daftar hadir",
                "attachments-0-file": pdf(),
            },
        ),
    )

    assert response.status_code == 302
    stored = Attachment.objects.get(meeting=meeting)
    assert (stored.uploaded_by, stored.content_type) == (ops_admin, "application/pdf")


# Asta siap


def test_an_admin_judgement_records_the_reviewer_as_the_service_does(login, ops_admin):
    in_admin, by_service = _judged_row(), _judged_row()
    client = login(ops_admin)

    response = client.post(
        f"/admin/coordination/unitreadiness/{in_admin.pk}/change/",
        _readiness_form(in_admin, status="ready", reviewed_on="20/11/2024"),
    )
    readiness_review(
        row=by_service,
        status="ready",
        evidence=by_service.evidence,
        reviewed_on=date(2024, 11, 20),
        by=ops_admin,
    )

    assert response.status_code == 302
    in_admin.refresh_from_db()
    by_service.refresh_from_db()
    # The stale "demo" gives way to whoever judged, on both paths.
    assert (in_admin.status, in_admin.reviewed_by, in_admin.is_estimate) == (
        "ready",
        "operator",
        False,
    )
    assert (by_service.reviewed_by, by_service.is_estimate) == (
        in_admin.reviewed_by,
        in_admin.is_estimate,
    )


def test_an_admin_judgement_keeps_a_reviewer_the_editor_names(login, ops_admin):
    row = _judged_row()
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/unitreadiness/{row.pk}/change/",
        _readiness_form(row, status="ready", reviewed_by="Kabag Ops"),
    )

    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.is_estimate) == ("ready", "Kabag Ops", False)


def test_an_estimate_mark_the_editor_changes_has_the_last_word(login, ops_admin):
    row = _judged_row(is_estimate=False)
    client = login(ops_admin)

    client.post(
        f"/admin/coordination/unitreadiness/{row.pk}/change/",
        _readiness_form(row, status="ready", is_estimate="on"),
    )

    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.is_estimate) == ("ready", "operator", True)


def test_a_readiness_row_added_in_the_admin_follows_the_same_rule(login, ops_admin):
    unit, item = UnitFactory(), ReadinessItemFactory()
    client = login(ops_admin)

    response = client.post(
        "/admin/coordination/unitreadiness/add/",
        {
            "unit": unit.pk,
            "item": item.pk,
            "status": "not_ready",
            "evidence": "HT belum dibagikan",
            "reviewed_on": "20/11/2024",
            "is_estimate": "on",  # as the form offers it
        },
    )

    assert response.status_code == 302
    row = UnitReadiness.objects.get(unit=unit, item=item)
    assert (row.reviewed_by, row.is_estimate) == ("operator", False)


def test_an_asta_siap_item_added_in_the_admin_is_the_commands_own(login, ops_admin):
    client = login(ops_admin)

    form = client.get("/admin/coordination/readinessitem/add/")
    response = client.post(
        "/admin/coordination/readinessitem/add/",
        {"code": "logistik", "name": "Siap logistik", "order": "9", "active": "on"},
    )

    box = re.search(r'<input[^>]*name="is_estimate"[^>]*>', form.content.decode())
    assert box is not None
    assert "checked" not in box.group()
    assert response.status_code == 302
    assert not ReadinessItem.objects.get(code="logistik").is_estimate
