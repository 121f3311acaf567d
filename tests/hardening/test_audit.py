"""The audit log: sign-ins (password and card link), failed sign-ins, sign-outs; a log the
database will not let anyone rewrite; and its read-only page in the admin.

The exports' lines and the stamps in their files are in test_export_stamps.py.
"""

from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from field.services import signin_link_issue
from tests.factories import ELECTION_DAY_9AM, UserFactory

PASSWORD = "test-Pass-2024"  # tests.factories.UserFactory's
LOGIN = "/accounts/login/"
Kind = AuditEvent.Kind

pytestmark = pytest.mark.django_db


def _only(kind: str) -> AuditEvent:
    return AuditEvent.objects.get(kind=kind)


def _line(**values) -> AuditEvent:
    fields = {"kind": Kind.EXPORT, "username": "operator", "what": "/export/gaps/"}
    return AuditEvent.objects.create(**{**fields, **values})


# Sign-in, failed sign-in, sign-out


def test_a_password_sign_in_is_logged_with_who_where_from_which_address(
    client, command_staff, settings
):
    settings.OPSBOARD_NOW = ELECTION_DAY_9AM  # the demo's clock: the log keeps real time

    response = client.post(
        LOGIN, {"username": "kabagops", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 302
    event = _only(Kind.SIGN_IN)
    assert (event.user, event.username, event.ip_address, event.what) == (
        command_staff,
        "kabagops",
        "203.0.113.7",
        LOGIN,
    )
    assert abs(event.at - timezone.now()) < timedelta(minutes=1)
    assert AuditEvent.objects.count() == 1


def test_a_sign_in_to_the_admin_is_logged_as_a_sign_in(client, ops_admin):
    client.post("/admin/login/", {"username": "operator", "password": PASSWORD})

    event = _only(Kind.SIGN_IN)
    assert (event.user, event.what) == (ops_admin, "/admin/login/")


def test_a_card_link_sign_in_is_logged_as_by_link_without_its_token(
    client, election_day, field_officer
):
    _link, token = signin_link_issue(person=field_officer.personnel)

    response = client.post(f"/masuk/{token}/")

    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.kind, event.user, event.username) == (
        Kind.SIGN_IN_LINK,
        field_officer,
        "LM-3571011001-01",
    )
    assert event.what == "/masuk/<token>/"
    assert token not in str(event.detail)


def test_opening_a_card_link_without_signing_in_logs_nothing(client, election_day, field_officer):
    _link, token = signin_link_issue(person=field_officer.personnel)

    client.get(f"/masuk/{token}/")

    assert not AuditEvent.objects.exists()


def test_a_failed_sign_in_logs_the_name_tried_and_never_the_password(client, command_staff):
    response = client.post(
        LOGIN, {"username": "kabagops", "password": "Tebak-Sandi-99"}, REMOTE_ADDR="198.51.100.4"
    )

    assert response.status_code == 200
    event = _only(Kind.SIGN_IN_FAILED)
    assert (event.user, event.username, event.ip_address) == (None, "kabagops", "198.51.100.4")
    written = [str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields]
    assert not any("Tebak-Sandi-99" in value for value in written)


@pytest.mark.parametrize("form", [LOGIN, "/admin/login/"])
def test_a_10000_character_username_is_logged_cut_short_without_a_500(client, form):
    tried = "🗳" + "a" * 9_999

    response = client.post(form, {"username": tried, "password": "x"})

    assert response.status_code == 200
    assert _only(Kind.SIGN_IN_FAILED).username == tried[:150]


def test_a_locked_out_attempt_is_logged_as_such(client, command_staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": "kabagops", "password": "salah"})

    client.post(LOGIN, {"username": "kabagops", "password": PASSWORD})

    failed = AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("pk")
    assert [event.detail for event in failed] == [{}, {"locked_out": True}, {"locked_out": True}]
    assert not AuditEvent.objects.filter(kind=Kind.SIGN_IN).exists()


def test_signing_out_is_logged(client, command_staff):
    client.post(LOGIN, {"username": "kabagops", "password": PASSWORD})

    client.post("/accounts/logout/")

    event = _only(Kind.SIGN_OUT)
    assert (event.user, event.username, event.what) == (
        command_staff,
        "kabagops",
        "/accounts/logout/",
    )


def test_signing_out_without_a_session_logs_nothing(client):
    client.post("/accounts/logout/")

    assert not AuditEvent.objects.exists()


# The database keeps the log


def test_the_database_refuses_to_change_a_line():
    event = _line(user=UserFactory(username="operator"))

    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="orang-lain")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(user=None, what="/lain/")

    assert AuditEvent.objects.get(pk=event.pk).username == "operator"


def test_the_database_refuses_a_kind_it_does_not_know():
    with pytest.raises(IntegrityError), transaction.atomic():
        _line(kind="edit")


def test_the_database_refuses_an_export_that_names_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        _line(what="")


def test_deleting_an_account_keeps_its_lines_and_its_name():
    user = UserFactory(username="operator")
    event = _line(user=user, detail={"rows": 12})

    user.delete()

    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.user, kept.username, kept.detail, kept.at) == (
        None,
        "operator",
        {"rows": 12},
        event.at,
    )


@pytest.mark.services
def test_postgresql_refuses_to_delete_a_line():
    event = _line()

    with (
        pytest.raises(IntegrityError, match="opsboard_auditevent_append_only"),
        transaction.atomic(),
    ):
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.services
@pytest.mark.django_db(databases=["default", "sqlite"])
def test_sqlite_refuses_to_change_a_line_and_lets_a_deleted_account_go():
    user = UserFactory.build(username="operator")
    user.save(using="sqlite")
    lines = AuditEvent.objects.using("sqlite")
    event = lines.create(kind=Kind.SIGN_IN, user=user, username="operator", what=LOGIN)

    with (
        pytest.raises(IntegrityError, match="opsboard_auditevent_append_only"),
        transaction.atomic(using="sqlite"),
    ):
        lines.filter(pk=event.pk).update(kind=Kind.SIGN_IN_FAILED)
    user.delete(using="sqlite")

    kept = lines.get(pk=event.pk)
    assert (kept.kind, kept.user_id, kept.username) == (Kind.SIGN_IN, None, "operator")


@pytest.mark.services
@pytest.mark.django_db(databases=["default", "sqlite"])
def test_sqlite_lets_flush_empty_the_log():
    # Django's flush (the teardown of every transactional test, `manage.py flush`) empties a
    # table with DELETE on SQLite; a trigger refusing deletes there would break it
    # (opsboard/migrations/0002_audit_log.py). PostgreSQL's flush truncates instead.
    lines = AuditEvent.objects.using("sqlite")
    lines.create(kind=Kind.SIGN_IN_FAILED, username="x", what=LOGIN)

    lines.all().delete()

    assert not lines.exists()


# The admin


@pytest.fixture
def logged(db):
    base = timezone.now()
    return [
        _line(kind=Kind.SIGN_IN, username="kabagops", what=LOGIN, at=base),
        _line(kind=Kind.SIGN_IN_FAILED, username="tamu", what=LOGIN, at=base),
        _line(kind=Kind.EXPORT, username="operator", at=base - timedelta(days=40)),
    ]


def _listed(response) -> list[tuple[str, str]]:
    return sorted((event.kind, event.username) for event in response.context["cl"].result_list)


def test_admins_read_the_log_filtered_by_kind_and_date_and_searched_by_name(
    login, ops_admin, logged
):
    admin = login(ops_admin)  # a sign-in line of its own
    url = "/admin/audit/auditevent/"
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)

    everything = admin.get(url)
    failed = admin.get(url, {"kind__exact": "sign_in_failed"})
    # The date filter's "7 hari terakhir" link.
    recent = admin.get(
        url,
        {
            "at__gte": str(midnight - timedelta(days=7)),
            "at__lt": str(midnight + timedelta(days=1)),
        },
    )
    searched = admin.get(url, {"q": "kabag"})

    assert everything.status_code == 200
    assert _listed(everything) == [
        ("export", "operator"),
        ("sign_in", "kabagops"),
        ("sign_in", "operator"),
        ("sign_in_failed", "tamu"),
    ]
    assert _listed(failed) == [("sign_in_failed", "tamu")]
    assert _listed(recent) == [
        ("sign_in", "kabagops"),
        ("sign_in", "operator"),
        ("sign_in_failed", "tamu"),
    ]
    assert _listed(searched) == [("sign_in", "kabagops")]
    html = everything.content.decode()
    assert "Gagal masuk" in html
    assert "/admin/audit/auditevent/add/" not in html


def test_the_superuser_reads_a_line_but_cannot_add_change_or_delete_one(login, superuser, logged):
    admin = login(superuser)
    event = logged[0]
    page = f"/admin/audit/auditevent/{event.pk}/change/"
    lines = AuditEvent.objects.count()

    shown = admin.get(page)
    changed = admin.post(page, {"username": "orang-lain", "kind": "export"})
    added = admin.get("/admin/audit/auditevent/add/")
    deleted = admin.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    bulk = admin.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()  # no form to send: read-only
    assert (changed.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert bulk.status_code == 200  # the list has no actions: the post only shows it again
    assert AuditEvent.objects.get(pk=event.pk).username == "kabagops"
    assert AuditEvent.objects.count() == lines


def test_command_staff_do_not_see_the_log(login, command_staff, logged):
    staff = login(command_staff)

    assert staff.get("/admin/audit/auditevent/").status_code == 403
    assert staff.get(f"/admin/audit/auditevent/{logged[0].pk}/change/").status_code == 403
    assert "auditevent" not in staff.get("/admin/").content.decode()


def test_only_reading_the_log_can_ever_be_granted(db):
    from django.contrib.auth.models import Group, Permission

    codenames = Permission.objects.filter(content_type__model="auditevent").values_list(
        "codename", flat=True
    )
    admin_group = Group.objects.get(name="Admin")

    assert list(codenames) == ["view_auditevent"]
    assert admin_group.permissions.filter(codename="view_auditevent").exists()
    assert (
        not Group.objects.get(name="Command staff")
        .permissions.filter(codename="view_auditevent")
        .exists()
    )
