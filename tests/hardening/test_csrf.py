"""CSRF on every form, htmx requests included.

With `Client(enforce_csrf_checks=True)` every URL of the URLconf (walked from the resolver, as
in the access matrix) is posted to without a token, as a role that may open it: each answer
must be the CSRF refusal. Every URL that accepts a POST is then posted to with the token the
way its page hands it over — the form's hidden field, htmx's `X-CSRFToken` from the
`hx-headers` of base.html's <body>, or field.js's header read from the form — and must not be
refused. A site URL that accepts a POST and is missing from POST_CASES fails the test. Last, a
scan of the templates: every `<form method="post">` carries `{% csrf_token %}`.
"""

import html
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from field.services import signin_link_issue, situation_report_create
from tests.access_objects import case_for, notable_incident
from tests.factories import InstructionFactory
from tests.field.push_helpers import push_subscription_body
from tests.test_access_matrix import all_routes, group_of

REFUSED = "X-Test-CSRF-Refused"


def csrf_refused(request, reason=""):
    """Stands in for Django's CSRF failure page, so that a refusal by the CSRF check cannot be
    mistaken for a 403 of a role check."""
    response = HttpResponse(status=403)
    response[REFUSED] = reason or "refused"
    return response


# The role that may open each group of the access matrix: the no-token POST must reach the
# CSRF check as someone the view would otherwise serve.
ROLE_FOR_GROUP = {
    "public": None,
    "login": None,
    "redirect": None,
    "signin_link": None,
    "dashboard": "command_staff",
    "dashboard_object": "command_staff",
    "me": "field_officer",
    "me_object": "field_officer",
    "me_roll_call": "field_officer",
    "field_photo": "field_officer",
    "field_command": "command_staff",
    "alert_set": "command_staff",
    "push_devices": "field_officer",
    "field_admin": "ops_admin",
    "shift_write": "ops_admin",
    "api": "command_staff",
    "account": "command_staff",
    "coordination": "command_staff",
    "coordination_object": "command_staff",
    "reports": "command_staff",
    "reports_object": "command_staff",
    "special": "command_staff",
    "special_generate": "command_staff",
    "command_only": "command_staff",
    "special_object": "command_staff",
    "special_object_write": "command_staff",
}


def role_for(group: str) -> str | None:
    return "superuser" if group.startswith("admin_") else ROLE_FOR_GROUP[group]


@pytest.fixture(autouse=True)
def csrf_failure_marked(settings):
    settings.CSRF_FAILURE_VIEW = "tests.hardening.test_csrf.csrf_refused"


@pytest.fixture
def world(objects_world):
    return objects_world


@pytest.fixture
def clients(request):
    """clients(role) -> a client that checks CSRF like a browser, signed in as the role."""
    made: dict[str | None, Client] = {}

    def _client(role: str | None) -> Client:
        if role not in made:
            client = Client(enforce_csrf_checks=True)
            if role is not None:
                user = request.getfixturevalue(role)
                # The last backend is the one that reads users (the first is django-axes').
                backend = django_settings.AUTHENTICATION_BACKENDS[-1]
                client.force_login(user, backend=backend)
            made[role] = client
        return made[role]

    return _client


def routes_with_objects(world) -> list[tuple[str, str | None, str]]:
    """(path, name, group) of every URL, with a real object of kecamatan A where it takes one."""
    routes = []
    for path, name in all_routes():
        case = case_for(name, world)
        if case is not None:
            path = case.path
        routes.append((path, name, group_of(name, path)))
    return routes


def cookie_token(client: Client) -> str:
    """The CSRF cookie's secret, which a script may send back as X-CSRFToken; set here when the
    client has none yet (a page that renders a form would set it)."""
    if "csrftoken" not in client.cookies:
        client.cookies["csrftoken"] = get_random_string(32, CSRF_ALLOWED_CHARS)
    return client.cookies["csrftoken"].value


# No token: refused everywhere


def test_every_url_refuses_a_post_without_a_token(world, clients):
    wrong = []

    for path, name, group in routes_with_objects(world):
        client = clients(role_for(group))
        response = client.post(path, {"next": "/"})
        if response.status_code != 403 or REFUSED not in response:
            wrong.append(f"{path} ({name}): {response.status_code}")

    assert wrong == [], "POSTs without a CSRF token that were not refused:\n" + "\n".join(wrong)


def test_a_field_report_posted_without_a_token_is_refused_after_the_size_check(world, clients):
    # /me/lapor/ reads Content-Length before CSRF (the body may be a huge photo): exempt from
    # the middleware, it checks the token itself right after.
    client = clients("field_officer")

    response = client.post(
        reverse("field:report"),
        {"kind": "aman", "text": "Tanpa token", "idempotency_key": str(uuid.uuid4())},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 403
    assert REFUSED in response
    from field.models import SituationReport

    assert not SituationReport.objects.exists()


# With the token from the page: accepted


FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_token(page: str, action: str) -> str:
    """The hidden token of the page's POST form whose action is `action`."""
    for attributes, body in FORM_RE.findall(page):
        if not re.search(r'method="post"', attributes, re.I):
            continue
        found = re.search(r'action="([^"]*)"', attributes)
        if found is not None and html.unescape(found.group(1)) not in ("", action):
            continue
        token = TOKEN_RE.search(body)
        assert token is not None, f"the form posting to {action} has no CSRF token"
        return token.group(1)
    raise AssertionError(f"no POST form to {action} on the page")


def htmx_token(page: str) -> str:
    """The token htmx sends: base.html puts it in the <body>'s hx-headers."""
    found = re.search(r"<body[^>]*\shx-headers='([^']+)'", page)
    assert found is not None, "the page's <body> carries no hx-headers"
    return json.loads(html.unescape(found.group(1)))["X-CSRFToken"]


@dataclass
class Post:
    """How a page hands a form's token over, and what the form posts."""

    role: str | None
    page: str  # the page that holds the form
    action: str  # the URL the form posts to
    data: dict = field(default_factory=dict)
    # form: hidden field; htmx: hx-headers; fieldjs: field.js's header; json: push.js, a JSON
    # body with the hx-headers token as X-CSRFToken
    via: str = "form"
    status: int = 302  # the answer with a good token


def _key() -> str:
    return str(uuid.uuid4())


def _signin(world) -> Post:
    _link, token = signin_link_issue(person=world.guard)
    path = reverse("field:signin", kwargs={"token": token})
    return Post(None, path, path)


def _report(world, *, urgent: bool):
    return situation_report_create(
        person=world.guard,
        kind="gangguan",
        text="Kerumunan",
        urgent=urgent,
        idempotency_key=_key(),
        tps=world.tps,
    )[0]


def _incident(world) -> Post:
    report = _report(world, urgent=True)
    action = reverse("field:incident_handle", kwargs={"pk": report.pk})
    return Post("command_staff", reverse("field:incidents"), action, via="htmx", status=200)


def _incident_open(world) -> Post:
    # Not urgent: an urgent report opens its incident by itself.
    action = reverse("field:incident_open", kwargs={"pk": _report(world, urgent=False).pk})
    return Post("command_staff", reverse("field:incidents"), action)


def _incident_act(world) -> Post:
    from field.incidents.services import incident_open_from_report

    incident = incident_open_from_report(report=_report(world, urgent=False))[0]
    page = reverse("field:incident_detail", kwargs={"pk": incident.pk})
    action = reverse("field:incident_act", kwargs={"pk": incident.pk})
    return Post("command_staff", page, action, {"action": "note", "note": "Dihubungi."})


def _alert_tick(world) -> Post:
    from field.alerts.services import area_alert_set

    alert = area_alert_set(
        kecamatan=world.kecamatan, level="kuning", reason="Uji", by=world.admin_user
    )
    action = reverse("field:alert_tick", kwargs={"pk": alert.checklist.first().pk})
    return Post("command_staff", reverse("field:alert_panel"), action)


def _incident_acknowledge(world) -> Post:
    from field.incidents.services import incident_open_from_report

    incident = incident_open_from_report(report=_report(world, urgent=False))[0]
    action = reverse("field:incident_acknowledge", kwargs={"pk": incident.pk})
    page = reverse("field:incident_detail", kwargs={"pk": incident.pk})
    return Post("command_staff", page, action)


def _incident_dispatch(world) -> Post:
    # The "Kirim" form of the preview page, for a patrol officer of kecamatan A.
    case = case_for("field:incident_dispatch", world)
    preview = case.path.replace("/kirim/", "/personel/pratinjau/")
    person = case.data["personnel"]
    return Post("command_staff", f"{preview}?personnel={person}", case.path, {"personnel": person})


def _instruction_ack(world) -> Post:
    instruction = InstructionFactory(kecamatan=world.kecamatan)
    action = reverse("field:instruction_ack", kwargs={"pk": instruction.pk})
    return Post("field_officer", reverse("opsboard:me"), action)


def _dispatch_progress(world) -> Post:
    # The dispatch card's Berangkat, sent by field.js from /me/: the guard of TPS A's dispatch,
    # moved to now (their TPS duty ended at it), so that /me/ shows the card and its forms.
    from datetime import timedelta

    from core import clock
    from deployments.models import Assignment
    from field.dispatch.models import IncidentDispatch

    case = case_for("field:dispatch_progress", world)
    dispatch = IncidentDispatch.objects.get(personnel=world.guard)
    now = clock.now()
    others = Assignment.objects.filter(personnel=world.guard).exclude(pk=dispatch.duty_id)
    phase_id = others.values_list("phase_id", flat=True).first()
    others.update(ends_at=now)
    Assignment.objects.filter(pk=dispatch.duty_id).update(
        phase_id=phase_id, starts_at=now, ends_at=now + timedelta(hours=1)
    )
    page = reverse("opsboard:me")
    return Post("field_officer", page, case.path, case.data, via="fieldjs", status=201)


def _instruction_withdraw(world) -> Post:
    instruction = InstructionFactory(kecamatan=world.kecamatan)
    action = reverse("field:instruction_withdraw", kwargs={"pk": instruction.pk})
    return Post("command_staff", reverse("field:instructions"), action)


def _posko(world, action: str, data: dict) -> Post:
    person = world.guard
    page = f"{reverse('field:posko')}?identifier={person.identifier}&force={person.force}"
    return Post("ops_admin", page, reverse(action), {"person": person.pk, **data})


def _from_case(name: str, role: str, page_of, **post):
    """A POST whose object the URL × role walk builds (tests/access_objects.py)."""

    def build(world) -> Post:
        case = case_for(name, world)
        return Post(role, page_of(case), case.path, dict(case.data or {}), **post)

    return build


def _turnout_send(world) -> Post:
    # /me/ offers the closing figure once the TPS's voting has closed (its status step).
    from core import clock
    from field.models import TPSStatusStep

    TPSStatusStep.objects.create(
        tps=world.tps, step=TPSStatusStep.Step.VOTING_CLOSED, at=clock.now()
    )
    action = reverse("field:turnout_send", kwargs={"pk": world.tps.pk})
    data = {"voters": 1, "idempotency_key": _key()}
    return Post("field_officer", reverse("opsboard:me"), action, data, via="fieldjs", status=201)


def _roll_call_record(world) -> Post:
    """The guard made the Polri commander of their own TPS, on a duty that began just now:
    /me/apel/ lists them with their three buttons."""
    from datetime import timedelta

    from core import clock
    from deployments.models import Assignment, Force, Personnel, PostKind

    Personnel.objects.filter(pk=world.guard.pk).update(
        force=Force.POLRI, rank="Aiptu", identifier="85999999"
    )
    duty = world.guard.assignments.get(kind=PostKind.PAM_TPS)
    Assignment.objects.filter(pk=duty.pk).update(starts_at=clock.now() - timedelta(minutes=10))
    action = reverse("field:roll_call_record", kwargs={"pk": duty.pk})
    return Post("field_officer", reverse("field:roll_call"), action, {"status": "present"})


def _posko_roll_call_record(world) -> Post:
    page = f"{reverse('field:posko_roll_call')}?kecamatan={world.kecamatan.pk}"
    duty = world.guard.assignments.get(kind="pam_tps")
    action = reverse("field:posko_roll_call_record", kwargs={"pk": duty.pk})
    return Post("ops_admin", page, action, {"status": "absent"})


def _what_if(world) -> Post:
    """Save a move of the TPS A guard to a reserve post for two hours of election day."""
    from datetime import timedelta

    from django.utils import timezone

    from deployments.models import PostKind
    from tests.factories import PostFactory, phase

    start = timezone.localtime(phase().starts_at + timedelta(hours=1))
    data = {
        "source": "nrp",
        "identifiers": world.guard.identifier,
        "post": PostFactory(kind=PostKind.CADANGAN, name="Cadangan CSRF").pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "action": "save",
    }
    page = reverse("opsboard:what_if")
    return Post("command_staff", page, page, data)


def _handover(case) -> Post:
    return Post("field_officer", case.path, case.path, {"text": "Serah terima: aman."})


def _report_page(case) -> str:
    return case.path.rsplit("/", 2)[0] + "/"


POST_CASES = {
    "login": lambda w: Post(
        None,
        reverse("login"),
        reverse("login"),
        {"username": "operator", "password": "test-Pass-2024"},
    ),
    "admin:login": lambda w: Post(
        None,
        reverse("admin:login"),
        reverse("admin:login"),
        {"username": "operator", "password": "test-Pass-2024"},
    ),
    "password_change": lambda w: Post(
        "command_staff",
        reverse("password_change"),
        reverse("password_change"),
        {"old_password": "salah", "new_password1": "x", "new_password2": "y"},
        status=200,
    ),
    "admin:password_change": lambda w: Post(
        "superuser",
        reverse("admin:password_change"),
        reverse("admin:password_change"),
        {"old_password": "salah", "new_password1": "x", "new_password2": "y"},
        status=200,
    ),
    # The language switch is in every page's top bar (base.html).
    "set_language": lambda w: Post(
        "command_staff",
        reverse("opsboard:dashboard"),
        reverse("set_language"),
        {"language": "en", "next": "/"},
    ),
    "logout": lambda w: Post("command_staff", reverse("opsboard:dashboard"), reverse("logout")),
    "admin:logout": lambda w: Post(
        "superuser", reverse("admin:password_change"), reverse("admin:logout")
    ),
    "field:signin": _signin,
    "field:checkin": lambda w: Post(
        "field_officer",
        reverse("opsboard:me"),
        reverse("field:checkin"),
        {"tps": w.tps.pk, "latitude": "-7.815", "longitude": "111.985", "idempotency_key": _key()},
    ),
    "field:tps_status": lambda w: Post(
        "field_officer",
        reverse("opsboard:me"),
        reverse("field:tps_status", kwargs={"pk": w.tps.pk}),
        {"step": 1},
    ),
    # field.js posts the report with the form's token as X-CSRFToken, asking for JSON.
    "field:report": lambda w: Post(
        "field_officer",
        reverse("field:report"),
        reverse("field:report"),
        {"kind": "aman", "text": "Aman terkendali", "tps": w.tps.pk, "idempotency_key": _key()},
        via="fieldjs",
        status=201,
    ),
    "field:instruction_ack": _instruction_ack,
    "field:dispatch_progress": _dispatch_progress,
    "field:incident_handle": _incident,
    "field:instructions": lambda w: Post(
        "command_staff",
        reverse("field:instructions"),
        reverse("field:instructions"),
        {"kecamatan": w.kecamatan.pk, "text": "Siaga di TPS."},
    ),
    "field:instruction_withdraw": _instruction_withdraw,
    "field:incident_open": _incident_open,
    "field:incident_act": _incident_act,
    "field:incident_acknowledge": _incident_acknowledge,
    "field:incident_dispatch": _incident_dispatch,
    # The alert panel's forms (field/_alert_panel.html): a level, and a step of its checklist.
    "field:alert_set": lambda w: Post(
        "command_staff",
        reverse("field:alert_panel"),
        reverse("field:alert_set", kwargs={"pk": w.kecamatan.pk}),
        {"level": "kuning", "reason": "Massa berkumpul"},
    ),
    "field:alert_tick": _alert_tick,
    # The panic press, sent by field.js after its countdown, for the signed-in officer.
    "field:panic": lambda w: Post(
        "field_officer",
        reverse("opsboard:me"),
        reverse("field:panic"),
        {"confirm": "1", "idempotency_key": _key()},
        via="fieldjs",
        status=201,
    ),
    "field:turnout_send": _turnout_send,
    "field:posko_turnout": lambda w: _posko(
        w, "field:posko_turnout", {"tps": w.tps.pk, "voters": 1, "idempotency_key": _key()}
    ),
    "field:turnout_import": lambda w: Post(
        "ops_admin",
        reverse("field:turnout_import"),
        reverse("field:turnout_import"),
        {"action": "check"},
        status=422,
    ),
    "field:logistics_record": _from_case(
        "field:logistics_record", "command_staff", lambda c: c.path.replace("catat/", "")
    ),
    # The handover note on the phone: the page is its own form's.
    "field:handover": lambda w: _handover(case_for("field:handover", w)),
    # The roster's forms, on the object's week view (docs/shifts.md).
    "opsboard:shift_rotation": _from_case(
        "opsboard:shift_rotation", "ops_admin", lambda c: c.path.replace("rotasi/", ""), status=200
    ),
    "opsboard:shift_swap": _from_case(
        "opsboard:shift_swap", "ops_admin", lambda c: c.path.replace("tukar/", "")
    ),
    "reports:report_generate": lambda w: Post(
        "command_staff",
        reverse("reports:report_list"),
        reverse("reports:report_generate"),
        {"day": "2024-11-27"},
    ),
    "reports:report_edit": _from_case("reports:report_edit", "command_staff", _report_page),
    "reports:report_sign": _from_case("reports:report_sign", "command_staff", _report_page),
    "reports:report_revise": _from_case("reports:report_revise", "command_staff", _report_page),
    "opsboard:what_if": _what_if,
    "special:report_generate": lambda w: Post(
        "command_staff",
        reverse("special:report_list"),
        reverse("special:report_generate"),
        {"kejadian": notable_incident(w).pk},
    ),
    "special:report_edit": _from_case("special:report_edit", "command_staff", _report_page),
    "special:report_sign": _from_case("special:report_sign", "command_staff", _report_page),
    "special:report_revise": _from_case("special:report_revise", "command_staff", _report_page),
    "field:cards_print": lambda w: Post(
        "ops_admin",
        reverse("field:cards"),
        reverse("field:cards_print"),
        {"desa": w.tps.desa_id},
        status=200,
    ),
    "field:links_revoke": lambda w: Post(
        "ops_admin",
        reverse("field:cards"),
        reverse("field:links_revoke"),
        {"revoke-identifier": w.guard.identifier, "revoke-force": w.guard.force},
    ),
    "field:sessions_end": lambda w: Post(
        "ops_admin",
        reverse("field:cards"),
        reverse("field:sessions_end"),
        {"signout-identifier": w.guard.identifier, "signout-force": w.guard.force},
    ),
    # static/field/push.js on the incident board: the browser's subscription, and its removal.
    "field:push_subscribe": lambda w: Post(
        "command_staff",
        reverse("field:incident_board"),
        reverse("field:push_subscribe"),
        push_subscription_body(),
        via="json",
        status=201,
    ),
    "field:push_unsubscribe": lambda w: Post(
        "command_staff",
        reverse("field:incident_board"),
        reverse("field:push_unsubscribe"),
        {"endpoint": push_subscription_body()["endpoint"]},
        via="json",
        status=204,
    ),
    "field:posko_checkin": lambda w: _posko(w, "field:posko_checkin", {"tps": w.tps.pk}),
    "field:posko_status": lambda w: _posko(w, "field:posko_status", {"tps": w.tps.pk, "step": 1}),
    "field:posko_report": lambda w: _posko(
        w,
        "field:posko_report",
        {"kind": "aman", "text": "Lewat radio", "tps": w.tps.pk, "idempotency_key": _key()},
    ),
    "field:roll_call_record": _roll_call_record,
    "field:posko_roll_call_record": _posko_roll_call_record,
}


def _post_with_page_token(client: Client, post: Post):
    page = client.get(post.page)
    assert page.status_code == 200, f"{post.page} answered {page.status_code}"
    text = page.content.decode()
    if post.via == "json":
        return client.post(
            post.action,
            json.dumps(post.data),
            content_type="application/json",
            headers={"x-csrftoken": htmx_token(text)},
        )
    if post.via == "htmx":
        token = htmx_token(text)
        return client.post(
            post.action, post.data, headers={"hx-request": "true", "x-csrftoken": token}
        )
    token = form_token(text, post.action)
    if post.via == "fieldjs":
        return client.post(
            post.action,
            {**post.data, "csrfmiddlewaretoken": token},
            headers={"accept": "application/json", "x-csrftoken": token},
        )
    return client.post(post.action, {**post.data, "csrfmiddlewaretoken": token})


@pytest.mark.parametrize("name", sorted(POST_CASES))
def test_a_post_with_the_token_of_its_page_is_accepted(name, world, clients):
    post = POST_CASES[name](world)
    client = clients(post.role)

    response = _post_with_page_token(client, post)

    assert REFUSED not in response
    assert response.status_code == post.status, response.content.decode()[:500]


def test_every_site_url_that_accepts_a_post_is_in_post_cases(world, clients):
    # With a good token (the cookie's, sent as htmx would), a view that takes no POST answers
    # 405; every other answer means the URL takes a POST and must be checked above.
    accepting = set()
    # Signing out last: it ends the session that the other requests run in.
    routes = sorted(routes_with_objects(world), key=lambda route: route[1] == "logout")
    for path, name, group in routes:
        if group.startswith("admin_") or name in ("admin:login", "admin:logout"):
            continue
        client = clients(role_for(group))
        response = client.post(path, {}, headers={"x-csrftoken": cookie_token(client)})
        assert REFUSED not in response, f"{path} refused the cookie's token"
        if response.status_code != 405:
            accepting.add(name)

    site_cases = {n for n in POST_CASES if not n.startswith("admin:")}
    assert accepting == site_cases


def test_every_admin_post_with_the_token_of_its_page_is_accepted(world, clients):
    # The Django admin's own forms carry the token (its templates; ours are scanned below).
    # The token goes in the header, so that the POST body stays empty and no delete
    # confirmation or change is carried out by the walk.
    client = clients("superuser")
    wrong, checked = [], 0

    for path, name, group in routes_with_objects(world):
        if not group.startswith("admin_") or name in POST_CASES:
            continue
        page = client.get(path)
        text = page.content.decode(errors="replace")  # exports are XLSX
        found = TOKEN_RE.search(text) if page.status_code == 200 else None
        token = found.group(1) if found else cookie_token(client)
        response = client.post(path, {}, headers={"x-csrftoken": token})
        checked += 1
        if REFUSED in response or response.status_code >= 500:
            wrong.append(f"{path} ({name}): {response.status_code}")

    assert checked > 100
    assert wrong == []


# Templates: every POST form carries the token


def _project_templates() -> list[Path]:
    base = Path(django_settings.BASE_DIR)
    folders = [base / "templates", *base.glob("*/templates")]
    return sorted(p for folder in folders for p in folder.rglob("*.html"))


def test_every_post_form_in_the_templates_has_a_csrf_token():
    missing = []
    templates = _project_templates()

    for template in templates:
        text = template.read_text()
        for attributes, body in FORM_RE.findall(text):
            if re.search(r"method=[\"']?post", attributes, re.I) and "{% csrf_token %}" not in body:
                missing.append(f"{template}: <form{attributes}>")

    assert len(templates) > 30
    assert missing == []


def _partial_of_base(template: Path, templates: dict[Path, str]) -> bool:
    """A partial (`_name.html`) included only by pages built on base.html: its requests, and
    those of what it swaps in, inherit the <body>'s hx-headers."""
    if not template.name.startswith("_"):
        return False
    name = f"{template.parent.name}/{template.name}"
    includers = [text for text in templates.values() if f'include "{name}"' in text]
    return bool(includers) and all('{% extends "base.html" %}' in t for t in includers)


def test_htmx_posts_carry_the_token_from_base_html():
    # Every hx-post/put/patch/delete is in a page built on base.html, whose <body> hands htmx
    # the token; field pages (no htmx) post with field.js, which reads the form's token.
    base = (Path(django_settings.BASE_DIR) / "templates" / "base.html").read_text()
    offenders = []

    templates = {t: t.read_text() for t in _project_templates()}
    for template, text in templates.items():
        posts = re.search(r"\shx-(post|put|patch|delete)=", text)
        if (
            posts
            and '{% extends "base.html" %}' not in text
            and not _partial_of_base(template, templates)
        ):
            offenders.append(str(template))

    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in base
    assert offenders == []
