"""Every URL pattern in the URLconf, for every role, against the access matrix of docs/access.md.

The URLs are walked from the resolver, not listed by hand: a new view that nobody added to the
matrix fails here, and so does one whose access check is missing.

Two walks. The first requests every URL with sample ids that exist nowhere, for the six roles of
the matrix: a GET, or a valid POST where the URL takes only a POST (FIRST_WALK_POSTS). Only a
real success counts as allowed (`outcome`): a 400, 405 or 422 never does. The second takes every
URL with an id, token or file name, builds a real object of kecamatan A / TPS A for it
(tests/access_objects.py; a URL without a builder fails), and requests it as the roles that own
it and as the outsiders: Polsek staff of kecamatan B (plain, and given admin rights), and the
field officer of TPS B.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from field.models import DispatchStep, Instruction, InstructionAck, RollCall, SituationReport
from tests.access_objects import BEARER, POLRES, case_for, notable_incident
from tests.csp import csp_problem
from tests.field.push_helpers import push_subscription_body

ALLOW, LOGIN, DENY, ELSEWHERE = "allow", "login", "deny", "elsewhere"
# A GET sent on to another page than the home pages: the admin's short object URL, its login.
ONWARD = "onward"

ROLES = ("anonymous", "field_officer", "polsek_staff", "command_staff", "ops_admin", "superuser")

# Group → the outcome each role must get (a set where more than one answer is right).
MATRIX = {
    "public": dict.fromkeys(ROLES, ALLOW),
    # Signed-in users are sent on from the login page; the language switch redirects back.
    "login": {"anonymous": ALLOW, **dict.fromkeys(ROLES[1:], ELSEWHERE)},
    "redirect": dict.fromkeys(ROLES, ELSEWHERE),
    # The admin's login form; staff who are signed in already are sent on to its index.
    "admin_login": {
        **dict.fromkeys(("anonymous", "field_officer", "polsek_staff"), ALLOW),
        **dict.fromkeys(("command_staff", "ops_admin", "superuser"), ONWARD),
    },
    # The admin signs out only its own staff: anyone else signed in is sent to its index (and
    # from there to its login), still signed in.
    "admin_logout": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        **dict.fromkeys(("command_staff", "ops_admin", "superuser"), ALLOW),
    },
    "dashboard": {
        "anonymous": LOGIN,
        "field_officer": ELSEWHERE,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # One TPS's page or map popup: the sample id does not exist, so dashboard readers get 404;
    # tests/dashboard/test_tps_pages.py checks real TPS in and outside the scope.
    "dashboard_object": {
        "anonymous": LOGIN,
        "field_officer": ELSEWHERE,
        "polsek_staff": {ALLOW, DENY},
        "command_staff": {ALLOW, DENY},
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    "me": {
        "anonymous": LOGIN,
        "field_officer": ALLOW,
        "polsek_staff": ELSEWHERE,
        "command_staff": ELSEWHERE,
        "ops_admin": ELSEWHERE,
        "superuser": ELSEWHERE,
    },
    # Field reporting (docs/field.md). One TPS of the officer's: the sample id is nobody's, 404;
    # tests/field/test_privacy.py checks a real TPS of another team.
    "me_object": {
        "anonymous": LOGIN,
        "field_officer": {ALLOW, DENY},
        "polsek_staff": ELSEWHERE,
        "command_staff": ELSEWHERE,
        "ops_admin": ELSEWHERE,
        "superuser": ELSEWHERE,
    },
    # Recording a roll call on the phone: only a post's commander (a Polri or TNI); the
    # field_officer persona is a Linmas, refused (tests/field/test_rollcall_pages.py checks the
    # commander).
    "me_roll_call": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": ELSEWHERE,
        "command_staff": ELSEWHERE,
        "ops_admin": ELSEWHERE,
        "superuser": ELSEWHERE,
    },
    # A sign-in link: public, and a token that is nobody's is a 404 for everyone.
    "signin_link": dict.fromkeys(ROLES, DENY),
    # A report's photo: the sample report does not exist (test_report.py checks real ones).
    "field_photo": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], DENY)},
    # The command's views of field reports; field officers get 403, not a redirect.
    "field_command": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # A device's Web Push subscription: whoever is told outside the app, the command's readers
    # and field officers (sent to an incident, near a panic).
    "push_devices": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], ALLOW)},
    # Setting an area's alert level: the command (Polsek staff see theirs and tick its steps).
    "alert_set": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # Assignment cards and the Posko entry: admins (and operators given the Posko permission,
    # which the command_staff persona does not have).
    "field_admin": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": DENY,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # Cutting shifts, a rotation and a swap on the roster pages (docs/shifts.md): admins.
    "shift_write": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": DENY,
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    "api": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    "account": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], ALLOW)},
    # The daily report (docs/daily-report.md): the Polres's and every kecamatan's for the
    # command and admins, their own kecamatan's for Polsek staff; field officers get 403, its
    # JSON too (anonymous: the API's 401).
    "reports": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # One report: the sample id does not exist, so those who may read it get 404;
    # tests/access_objects.py builds real ones.
    "reports_object": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": {ALLOW, DENY},
        "command_staff": {ALLOW, DENY},
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    # The special reports (docs/daily-report.md): read in the reader's scope by all of the
    # dashboard, drafted and signed by the command and admins; field officers get 403.
    "special": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    "special_generate": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # Pages that write for the whole operation: the command's and the admins', not the Polsek's.
    "command_only": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    "special_object": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": {ALLOW, DENY},
        "command_staff": {ALLOW, DENY},
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    "special_object_write": {
        "anonymous": LOGIN,
        "field_officer": DENY,
        "polsek_staff": DENY,
        "command_staff": {ALLOW, DENY},
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    # Meetings, notulen, follow-ups, asta siap (/rapat/): read like the dashboard.
    "coordination": {
        "anonymous": LOGIN,
        "field_officer": ELSEWHERE,
        "polsek_staff": ALLOW,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # One meeting or attachment: the sample id does not exist, so readers get 404; the access
    # check comes first. tests/coordination/test_permissions.py checks real objects.
    "coordination_object": {
        "anonymous": LOGIN,
        "field_officer": ELSEWHERE,
        "polsek_staff": {ALLOW, DENY},
        "command_staff": {ALLOW, DENY},
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    # Published minutes revisions and the audit log are only ever added to: nobody deletes a
    # revision in the admin, and nobody adds or deletes a line of the log.
    "admin_append_only": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": DENY,
        "ops_admin": DENY,
        "superuser": DENY,
    },
    # Command staff open the admin read-only: its add and delete pages are refused.
    "admin_read": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": ALLOW,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    "admin_write": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": DENY,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # Accounts are the superuser's: whoever may edit a user may make it a superuser.
    "admin_accounts": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": DENY,
        "ops_admin": DENY,
        "superuser": ALLOW,
    },
    # Login lockouts: admins read and delete them (unlock); django-axes lets nobody add one.
    "admin_lockouts": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": DENY,
        "ops_admin": {ALLOW, DENY},
        "superuser": {ALLOW, DENY},
    },
    # The audit log of sign-ins and exports: read by admins and the superuser, never written.
    "admin_audit": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": DENY,
        "ops_admin": ALLOW,
        "superuser": ALLOW,
    },
    # Pages about one object that redirect to the index when the sample id does not exist,
    # before the admin checks permissions; the short URL of an object, which sends staff on to
    # its change page; the autocomplete endpoint, which refuses a request without its query
    # parameters, for anyone. Outsiders must still be sent to the login page.
    "admin_lenient": {
        "anonymous": LOGIN,
        "field_officer": LOGIN,
        "polsek_staff": LOGIN,
        "command_staff": {ALLOW, DENY, ONWARD},
        "ops_admin": {ALLOW, DENY, ONWARD},
        "superuser": {ALLOW, DENY, ONWARD},
    },
}

PUBLIC_NAMES = {"healthz", "metrics"}
# The dashboard, its wall-screen mode and its exports (tests/dashboard/); the shell's search
# (tests/opsboard/test_search.py), which field officers do not have.
DASHBOARD_NAMES = {
    "opsboard:dashboard",
    "opsboard:wallscreen",
    "opsboard:gaps_export",
    "opsboard:areas_export",
    "opsboard:objects_export",
    "opsboard:print_summary",
    "opsboard:search",
    "opsboard:strength",
    "opsboard:guarded_objects",
}
# Field reporting (field/urls.py); docs/access.md lists the same rows.
FIELD_GROUPS = {
    "field:signin": "signin_link",
    "field:service_worker": "public",
    "field:checkin": "me",
    "field:report": "me",
    # The panic button's confirm step (GET) and the press (POST): for oneself only.
    "field:panic": "me",
    "field:instruction_ack": "me",
    "field:dispatch_progress": "me_object",
    # The handover note of a shift the officer holds (docs/shifts.md).
    "field:handover": "me_object",
    "field:tps_status": "me_object",
    "field:turnout_send": "me_object",
    "field:report_photo": "field_photo",
    "field:incidents": "field_command",
    "field:incident_handle": "field_command",
    "field:incident_open": "field_command",
    "field:incident_board": "field_command",
    "field:incident_export": "field_command",
    "field:incident_detail": "field_command",
    "field:incident_print": "field_command",
    "field:incident_act": "field_command",
    "field:incident_responders": "field_command",
    "field:incident_dispatch_preview": "field_command",
    "field:incident_dispatch": "field_command",
    "field:notifications": "field_command",
    # A browser's Web Push subscription: whoever gets notifications (field officers get none).
    "field:push_subscribe": "push_devices",
    "field:push_unsubscribe": "push_devices",
    "field:incident_acknowledge": "field_command",
    # The dashboard's and the wall screen's alarm of unacknowledged darurat incidents.
    "field:panic_alarm": "field_command",
    "field:checkins": "field_command",
    # Area alert levels (docs/incidents.md): the panel, ticking a step, the wall's part.
    "field:alert_panel": "field_command",
    "field:alert_set": "alert_set",
    "field:alert_tick": "field_command",
    "field:wall_board": "field_command",
    "field:turnout": "field_command",
    # Logistics custody (docs/logistics.md): the panel, a batch's page, its recording, its print.
    "field:logistics": "field_command",
    "field:logistics_batch": "field_command",
    "field:logistics_record": "field_command",
    "field:logistics_print": "field_command",
    # The KPU's official figures: an admin's import, like the rosters.
    "field:turnout_import": "field_admin",
    "field:instructions": "field_command",
    "field:instruction_withdraw": "field_command",
    "field:cards": "field_admin",
    "field:cards_print": "field_admin",
    "field:links_revoke": "field_admin",
    "field:sessions_end": "field_admin",
    "field:posko": "field_admin",
    "field:posko_checkin": "field_admin",
    "field:posko_status": "field_admin",
    "field:posko_report": "field_admin",
    "field:posko_turnout": "field_admin",
    # Roll call (docs/rollcall.md)
    "field:roll_call": "me",
    "field:roll_call_record": "me_roll_call",
    "field:roll_call_panel": "field_command",
    "field:posko_roll_call": "field_admin",
    "field:posko_roll_call_record": "field_admin",
    "field_api:tps_field_status": "api",
    "field_api:tps_turnout": "api",
    "field_api:area_alerts": "api",
    "field_api:incidents_geojson": "api",
}
# The daily report (opsboard/reports/urls.py, its JSON in opsboard/api_urls.py); a day's figures
# (api:daily_figures) are the API's, scoped like the rest of it.
REPORT_NAMES = {
    "reports:report_list",
    "reports:report_generate",
    "reports:report_anev",
    "api:daily_reports",
}
REPORT_OBJECT_NAMES = {
    "reports:report_detail",
    "reports:report_edit",
    "reports:report_sign",
    "reports:report_revise",
    "reports:report_print",
    "reports:report_export",
    "api:daily_report",
}
SPECIAL_NAMES = {"special:report_list", "api:special_reports"}
SPECIAL_OBJECT_NAMES = {
    "special:report_detail",
    "special:report_print",
    "special:report_export",
    "api:special_report",
}
SPECIAL_OBJECT_WRITE_NAMES = {
    "special:report_edit",
    "special:report_sign",
    "special:report_revise",
}
# The roster of guarded objects (docs/shifts.md): read by the dashboard's readers in their
# scope, field officers 403; its writes are admins'.
ROSTER_READ_NAMES = {"opsboard:shift_posts", "opsboard:shift_week", "opsboard:shift_person"}
ROSTER_WRITE_NAMES = {"opsboard:shift_rotation", "opsboard:shift_swap"}
ACCOUNT_NAMES = {"logout", "password_change", "password_change_done"}
# Import confirmation (POST only) writes; command staff are refused before the method check.
ADMIN_WRITE_SUFFIXES = ("_add", "_delete", "_confirm")
# Admin JSON about one object (the map widget's desa boundary): 404 for the sample id.
ADMIN_OBJECT_NAMES = {"admin:tps_desa_boundary"}

SAMPLE_KWARGS = {
    "object_id": "1",
    "id": "1",
    "app_label": "auth",
    "content_type_id": "1",
    "url": "x/",
    "pk": "1",
    "token": "x",
    "name": "rapat-1/x.pdf",
}


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


def concrete_path(route: str, name: str | None, pattern: URLPattern) -> str:
    regex = pattern.pattern.regex
    kwargs = {key: SAMPLE_KWARGS[key] for key in regex.groupindex}
    if name and kwargs:
        return reverse(name, kwargs=kwargs)
    if name:
        # simple_history's revert page has positional groups (object id, history id).
        return reverse(name, args=["1"] * regex.groups)
    # Unnamed patterns (the admin's catch-all and redirects): substitute the samples by hand.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_KWARGS[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_KWARGS[m.group(1)], path)
    return "/" + path.lstrip("^").rstrip("$")


# Notification deliveries are only ever written by the sending; browsers subscribe themselves.
FIELD_ADMIN_APPEND_ONLY = {
    "admin:field_notificationdelivery_add",
    "admin:field_notificationdelivery_delete",
    "admin:field_pushsubscription_add",
}


# The field app's models that admins enter in the admin (core.permissions.FIELD_ADMIN_MODELS).
FIELD_ADMIN_DOMAIN = ("admin:field_logisticsbatch_", "admin:field_logisticsplace_")


def _field_admin_group(name: str | None) -> str:
    """The field app's admin (deliveries, push subscriptions, Telegram chats): the superuser's,
    like the accounts; nobody adds or deletes a delivery, nor adds a subscription. Logistics
    batches and places are domain rows: admins write them, command staff read them."""
    if name and name.startswith(FIELD_ADMIN_DOMAIN):
        return "admin_write" if name.endswith(ADMIN_WRITE_SUFFIXES) else "admin_read"
    return "admin_append_only" if name in FIELD_ADMIN_APPEND_ONLY else "admin_accounts"


def group_of(name: str | None, path: str) -> str:
    if name in PUBLIC_NAMES:
        return "public"
    if name == "login":
        return "login"
    if name == "admin:login":
        return "admin_login"
    if name == "admin:logout":
        return "admin_logout"
    if name == "set_language":
        return "redirect"
    if name in ACCOUNT_NAMES:
        return "account"
    if path.startswith("/admin/"):
        if (
            # The TPS picker's search refuses, like Django's autocomplete, a request without
            # its query parameters.
            name in (None, "admin:autocomplete", "admin:view_on_site")
            or name == "admin:tps_tps_coverage_autocomplete"
            or name in ADMIN_OBJECT_NAMES
            or name.endswith(("_history", "_password_change"))
        ):
            return "admin_lenient"
        if path.startswith("/admin/auth/"):
            return "admin_accounts"
        if path.startswith("/admin/axes/"):
            return "admin_lockouts"
        if path.startswith("/admin/field/"):
            return _field_admin_group(name)
        if path.startswith("/admin/audit/auditevent/"):
            # The log is only ever added to by the app: no one adds or deletes a line here.
            return "admin_append_only" if name.endswith(("_add", "_delete")) else "admin_audit"
        if name == "admin:coordination_minutesrevision_delete":
            return "admin_append_only"
        # Fill gaps proposes and applies assignments: an admin's, a 403 for command staff.
        if name and (name.endswith(ADMIN_WRITE_SUFFIXES) or name == "admin:tps_tps_fill_gaps"):
            return "admin_write"
        return "admin_read"
    if name in DASHBOARD_NAMES:
        return "dashboard"
    if name == "opsboard:what_if":
        return "command_only"
    if name in ("opsboard:tps_detail", "opsboard:tps_popup"):
        return "dashboard_object"
    if name == "opsboard:me":
        return "me"
    if name in ROSTER_READ_NAMES:
        return "field_command"
    if name in ROSTER_WRITE_NAMES:
        return "shift_write"
    if name in FIELD_GROUPS:
        return FIELD_GROUPS[name]
    if name in REPORT_NAMES:
        return "reports"
    if name in REPORT_OBJECT_NAMES:
        return "reports_object"
    if name in SPECIAL_NAMES:
        return "special"
    if name == "special:report_generate":
        return "special_generate"
    if name in SPECIAL_OBJECT_NAMES:
        return "special_object"
    if name in SPECIAL_OBJECT_WRITE_NAMES:
        return "special_object_write"
    if name and name.startswith("api:"):
        return "api"
    if name in ("coordination:meeting_detail", "coordination:meeting_print"):
        return "coordination_object"
    if name == "coordination:attachment_file":
        return "coordination_object"
    if name and name.startswith("coordination:"):
        return "coordination"
    raise AssertionError(
        f"{path} ({name}) is in no group of the access matrix: add it there and to docs/access.md"
    )


def outcome(response, *, real_object: bool = False) -> str:
    """What the response means for access. Only a real success is ALLOW: a 2xx, or a POST
    answered with a redirect to a page that is neither a login nor the user's home page. A 400,
    405 or 422 says the request was refused for its form, not allowed: it is its own answer,
    which no matrix cell accepts."""
    status = response.status_code
    path = response.request["PATH_INFO"]
    posted = response.request["REQUEST_METHOD"] == "POST"
    assert status < 500, f"{path} answered {status}"
    if status == 401:
        return LOGIN
    if status in (403, 404):
        return DENY
    if 200 <= status < 300:
        return ALLOW
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            # A refusal names the page to come back to; signing out sends to the bare form.
            return ALLOW if posted and "next=" not in location else LOGIN
        if location in ("/", "/me/"):
            return ELSEWHERE
        # The admin answers an id it cannot find in the user's queryset by sending them to
        # its index ("… with ID … doesn't exist"): for an object that exists, a refusal; for
        # a sample id that exists nowhere, a not-found. Its login page sends staff there too.
        if location == reverse("admin:index") and path != reverse("admin:login"):
            return DENY
        return ALLOW if posted else ONWARD
    return f"status {status}"


def all_routes():
    return [(concrete_path(route, name, pattern), name) for route, name, pattern in walk()]


def test_every_url_pattern_belongs_to_a_matrix_group():
    routes = all_routes()

    groups = {group_of(name, path) for path, name in routes}

    assert len(routes) > 20  # the walk reached the admin and the API, not just the top level
    assert {"public", "dashboard", "me", "api", "admin_read", "admin_write"} <= groups


def _key() -> str:
    return str(uuid.uuid4())


def _posko(w, **data) -> dict:
    return {"person": w.guard.pk, "tps": w.tps.pk, **data}


# URLs that take only a POST, and a valid one for each (the guard of TPS A, its desa): the first
# walk sends it, so that "allowed" means the request went through, never a 405 for its method
# or a 422 for its form. A new POST-only URL shows as `status 405` until it is added here. The
# ones with a sample id are refused or not found before their form is read.
FIRST_WALK_POSTS = {
    "logout": lambda w: {},
    "admin:logout": lambda w: {},
    "field:checkin": lambda w: {"tps": w.tps.pk, "idempotency_key": _key()},
    "field:instruction_ack": lambda w: {},
    "field:dispatch_progress": lambda w: {"step": "berangkat", "idempotency_key": _key()},
    "field:turnout_send": lambda w: {"voters": 0, "idempotency_key": _key()},
    "field:incident_handle": lambda w: {},
    "field:incident_open": lambda w: {},
    "field:incident_act": lambda w: {"action": "note", "note": "Catatan"},
    "field:incident_dispatch": lambda w: {"personnel": w.guard.pk},
    "field:incident_acknowledge": lambda w: {},
    "field:alert_set": lambda w: {"level": "kuning", "reason": "Massa berkumpul"},
    "field:alert_tick": lambda w: {},
    "field:instruction_withdraw": lambda w: {},
    "field:logistics_record": lambda w: {"action": "arrive", "leg": 1},
    "field:cards_print": lambda w: {"desa": w.tps.desa_id},
    "field:links_revoke": lambda w: {
        "revoke-identifier": w.guard.identifier,
        "revoke-force": w.guard.force,
    },
    "field:sessions_end": lambda w: {
        "signout-identifier": w.guard.identifier,
        "signout-force": w.guard.force,
    },
    "field:posko_checkin": lambda w: _posko(w),
    "field:posko_status": lambda w: _posko(w, step=1),
    "field:posko_report": lambda w: _posko(
        w, kind="aman", text="Lewat radio", idempotency_key=_key()
    ),
    "field:posko_turnout": lambda w: _posko(w, voters=1, idempotency_key=_key()),
    "field:roll_call_record": lambda w: {"status": "present"},
    "field:posko_roll_call_record": lambda w: {"status": "present"},
    "admin:deployments_importjob_confirm": lambda w: {},
    # The sample object does not exist: refused or not found before the form is read.
    "opsboard:shift_rotation": lambda w: {},
    "opsboard:shift_swap": lambda w: {},
    # A day whose report is opened (made once, then the same one for every role).
    "reports:report_generate": lambda w: {"day": "2024-11-27"},
    "reports:report_edit": lambda w: {"summary": "Aman"},
    "reports:report_sign": lambda w: {},
    "reports:report_revise": lambda w: {"reason": "Koreksi"},
    # A notable incident's special report, drafted (a new incident for every role's walk).
    "special:report_generate": lambda w: {"kejadian": notable_incident(w).pk},
    "special:report_edit": lambda w: {"subject": "Bentrok", "summary": "Bentrok"},
    "special:report_sign": lambda w: {},
    "special:report_revise": lambda w: {"reason": "Koreksi"},
    # JSON bodies (FIRST_WALK_JSON): a fresh browser's subscription, and its removal.
    "field:push_subscribe": lambda w: push_subscription_body(),
    "field:push_unsubscribe": lambda w: {"endpoint": push_subscription_body()["endpoint"]},
}
# The URLs above whose body is JSON (static/field/push.js), not a form.
FIRST_WALK_JSON = {"field:push_subscribe", "field:push_unsubscribe"}


def _first_walk_request(client, user, path: str, name: str | None, world):
    if name not in FIRST_WALK_POSTS:
        return client.get(path)
    # A client of its own: signing out, or a write's redirect, must not change the session
    # that the rest of the walk uses.
    poster = Client()
    if user is not None:
        poster.force_login(user, backend="opsboard.auth.OpsboardBackend")
    if name in FIRST_WALK_JSON:
        return poster.post(path, FIRST_WALK_POSTS[name](world), content_type="application/json")
    return poster.post(path, FIRST_WALK_POSTS[name](world))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says_on_every_url(role, request, login, objects_world):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = login(user)
    # A sample id exists nowhere, or (SQLite reuses ids) names some object of the test: either
    # way a role that may open the page gets it or a not-found. The object walk below checks
    # these URLs exactly, with real objects.
    sampled = {name for _route, name in object_routes()}
    wrong, unprotected = [], []

    for path, name in all_routes():
        expected = MATRIX[group_of(name, path)][role]
        accepted = set(expected) if isinstance(expected, set) else {expected}
        if name in sampled and ALLOW in accepted:
            accepted.add(DENY)
        response = _first_walk_request(client, user, path, name, objects_world)
        got = outcome(response)
        if got not in accepted:
            wrong.append(
                f"{response.request['REQUEST_METHOD']} {path} ({name}): "
                f"expected {expected}, got {got}"
            )
        # Every answer, refusals and redirects included (tests/platform/test_security_headers.py).
        if problem := csp_problem(response):
            unprotected.append(f"{path} ({response.status_code}): {problem}")

    assert wrong == [], "\n".join(wrong)
    assert unprotected == [], "\n".join(unprotected)


# Object-level: real objects of kecamatan A / TPS A

OBJECT_ROLES = (
    "anonymous",
    "field_officer",  # guards TPS A
    "field_officer_other_tps",  # guards TPS B, in kecamatan B
    "polsek_staff",  # Polsek of kecamatan A
    "polsek_staff_other",  # Polsek of kecamatan B
    "polsek_editor_other",  # Polsek of kecamatan B, given admin rights on TPS, people, duties
    "command_staff",
    "ops_admin",
    "superuser",
)
# An outsider reads a Polres-wide row like the insider of the same role.
INSIDER_OF = {
    "field_officer_other_tps": "field_officer",
    "polsek_staff_other": "polsek_staff",
    "polsek_editor_other": "polsek_staff",
}


def _row(anonymous, field_a, field_b, polsek_a, polsek_b, editor_b, command, admin, superuser):
    return dict(
        zip(
            OBJECT_ROLES,
            (anonymous, field_a, field_b, polsek_a, polsek_b, editor_b, command, admin, superuser),
            strict=True,
        )
    )


# Group → what each role gets on an object of kecamatan A / TPS A. No sets: the object exists,
# so every answer is exact. The admin columns of `editor_b` are computed (_editor_outcome).
OBJECT_MATRIX = {
    "dashboard_object": _row(LOGIN, ELSEWHERE, ELSEWHERE, ALLOW, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "me": _row(LOGIN, ALLOW, DENY, *[ELSEWHERE] * 6),
    "me_object": _row(LOGIN, ALLOW, DENY, *[ELSEWHERE] * 6),
    "me_roll_call": _row(LOGIN, DENY, DENY, *[ELSEWHERE] * 6),
    # The Posko's roll call of a duty of TPS A: admins (the personas have no Posko right).
    "field_admin": _row(LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, ALLOW, ALLOW),
    # A sign-in card's token: whoever holds it may open it (its owner's name, nothing used up).
    "signin_link": _row(*[ALLOW] * 9),
    "field_photo": _row(LOGIN, ALLOW, DENY, ALLOW, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "field_command": _row(LOGIN, DENY, DENY, ALLOW, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "alert_set": _row(LOGIN, DENY, DENY, DENY, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "shift_write": _row(LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, ALLOW, ALLOW),
    "coordination_object": _row(
        LOGIN, ELSEWHERE, ELSEWHERE, ALLOW, DENY, DENY, ALLOW, ALLOW, ALLOW
    ),
    "reports_object": _row(LOGIN, DENY, DENY, DENY, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "special_object": _row(LOGIN, DENY, DENY, ALLOW, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "special_object_write": _row(LOGIN, DENY, DENY, DENY, DENY, DENY, ALLOW, ALLOW, ALLOW),
    "admin_read": _row(*[LOGIN] * 5, None, ALLOW, ALLOW, ALLOW),
    "admin_write": _row(*[LOGIN] * 5, None, DENY, ALLOW, ALLOW),
    "admin_append_only": _row(*[LOGIN] * 5, None, DENY, DENY, DENY),
    "admin_accounts": _row(*[LOGIN] * 5, None, DENY, DENY, ALLOW),
    "admin_lockouts": _row(*[LOGIN] * 5, None, DENY, ALLOW, ALLOW),
    "admin_audit": _row(*[LOGIN] * 5, None, DENY, ALLOW, ALLOW),
}

# URLs with a parameter that names no object of anyone's.
NOT_OBJECT = {
    "admin:app_list": "an app's index page: the parameter is the app's label",
    "admin:view_on_site": "Django's redirect to the object's own URL, which checks access itself",
}


def _not_object(name: str | None, route: str) -> str:
    if name in NOT_OBJECT:
        return NOT_OBJECT[name]
    if name is None and route.startswith("admin/"):
        if route.endswith("(?P<url>.*)$"):
            return "the admin's catch-all: a redirect to the login or a 404 for any path"
        if route.endswith("<path:object_id>/"):
            return "the admin's redirect to the change page, which is walked under its name"
    return ""


def object_routes() -> list[tuple[str, str | None]]:
    """(route, name) of every URL pattern that takes an id, a token or a file name."""
    routes = []
    for route, name, pattern in walk():
        regex = pattern.pattern.regex
        if (regex.groupindex or regex.groups) and not _not_object(name, route):
            routes.append((route, name))
    return routes


def object_group(name: str | None, path: str) -> str:
    group = group_of(name, path)
    if group != "admin_lenient":
        return group
    # With a real object the lenient pages have exact answers: an object's history and its
    # versions read like its change page; the accounts' and lockouts' like theirs.
    if path.startswith("/admin/auth/"):
        return "admin_accounts"
    if path.startswith("/admin/axes/"):
        return "admin_lockouts"
    if path.startswith("/admin/audit/auditevent/"):
        return "admin_audit"
    if path.startswith("/admin/field/") and not name.startswith(FIELD_ADMIN_DOMAIN):
        return "admin_accounts"
    return "admin_read"


def _editor_outcome(user, group: str, case) -> str:
    """Polsek staff of kecamatan B with admin rights: nothing of kecamatan A is found; rows of
    the whole Polres are read-only, and only where they hold the view permission."""
    if case.scope != POLRES or group != "admin_read":
        return DENY
    app_label, model = case.model.split(".")
    return ALLOW if user.has_perm(f"{app_label}.view_{model}") else DENY


def expected_on_object(role: str, user, group: str, case) -> str:
    if role == "polsek_editor_other" and group.startswith("admin"):
        return _editor_outcome(user, group, case)
    if case.scope in (POLRES, BEARER):
        role = INSIDER_OF.get(role, role)
    return OBJECT_MATRIX[group][role]


def test_every_object_url_has_a_builder(objects_world):
    missing = [
        f"{route} ({name})"
        for route, name in object_routes()
        if case_for(name, objects_world) is None
    ]

    assert len(object_routes()) > 80  # the admin's object pages, not just the site's
    assert missing == [], (
        "URLs with an id but no object-level check: add a builder to tests/access_objects.py\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("role", OBJECT_ROLES)
def test_objects_of_kecamatan_a_answer_each_role_as_the_matrix_says(
    role, request, login, objects_world
):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = login(user)
    wrong, unprotected = [], []

    for route, name in object_routes():
        case = case_for(name, objects_world)
        assert case is not None, f"{route} ({name}) has no object builder"
        group = object_group(name, case.path)
        expected = expected_on_object(role, user, group, case)
        response = getattr(client, case.method)(case.path, case.data)
        got = outcome(response, real_object=True)
        if got != expected:
            wrong.append(
                f"{case.method.upper()} {case.path} ({name}, {case.scope}): "
                f"expected {expected}, got {got} ({response.status_code})"
            )
        # Real objects: the admin's change pages, photos, attachments and print pages served.
        if problem := csp_problem(response):
            unprotected.append(f"{case.path} ({response.status_code}): {problem}")

    assert wrong == [], "\n".join(wrong)
    assert unprotected == [], "\n".join(unprotected)


@pytest.mark.parametrize("role", ["field_officer_other_tps", "polsek_staff_other"])
def test_outsiders_change_nothing_of_kecamatan_a(role, request, login, objects_world):
    client = login(request.getfixturevalue(role))

    for _route, name in object_routes():
        case = case_for(name, objects_world)
        if case.method == "post" and case.scope != POLRES:
            getattr(client, case.method)(case.path, case.data)

    assert SituationReport.objects.exists()
    assert not SituationReport.objects.exclude(handled_at=None).exists()
    assert Instruction.objects.exists()
    assert not Instruction.objects.exclude(withdrawn_at=None).exists()
    assert not InstructionAck.objects.exists()
    assert not DispatchStep.objects.exists()
    assert not RollCall.objects.exists()
