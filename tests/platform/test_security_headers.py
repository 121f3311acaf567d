"""Security headers on every kind of response, and templates that let the CSP stay strict.

The Content-Security-Policy allows no inline script and no eval (STYLE.md); the template scan
below keeps the templates free of what such a policy would block, so that nobody is tempted to
loosen it.
"""

import re
from pathlib import Path

import pytest

from tests.csp import csp_directives, csp_problem
from tests.platform.conftest import BASE_DIR

TEMPLATE_ROOTS = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]


# One request of each kind of response the site gives, with the status it must answer. Every
# URL the site serves, for every role, is checked too: both walks of tests/test_access_matrix.py
# check the policy on each answer. These are the kinds that walk does not make: errors, htmx,
# exports, and answers given by a middleware before any view runs.
def _get(path, **headers):
    return lambda client: client.get(path, headers=headers)


def _too_large(path, **headers):
    # Refused on the declared length alone, before a byte is read: no body needs sending.
    return lambda client: client.post(path, CONTENT_LENGTH=str(100 * 1024 * 1024), headers=headers)


HTMX = {"HX-Request": "true"}
KINDS = {
    "login page": (None, _get("/accounts/login/"), 200),
    "healthz JSON": (None, _get("/healthz"), 200),
    "API JSON": ("command_staff", _get("/api/summary.json"), 200),
    "API 401 JSON": (None, _get("/api/summary.json"), 401),
    "API 403 JSON": ("field_officer", _get("/api/summary.json"), 403),
    "dashboard page": ("command_staff", _get("/"), 200),
    "htmx fragment": ("command_staff", _get("/", **HTMX, **{"HX-Target": "figures"}), 200),
    "htmx redirect of an expired session": (None, _get("/", **HTMX), 204),
    "redirect to the login page": (None, _get("/"), 302),
    "field officer's page": ("field_officer", _get("/me/"), 200),
    "CSV export": ("command_staff", _get("/export/gaps/?format=csv"), 200),
    "XLSX export": ("command_staff", _get("/export/areas/?format=xlsx"), 200),
    "export in an unknown format": ("command_staff", _get("/export/gaps/?format=pdf"), 400),
    "admin index": ("superuser", _get("/admin/"), 200),
    "admin change list": ("superuser", _get("/admin/tps/tps/"), 200),
    "404 signed in": ("command_staff", _get("/tidak-ada/"), 404),
    "404 anonymous": (None, _get("/tidak-ada/"), 404),
    "403": ("field_officer", _get("/lapangan/insiden/"), 403),
    "405": ("field_officer", _get("/me/checkin/"), 405),
    "413 page": ("field_officer", _too_large("/me/lapor/"), 413),
    "413 JSON": ("field_officer", _too_large("/me/lapor/", Accept="application/json"), 413),
}


def _answer(request, login, kind):
    persona, send, status = KINDS[kind]
    client = login(request.getfixturevalue(persona) if persona else None)
    response = send(client)
    assert response.status_code == status, response.content[:300]
    return response


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_response_carries_a_strict_content_security_policy(
    request, login, election_day, kind
):
    response = _answer(request, login, kind)

    assert csp_problem(response) == ""
    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_response_carries_the_usual_security_headers(
    request, login, election_day, kind
):
    response = _answer(request, login, kind)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions  # field officers share their position, nobody else
    assert "camera=()" in permissions
    assert "microphone=()" in permissions


# The 503 of a database outage, from the view and from SessionMiddleware saving the session
# after it (tests/hardening/test_server_error.py's failing views, with the project's URLs).
OUTAGES = {
    "503 page": ("/putus/", {}),
    "503 htmx fragment": ("/putus/", HTMX),
    "503 JSON": ("/api/putus.json", {}),
    "503 from the session's save": ("/sesi/", {}),
}


@pytest.mark.urls("tests.hardening.test_server_error")
@pytest.mark.parametrize("kind", OUTAGES)
def test_the_503_of_a_database_outage_carries_a_strict_content_security_policy(
    login, command_staff, kind
):
    path, headers = OUTAGES[kind]
    client = login(command_staff)
    client.raise_request_exception = False

    response = client.get(path, headers=headers)

    assert response.status_code == 503
    assert csp_problem(response) == ""
    assert response["X-Frame-Options"] == "DENY"


# What the scan refuses, and why each would need the CSP loosened.
FORBIDDEN = {
    "inline <script> (behaviour belongs in static/*.js)": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json[\"'])[^>]*>",
        re.IGNORECASE,
    ),
    "on…= event-handler attribute": re.compile(r"(?<![\w-])on[a-z]+\s*=\s*[\"'{]", re.IGNORECASE),
    "hx-on attribute (evaluates its value as script)": re.compile(r"\bhx-on\b", re.IGNORECASE),
    "style= attribute (style-src 'self' blocks it)": re.compile(
        r"(?<![\w-])style\s*=\s*[\"'{]", re.IGNORECASE
    ),
    "inline <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript\s*:", re.IGNORECASE),
}


def _blank_template_tags(text: str) -> str:
    # {% with online="…" %} and {# comments #} are not markup; keep the line numbers.
    return re.sub(
        r"\{%.*?%\}|\{#.*?#\}",
        lambda m: re.sub(r"[^\n]", " ", m.group()),
        text,
        flags=re.DOTALL,
    )


def _violations(text: str) -> list[tuple[int, str]]:
    text = _blank_template_tags(text)
    found = []
    for rule, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, rule))
    return found


def _templates() -> list[Path]:
    return sorted(path for root in TEMPLATE_ROOTS for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>htmx.config.x = 1</script>",
        '<script type="module">init()</script>',
        '<button onclick="go()">',
        '<body onload = "start()">',
        '<div hx-on:click="alert(1)">',
        '<div hx-on::after-request="x()">',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
        '<a href="javascript:void(0)">',
        '<a href="JavaScript:go()">',
    ],
)
def test_template_scan_catches_what_the_csp_would_block(snippet):
    violations = _violations(f"<div>\n{snippet}\n</div>")

    assert violations, snippet
    assert violations[0][0] == 2


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'django_htmx/htmx-2.min.js' %}\" defer></script>",
        '<script defer src="/static/opsboard/map.js"></script>',
        '<script type="application/json" id="tps-data">{"a": 1}</script>',
        '<button type="submit" name="language" value="id">ID</button>',
        '<input name="next" type="hidden" value="{{ request.get_full_path }}">',
        "<p>Operasi Mantap Praja: petugas on duty</p>",
        '<div data-online="true" hx-get="/x" hx-trigger="load">',
        '{% with online="ya" %}{{ online }}{% endwith %}',
        '{# <button onclick="old()"> was removed #}',
    ],
)
def test_template_scan_lets_csp_safe_markup_through(snippet):
    violations = _violations(snippet)

    assert violations == []


def test_templates_have_no_inline_script_handlers_styles_or_javascript_urls():
    templates = _templates()

    violations = [
        f"{path.relative_to(BASE_DIR)}:{line}: {rule}"
        for path in templates
        for line, rule in _violations(path.read_text(encoding="utf-8"))
    ]

    assert BASE_DIR / "templates" / "base.html" in templates
    assert violations == []


def test_htmx_request_from_an_expired_session_gets_hx_redirect_to_login(anonymous):
    response = anonymous.get("/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/"


def test_plain_request_without_a_session_is_redirected_to_login(anonymous):
    response = anonymous.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
