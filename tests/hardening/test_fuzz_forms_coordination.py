"""Coordination, fuzzed: the /rapat/ pages' filters and search, and the admin's forms that write
it (a meeting with its notulen parts, follow-ups and attachments; a minutes revision; a
follow-up). A 2xx/3xx, or a 4xx with a message (the Django admin keeps its own way: the form
again, status 200, with its errors); never a 500; a refused submission writes nothing, and a
refused attachment leaves no file behind.
"""

from pathlib import Path

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from coordination.models import ActionItem, Agency, Attachment, Meeting
from coordination.services import minutes_publish
from tests.factories import (
    ActionItemFactory,
    AgencyFactory,
    AttendanceFactory,
    MeetingFactory,
)
from tests.hardening.conftest import FUZZ
from tests.hardening.fuzz_forms import (
    PDF,
    PNG,
    check_answer,
    content_types,
    file_names,
    form_data,
    garbage,
    query,
    row_counts,
    upload,
    uploads,
    written,
)

# Each test fuzzes one group of URLs that read the same parameters; {pk} is a meeting's.
READS = {
    "meetings": (["/rapat/"], ["q", "agency", "kind", "dari", "sampai", "page"]),
    "follow-ups": (["/rapat/tindak-lanjut/"], ["status", "agency", "terlambat", "page"]),
    "changes": (["/rapat/perubahan/"], ["dari", "sampai"]),
    "meeting": (["/rapat/{pk}/", "/rapat/{pk}/cetak/"], ["revisi"]),
    # These take no parameters: whatever comes is ignored.
    "panels": (["/rapat/asta-siap/", "/rapat/panel/"], ["unit", "page"]),
}
INLINES = (
    "agenda_items",
    "attendance",
    "statements",
    "decisions",
    "action_items",
    "attachments",
    "revisions",
)
# What an accepted meeting form may write besides its own rows: the admin's log, and the
# open follow-ups of earlier meetings carried onto a new meeting's agenda.
MEETING_TABLES = {
    "coordination_meeting",
    "coordination_decision",
    "coordination_actionitem",
    "coordination_attachment",
    "coordination_agendaitem",
    "django_admin_log",
}
# A tampered management form. Up to 2,000 (Django's absolute_max) builds that many empty forms
# per inline, seconds of work each time: bounded, and no 500, but too slow for the suite.
TAMPERED_COUNTS = st.sampled_from(["", "abc", "-1", "1.5", "\x00", "²", "3", "0"])
dates = st.sampled_from(["13/08/2024", "2024-08-13", "31/12/2024", "01/01/2025"])
times = st.sampled_from(["09:00:00", "09:00", "23:59:59"])
PRINTABLE = st.characters(blacklist_categories=["Cs", "Cc"])
# Text a form accepts: something visible first, then anything printable.
short_text = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["Rakor", "Kapolres", "Dinas"]),
    st.text(PRINTABLE, max_size=50),
)


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    root = tmp_path / "private-attachments"
    settings.COORDINATION_ATTACHMENT_ROOT = root
    return root


@pytest.fixture
def meetings(election_day):
    """A published meeting and a draft, an agency at both, an open follow-up of the draft."""
    agency = AgencyFactory()
    published = MeetingFactory(minutes="# Notulen\n\nTeks asli.")
    AttendanceFactory(meeting=published, agency=agency)
    minutes_publish(meeting=published)
    draft = MeetingFactory()
    AttendanceFactory(meeting=draft, agency=agency)
    item = ActionItemFactory(meeting=draft, agency=agency)
    return {"published": published, "draft": draft, "agency": agency, "item": item}


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="opsboard.auth.OpsboardBackend")
    return client


def _refused_by_admin(response) -> bool:
    body = response.content.decode()
    return response.status_code == 200 and ("errornote" in body or "errorlist" in body)


def _files(root) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file())


@pytest.mark.parametrize("group", sorted(READS))
@pytest.mark.django_db
def test_coordination_pages_answer_any_query_and_write_only_the_print_log(
    group, meetings, command_staff, polsek_staff
):
    readers = [_client(command_staff), _client(polsek_staff)]
    ids = [str(meetings["published"].pk), str(meetings["draft"].pk), "0", "9" * 30]
    paths, names = READS[group]
    seen: set[tuple[str, int]] = set()

    @FUZZ
    @given(
        client=st.sampled_from(readers),
        path=st.sampled_from(paths),
        pk=st.sampled_from(ids),
        params=query(names),
        htmx=st.booleans(),
    )
    def answers(client, path, pk, params, htmx):
        before = row_counts()

        response = client.get(
            path.format(pk=pk), params, headers={"HX-Request": "true"} if htmx else {}
        )

        seen.add((path, response.status_code))
        check_answer(response, params, allowed=(200, 404, 422))
        change = written(before, row_counts())
        if path.endswith("/cetak/") and response.status_code == 200:
            assert change == {"opsboard_auditevent": 1}, change  # who printed, when
        else:
            assert change == {}, change

    answers()

    assert 200 in {status for _path, status in seen}


@pytest.mark.django_db
def test_attachment_names_answer_404_without_a_500(meetings, command_staff):
    client = _client(command_staff)

    @FUZZ
    @given(name=st.one_of(garbage, st.sampled_from(["rapat-1/x.pdf", "../../etc/passwd"])))
    def answers(name):
        response = client.get("/rapat/lampiran/" + name.replace("?", "%3F").replace("#", "%23"))

        check_answer(response, name, allowed=(404,))

    answers()


def _meeting_fields(meetings) -> dict:
    agency = str(meetings["agency"].pk)
    return {
        "number": st.builds("Rakor/{}/2024".format, st.uuids()),
        "title": short_text,
        "kind": st.sampled_from(Meeting.Kind.values),
        "held_at_0": dates,
        "held_at_1": times,
        "place": short_text,
        "chair": short_text,
        "chair_position": short_text,
        "minute_taker": short_text,
        "minutes": st.text(PRINTABLE, max_size=300),
        "issues_raised": st.text(PRINTABLE, max_size=300),
        "decisions-0-text": short_text,
        "decisions-0-order": st.integers(0, 20).map(str),
        "action_items-0-what": short_text,
        "action_items-0-agency": st.just(agency),
        "action_items-0-person": short_text,
        "action_items-0-due_on": dates,
        "action_items-0-status": st.sampled_from(ActionItem.Status.values),
        "action_items-0-dropped_reason": short_text,
        "attachments-0-title": short_text,
        "attachments-0-file": st.builds(
            upload, st.sampled_from([PDF, PNG]), file_names, content_types
        ),
    }


def _management(data: dict, total: object) -> dict:
    """The inline formsets' management forms: one row where the submission fills one, and
    sometimes a tampered count."""
    form = {}
    for prefix in INLINES:
        rows = int(any(k.startswith(f"{prefix}-0-") for k in data))
        form[f"{prefix}-TOTAL_FORMS"] = str(rows) if total is None else total
        form[f"{prefix}-INITIAL_FORMS"] = "0"
    return form


@pytest.mark.django_db
def test_meeting_form_answers_any_submission_and_a_refusal_writes_nothing(
    meetings, ops_admin, attachment_root
):
    client = _client(ops_admin)
    targets = {
        "/admin/coordination/meeting/add/": 1,
        f"/admin/coordination/meeting/{meetings['draft'].pk}/change/": 0,
        f"/admin/coordination/meeting/{meetings['published'].pk}/change/": 0,
    }
    seen: set[tuple[str, int]] = set()

    @FUZZ
    @given(
        path=st.sampled_from(sorted(targets)),
        data=form_data(
            _meeting_fields(meetings),
            bad={
                "number": st.one_of(st.just(meetings["draft"].number), garbage),
                "attachments-0-file": uploads,
            },
        ),
        total=st.one_of(st.none(), st.none(), TAMPERED_COUNTS),
    )
    def answers(path, data, total):
        sent = {**_management(data, total), **data}
        before = row_counts()

        response = client.post(path, sent)

        seen.add((path, response.status_code))
        check_answer(response, sent, allowed=(200, 302))
        change = written(before, row_counts())
        if response.status_code == 302:
            assert set(change) <= MEETING_TABLES and min(change.values()) > 0, change
            assert change.get("coordination_meeting", 0) == targets[path], change
            assert change["django_admin_log"] == 1, change
        else:
            assert _refused_by_admin(response), response.content[:2000]
            assert change == {}, change
        assert _files(attachment_root) == Attachment.objects.count()

    answers()

    assert {200, 302} <= {status for _path, status in seen}  # refused and accepted


@pytest.mark.django_db
def test_minutes_revision_form_answers_any_submission_and_a_refusal_writes_nothing(
    meetings, ops_admin
):
    client = _client(ops_admin)
    ids = [str(meetings["published"].pk), str(meetings["draft"].pk)]
    seen: set[int] = set()

    @FUZZ
    @given(
        data=form_data(
            {
                "meeting": st.sampled_from(ids),
                "text": short_text,
                "reason": short_text,
            }
        )
    )
    def answers(data):
        before = row_counts()

        response = client.post("/admin/coordination/minutesrevision/add/", data)

        seen.add(response.status_code)
        check_answer(response, data, allowed=(200, 302))
        change = written(before, row_counts())
        if response.status_code == 302:
            assert change == {"coordination_minutesrevision": 1, "django_admin_log": 1}, change
        else:
            assert _refused_by_admin(response), response.content[:2000]
            assert change == {}, change

    answers()

    assert {200, 302} <= seen  # refused and accepted


@pytest.mark.django_db
def test_action_item_form_answers_any_submission_and_a_refusal_writes_nothing(
    meetings, ops_admin, tps_a
):
    client = _client(ops_admin)
    ids = {
        "meeting": [str(meetings["draft"].pk), str(meetings["published"].pk)],
        "agency": [str(meetings["agency"].pk)],
        "kecamatan": [str(tps_a.desa.kecamatan_id)],
        "desa": [str(tps_a.desa_id)],
        "tps": [str(tps_a.pk)],
    }
    seen: set[int] = set()

    @FUZZ
    @given(
        path=st.sampled_from(
            [
                "/admin/coordination/actionitem/add/",
                f"/admin/coordination/actionitem/{meetings['item'].pk}/change/",
            ]
        ),
        data=form_data(
            {
                **{name: st.sampled_from(values) for name, values in ids.items()},
                "what": short_text,
                "person": short_text,
                "due_on": dates,
                "status": st.sampled_from(ActionItem.Status.values),
                "dropped_reason": short_text,
            }
        ),
    )
    def answers(path, data):
        before = row_counts()

        response = client.post(path, data)

        seen.add(response.status_code)
        check_answer(response, data, allowed=(200, 302))
        change = written(before, row_counts())
        if response.status_code == 302:
            new = {"coordination_actionitem": 1} if path.endswith("/add/") else {}
            assert change == {**new, "django_admin_log": 1}, change
        else:
            assert _refused_by_admin(response), response.content[:2000]
            assert change == {}, change

    answers()

    assert {200, 302} <= seen  # refused and accepted
    assert Agency.objects.count() == 1


# Found by the fuzzing above


@pytest.mark.parametrize("revision", ["²", "9" * 5000], ids=["superscript", "5000-digits"])
@pytest.mark.django_db
def test_an_unreadable_revision_number_is_a_404(meetings, command_staff, revision):
    # isdigit() let both through to int(), which refused them: a 500.
    response = _client(command_staff).get(
        f"/rapat/{meetings['published'].pk}/", {"revisi": revision}
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_an_attachment_name_with_a_nul_is_a_404(meetings, command_staff):
    # PostgreSQL refuses a NUL in a query ("text fields cannot contain NUL"): a 500.
    response = _client(command_staff).get("/rapat/lampiran/rapat-1/a%00.pdf")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "agency",
    ["abc", " ", "1.5", "9" * 5000, "\x00"],
    ids=["word", "blank", "decimal", "5000-digits", "nul"],
)
@pytest.mark.django_db
def test_a_follow_up_with_an_unreadable_agency_id_gets_the_form_error(meetings, ops_admin, agency):
    # Django's autocomplete widget looked the id up again to show it in the re-rendered form,
    # and the lookup raised: a 500 instead of "Pilih pilihan yang valid".
    client = _client(ops_admin)
    before = row_counts()

    response = client.post(
        "/admin/coordination/actionitem/add/",
        {
            "meeting": meetings["draft"].pk,
            "what": "Patroli gabungan",
            "agency": agency,
            "due_on": "30/09/2024",
            "status": "open",
        },
    )

    assert _refused_by_admin(response)
    assert written(before, row_counts()) == {}
