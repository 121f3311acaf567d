"""The production stack's files, checked without a Docker engine (none runs on CI machines).

Debian's docker-compose (1.29, Python) validates and renders docker-compose.yml with no engine;
.ci/run installs it. The Dockerfile is checked by reading it: the files it copies and the
commands it runs must exist, and its CMD and HEALTHCHECK are run here against gunicorn.
"""

import fnmatch
import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.platform.conftest import BASE_DIR, settings_variables

COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
WORKERS = {"worker", "worker-coverage", "worker-imports", "worker-notifications"}
APP_SERVICES = {"migrate", "web", "beat"} | WORKERS
# Through PgBouncer in transaction mode; migrate and beat connect directly.
POOLED = {"web"} | WORKERS
LONG_RUNNING = {"web", "beat", "db", "redis", "pgbouncer"} | WORKERS
# Settings the containers need not receive: fixed by the image or meaningless in it.
NOT_PASSED_TO_CONTAINERS = {
    "OPSBOARD_VAR_DIR",  # the image sets /app/var, where its static files are
    "GDAL_LIBRARY_PATH",  # the wheels' own copies are in the image
    "GEOS_LIBRARY_PATH",
    "OPSBOARD_COMPARE_SQLITE",  # tests only
}


@pytest.fixture(scope="module")
def docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        pytest.fail(
            "docker-compose is not installed, so docker-compose.yml cannot be validated: "
            "apt-get install --no-install-recommends docker-compose (.ci/run does)."
        )
    return path


def _compose(docker_compose, tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    # Only the variables given: neither the caller's environment nor a developer's .env leaks in.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.touch()
    return subprocess.run(
        [
            docker_compose,
            "--project-directory",
            str(BASE_DIR),
            "-f",
            str(COMPOSE_FILE),
            "--env-file",
            str(empty_env_file),
            *args,
        ],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def rendered(docker_compose, tmp_path_factory) -> dict:
    """`docker-compose config` as a dict, with the variables a deployment's .env sets."""
    tmp_path = tmp_path_factory.mktemp("compose")
    result = _compose(
        docker_compose,
        tmp_path,
        "config",
        POSTGRES_PASSWORD="pw0123",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="opsboard.example",
    )
    assert result.returncode == 0, result.stderr
    # YAML to JSON with the interpreter that runs docker-compose: its PyYAML is a dependency of
    # Debian's package, while the project itself needs no YAML library.
    interpreter = Path(docker_compose).read_text(encoding="utf-8").splitlines()[0][2:].split()
    converted = subprocess.run(
        [
            *interpreter,
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
        ],
        input=result.stdout,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(converted.stdout)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _dockerignore_excludes(relative: str) -> bool:
    excluded = False
    for raw in (BASE_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = Path(relative).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern.removeprefix("**/")) for prefix in prefixes):
            excluded = not negate
    return excluded


def _exec_form(value: str) -> list[str]:
    return json.loads(value)


def test_compose_file_is_valid(docker_compose, tmp_path):
    result = _compose(
        docker_compose,
        tmp_path,
        "config",
        "-q",
        POSTGRES_PASSWORD="pw0123",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="opsboard.example",
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_compose_refuses_to_render_without_postgres_password(docker_compose, tmp_path):
    result = _compose(docker_compose, tmp_path, "config", "-q")

    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in result.stderr


def test_stack_is_web_worker_one_beat_db_redis_and_a_migration_step(rendered):
    services = rendered["services"]

    beats = [name for name, svc in services.items() if "beat" in svc.get("command", [])]

    assert set(services) == APP_SERVICES | {"db", "redis", "pgbouncer"}
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in WORKERS:
        assert services[name]["command"][:4] == ["celery", "-A", "opsboard", "worker"], name
    assert services["beat"]["command"][:4] == ["celery", "-A", "opsboard", "beat"]
    assert "command" not in services["web"]  # the image's CMD: gunicorn
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_every_queue_has_a_worker_and_each_worker_its_own_kind(rendered):
    """opsboard/queues.py: a queue nobody consumes would hold its tasks for ever."""
    from opsboard.queues import QUEUES

    consumed = {}
    for name in WORKERS:
        command = rendered["services"][name]["command"]
        consumed[name] = set(command[command.index("-Q") + 1].split(","))
    assert set().union(*consumed.values()) == set(QUEUES)
    assert consumed["worker-coverage"] == {"coverage"}
    assert consumed["worker-imports"] == {"imports"}
    assert consumed["worker-notifications"] == {"notifications"}


def test_app_services_share_one_image_and_run_production_settings(rendered):
    services = rendered["services"]

    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["context"] == str(BASE_DIR), name
        assert service["image"] == "opsboard:latest", name
        env = service["environment"]
        assert env["DEBUG"] == "false", name
        if name in POOLED:
            assert env["DATABASE_URL"] == "postgres://opsboard:pw0123@pgbouncer:6432/opsboard"
            assert env["DATABASE_POOL_MODE"] == "transaction", name
        else:
            assert env["DATABASE_URL"] == "postgres://opsboard:pw0123@db:5432/opsboard", name
            assert env.get("DATABASE_POOL_MODE", "session") == "session", name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["SECRET_KEY"] == "k" * 50, name  # passed through from .env / the shell
        assert env["ALLOWED_HOSTS"] == "opsboard.example", name


def test_pgbouncer_is_debians_in_front_of_the_primary_and_the_pooled_wait_for_it(rendered):
    services = rendered["services"]

    pgbouncer = services["pgbouncer"]
    assert pgbouncer["build"]["context"] == str(BASE_DIR / "docker" / "pgbouncer")
    assert pgbouncer["depends_on"]["db"] == {"condition": "service_healthy"}
    assert pgbouncer["environment"]["POSTGRES_PASSWORD"] == "pw0123"
    dockerfile = (BASE_DIR / "docker" / "pgbouncer" / "Dockerfile").read_text()
    assert "FROM debian:bookworm" in dockerfile and "install" in dockerfile
    assert "pool_mode = transaction" in (BASE_DIR / "docker/pgbouncer/pgbouncer.ini").read_text()
    for name in POOLED:
        assert services[name]["depends_on"]["pgbouncer"] == {"condition": "service_healthy"}


def test_every_setting_reaches_the_containers(rendered):
    env = rendered["services"]["web"]["environment"]

    missing = sorted(settings_variables() - NOT_PASSED_TO_CONTAINERS - set(env))

    assert missing == [], f"pass these through in docker-compose.yml's x-app environment: {missing}"


def test_services_wait_for_healthy_dependencies(rendered):
    services = rendered["services"]

    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["db"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    for name in APP_SERVICES - {"migrate"}:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name


def test_services_have_health_checks_restart_policies_and_volumes(rendered):
    services = rendered["services"]

    assert services["db"]["image"] == "postgres:15"
    assert "pg_isready" in services["db"]["healthcheck"]["test"]
    assert "pgdata:/var/lib/postgresql/data:rw" in services["db"]["volumes"]
    assert services["redis"]["image"] == "redis:7"
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "redis-data:/data:rw" in services["redis"]["volumes"]
    for name in WORKERS:
        assert "inspect ping" in " ".join(services[name]["healthcheck"]["test"]), name
    assert "healthcheck" not in services["web"]  # the Dockerfile's HEALTHCHECK applies
    assert {name for name in LONG_RUNNING if services[name]["restart"] == "unless-stopped"} == (
        LONG_RUNNING
    )
    assert services["migrate"]["restart"] == "no"
    assert set(rendered["volumes"]) == {"pgdata", "redis-data", "beat-schedule"}


def test_web_publishes_on_loopback_only_for_the_reverse_proxy(rendered):
    ports = rendered["services"]["web"]["ports"]

    assert [port.removesuffix("/tcp") for port in ports] == ["127.0.0.1:8000:8000"]


def test_dockerfile_copies_only_files_that_exist_and_reach_the_build_context():
    copies = [rest for keyword, rest in _dockerfile_instructions() if keyword == "COPY"]

    sources = [src for rest in copies if "--from" not in rest for src in rest.split()[:-1]]

    assert sources, "the Dockerfile copies nothing?"
    for source in sources:
        assert (BASE_DIR / source).exists(), source
        if source != ".":
            assert not _dockerignore_excludes(source), source
    for needed in (
        "manage.py",
        "opsboard/wsgi.py",
        "opsboard/celery.py",
        "docker/healthcheck.py",
        "requirements.lock",
        "templates/base.html",
        "static/opsboard/base.css",
    ):
        assert (BASE_DIR / needed).exists(), needed
        assert not _dockerignore_excludes(needed), f".dockerignore drops {needed} from the image"
    for secret_or_state in (".env", "var/opsboard.sqlite3", ".venv/bin/python", ".git/config"):
        assert _dockerignore_excludes(secret_or_state), f".dockerignore lets {secret_or_state} in"


def test_dockerfile_base_image_python_matches_the_project():
    instructions = _dockerfile_instructions()
    base = next(rest for keyword, rest in instructions if keyword == "FROM")
    pyproject = (BASE_DIR / "pyproject.toml").read_text(encoding="utf-8")

    requires = re.search(r'requires-python = ">=(\d+\.\d+)', pyproject).group(1)

    assert base == f"python:{requires}-slim-bookworm"
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == requires


def test_dockerfile_runs_as_an_unprivileged_user():
    users = [rest for keyword, rest in _dockerfile_instructions() if keyword == "USER"]

    assert users, "no USER instruction: the container would run as root"
    assert users[-1] not in {"root", "0", "0:0"}


def test_commands_that_the_stack_names_exist():
    instructions = _dockerfile_instructions()
    cmd = _exec_form(next(rest for keyword, rest in instructions if keyword == "CMD"))
    healthcheck = next(rest for keyword, rest in instructions if keyword == "HEALTHCHECK")
    locked = {
        line.split("==")[0].lower()
        for line in (BASE_DIR / "requirements.lock").read_text(encoding="utf-8").splitlines()
    }

    import opsboard
    import opsboard.wsgi

    assert cmd[:2] == ["gunicorn", "opsboard.wsgi:application"]
    assert callable(opsboard.wsgi.application)
    assert {"gunicorn", "celery", "redis", "psycopg", "whitenoise"} <= locked
    assert opsboard.celery_app.main == "opsboard"
    assert (BASE_DIR / "manage.py").is_file()
    assert _exec_form(healthcheck.split("CMD", 1)[1])[:2] == ["python", "docker/healthcheck.py"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on 127.0.0.1:{port} within {seconds}s")


def _wait_until_serving(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the worker answers HTTP at all (any status). gunicorn's master listens before its
    worker has imported Django; the image's HEALTHCHECK has a start period for that boot, and on
    a loaded machine it takes longer than the check's own 5-second timeout."""
    _wait_for_port(port, process)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/healthz", headers={"Host": "boot.invalid"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise AssertionError(f"gunicorn's worker did not answer on port {port} within {seconds}s")


@pytest.mark.parametrize("allowed_hosts", ["opsboard.example,.example.org", ".example.org", "*"])
def test_image_cmd_serves_healthz_to_the_image_healthcheck(production_env, allowed_hosts):
    # The Dockerfile's CMD and HEALTHCHECK, run as the container runs them, on loopback.
    instructions = _dockerfile_instructions()
    cmd = _exec_form(next(rest for keyword, rest in instructions if keyword == "CMD"))
    check = _exec_form(
        next(rest for kw, rest in instructions if kw == "HEALTHCHECK").split("CMD", 1)[1]
    )
    port = _free_port()
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).with_name(cmd[0]))
    env = {**production_env, "ALLOWED_HOSTS": allowed_hosts, "WEB_CONCURRENCY": "1"}

    server = subprocess.Popen(
        [gunicorn, *cmd[1:]],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_serving(port, server)
        result = subprocess.run(
            [sys.executable, check[1], str(port)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        server.terminate()
        server.communicate(timeout=30)

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"database": "ok"' in result.stdout


def test_healthcheck_fails_when_django_refuses_the_host(production_env, tmp_path):
    # The check sends the first ALLOWED_HOSTS entry; if it were wrong, Django would answer 400.
    instructions = _dockerfile_instructions()
    cmd = _exec_form(next(rest for keyword, rest in instructions if keyword == "CMD"))
    port = _free_port()
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).with_name(cmd[0]))
    server_env = {**production_env, "WEB_CONCURRENCY": "1"}
    check_env = {**production_env, "ALLOWED_HOSTS": "other.example"}

    server = subprocess.Popen(
        [gunicorn, *cmd[1:]],
        cwd=BASE_DIR,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_serving(port, server)
        result = subprocess.run(
            [sys.executable, "docker/healthcheck.py", str(port)],
            cwd=BASE_DIR,
            env=check_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        server.terminate()
        server.communicate(timeout=30)

    assert result.returncode == 1
    assert "healthz: 400" in result.stdout


def test_healthcheck_fails_when_nothing_listens(production_env):
    port = _free_port()

    result = subprocess.run(
        [sys.executable, "docker/healthcheck.py", str(port)],
        cwd=BASE_DIR,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 1
    assert "healthz:" in result.stderr
