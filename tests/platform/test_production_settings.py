"""Production settings (DEBUG=false with SECRET_KEY and ALLOWED_HOSTS), each in a new process.

Settings are read once at import, so every case here starts `manage.py` or a small script in a
child process with its own environment (conftest.production_env), as a server would start.
"""

import json
import re

import pytest

from tests.platform.conftest import BASE_DIR, run_manage, run_python

# Requests made by Django's test Client inside a production process: the cases named on the
# command line, answered as one JSON object. (Client, not the test runner: ALLOWED_HOSTS is not
# widened with "testserver".)
REQUESTS_SCRIPT = """
import json, sys, django
django.setup()
from django.test import Client

client = Client(HTTP_HOST="opsboard.example")
https = {"HTTP_X_FORWARDED_PROTO": "https"}
cases = {
    "healthz_http": lambda: client.get("/healthz"),
    "metrics_http": lambda: client.get("/metrics"),
    "login_http": lambda: client.get("/accounts/login/"),
    "dashboard_http": lambda: client.get("/"),
    "dashboard_https": lambda: client.get("/", **https),
    "login_https": lambda: client.get("/accounts/login/", **https),
    "unknown_host": lambda: client.get("/healthz", HTTP_HOST="evil.example"),
}
out = {}
for name in sys.argv[1:]:
    r = cases[name]()
    out[name] = {
        "status": r.status_code,
        "location": r.get("Location"),
        "hsts": r.get("Strict-Transport-Security"),
        "csp": r.get("Content-Security-Policy"),
        "cookies": {k: bool(c["secure"]) for k, c in r.cookies.items()},
    }
print(json.dumps(out))
"""


def _requests(env: dict[str, str], *cases: str) -> dict:
    result = run_python(env, REQUESTS_SCRIPT, *cases)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """The Dockerfile's collectstatic step, run with the exact environment its RUN line sets."""
    from tests.platform.conftest import clean_environ

    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    run_line = next(
        line
        for line in dockerfile.splitlines()
        if line.startswith("RUN") and "collectstatic" in line
    )
    build_env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", run_line.split("python manage.py")[0]))
    assert build_env.keys() >= {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}, run_line
    var_dir = tmp_path_factory.mktemp("image-var")
    env = {**clean_environ(), **build_env, "OPSBOARD_VAR_DIR": str(var_dir)}
    result = run_manage(env, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    return build_env, var_dir


def test_check_deploy_reports_nothing_under_production_settings(production_env):
    result = run_manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_reports_nothing_with_the_secret_key_from_a_file(production_env, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(production_env.pop("SECRET_KEY") + "\n", encoding="utf-8")
    production_env["SECRET_KEY_FILE"] = str(key_file)

    result = run_manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "dev-insecure-opsboard-key-do-not-use-in-production", "short-but-not-empty"],
    ids=["unset", "development-default", "short"],
)
def test_refuses_to_start_without_a_real_secret_key(production_env, secret_key):
    production_env.pop("SECRET_KEY")
    if secret_key is not None:
        production_env["SECRET_KEY"] = secret_key

    result = run_manage(production_env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG=false needs SECRET_KEY (or SECRET_KEY_FILE)" in result.stderr


def test_refuses_to_start_without_allowed_hosts(production_env):
    production_env.pop("ALLOWED_HOSTS")

    result = run_manage(production_env, "check")

    assert result.returncode != 0
    assert "DEBUG=false needs ALLOWED_HOSTS." in result.stderr


def test_refuses_debug_yes_instead_of_reading_it_as_false(production_env):
    production_env["DEBUG"] = "yes"

    result = run_manage(production_env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='yes': use true/false, 1/0 or on/off." in result.stderr


def test_production_redirects_to_https_except_healthz_and_metrics(production_env):
    responses = _requests(
        production_env, "healthz_http", "metrics_http", "login_http", "dashboard_http"
    )

    assert responses["healthz_http"]["status"] == 200
    assert responses["metrics_http"]["status"] == 200
    assert responses["login_http"]["status"] == 301
    assert responses["login_http"]["location"] == "https://opsboard.example/accounts/login/"
    assert responses["dashboard_http"]["status"] == 301
    assert responses["dashboard_http"]["location"] == "https://opsboard.example/"


def test_production_trusts_the_proxy_header_and_sends_hsts(production_env):
    responses = _requests(production_env, "dashboard_https")

    dashboard = responses["dashboard_https"]
    assert dashboard["status"] == 302
    assert dashboard["location"] == "/accounts/login/?next=/"
    assert dashboard["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_production_refuses_hosts_outside_allowed_hosts(production_env):
    responses = _requests(production_env, "unknown_host")

    assert responses["unknown_host"]["status"] == 400


def test_production_login_page_renders_from_the_built_static_manifest(
    production_env, collected_static
):
    # The manifest storage raises on a {% static %} path that collectstatic did not produce, so
    # this is the page as the image serves it.
    _build_env, var_dir = collected_static
    production_env["OPSBOARD_VAR_DIR"] = str(var_dir)

    login = _requests(production_env, "login_https")["login_https"]

    assert login["status"] == 200
    assert "script-src 'self'" in login["csp"]
    assert login["hsts"].startswith("max-age=31536000")
    assert login["cookies"] == {"csrftoken": True}  # Secure: never sent over plain HTTP


def test_dockerfile_collectstatic_step_builds_a_compressed_manifest(collected_static):
    build_env, var_dir = collected_static

    static = var_dir / "static"

    assert build_env["DEBUG"] == "false"
    assert (static / "staticfiles.json").is_file()
    manifest = json.loads((static / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    hashed_css = static / manifest["opsboard/base.css"]
    assert hashed_css.is_file()
    assert hashed_css.with_name(hashed_css.name + ".gz").is_file()
    assert hashed_css.with_name(hashed_css.name + ".br").is_file()


def test_allow_http_switches_the_redirect_hsts_and_secure_cookies_off(
    production_env, collected_static
):
    production_env["OPSBOARD_ALLOW_HTTP"] = "true"
    production_env["OPSBOARD_VAR_DIR"] = str(collected_static[1])

    responses = _requests(production_env, "dashboard_http", "login_http", "healthz_http")

    dashboard = responses["dashboard_http"]
    assert dashboard["status"] == 302
    assert dashboard["location"] == "/accounts/login/?next=/"
    assert dashboard["hsts"] is None
    login = responses["login_http"]
    assert login["status"] == 200
    assert login["cookies"] == {"csrftoken": False}
    assert responses["healthz_http"]["status"] == 200


def test_allow_http_is_parsed_strictly(production_env):
    production_env["OPSBOARD_ALLOW_HTTP"] = "yes"

    result = run_manage(production_env, "check")

    assert result.returncode != 0
    assert "OPSBOARD_ALLOW_HTTP='yes'" in result.stderr
