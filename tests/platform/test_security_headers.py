"""Security headers on every kind of response, and templates that let the CSP stay strict.

The Content-Security-Policy allows no inline script and no eval (STYLE.md); the template scan
below keeps the templates free of what such a policy would block, so that nobody is tempted to
loosen it.
"""

import re
from pathlib import Path

import pytest

from tests.platform.conftest import BASE_DIR

TEMPLATE_ROOTS = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]

RESPONSES = [
    ("/accounts/login/", None, 200),
    ("/healthz", None, 200),
    ("/api/summary.json", "command_staff", 200),
    ("/api/summary.json", None, 401),
]


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "persona", "status"), RESPONSES)
def test_responses_carry_a_strict_content_security_policy(request, login, path, persona, status):
    client = login(request.getfixturevalue(persona) if persona else None)

    response = client.get(path)

    assert response.status_code == status
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    for directive in ("script-src", "style-src", "default-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(csp[directive])


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "persona", "status"), RESPONSES)
def test_responses_carry_the_usual_security_headers(request, login, path, persona, status):
    client = login(request.getfixturevalue(persona) if persona else None)

    response = client.get(path)

    assert response.status_code == status
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions  # field officers share their position, nobody else
    assert "camera=()" in permissions
    assert "microphone=()" in permissions


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
