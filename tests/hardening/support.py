"""The machinery of the fault tests: a TCP proxy to cut, and the app's processes to run through it.

Faults are made for real, never mocked: the app, the worker and beat run as child processes on the
test database, and reach PostgreSQL or Redis through a loopback proxy that the test cuts and
restores. The services the suite itself runs on are never stopped.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse
from uuid import uuid4

import redis
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_PY = BASE_DIR / "opsboard" / "settings.py"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.2):
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class TCPProxy:
    """A loopback TCP proxy between the app and a service, which a test cuts and restores.

    ``cut("refuse")`` is the service gone: existing connections are dropped and new ones are
    refused. ``cut("blackhole")`` is a host that stopped answering: existing connections are
    dropped, new ones are accepted and never answered, so only the client's timeouts end them.
    ``cut("silent")`` is a server that hangs while its host stays up: every connection, kept or
    new, stays open and is read, and nothing is answered. The proxy's kernel acknowledges every
    packet, as a hung server's would, so TCP keepalives and tcp_user_timeout see nothing wrong.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "up"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._stop = threading.Event()

    def __enter__(self) -> "TCPProxy":
        self._listen()
        return self

    def __exit__(self, *exc) -> None:
        self._close_listener()
        self._drop_all()

    def cut(self, mode: str = "refuse") -> None:
        assert mode in ("refuse", "blackhole", "silent")
        self.mode = mode
        if mode == "refuse":
            self._close_listener()
        elif self._listener is None:
            self._listen()
        if mode != "silent":
            self._drop_all()

    def restore(self) -> None:
        self.mode = "up"
        if self._listener is None:
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.1)
        self._listener = listener
        self._stop.clear()
        self._accepting = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._accepting.start()

    def _close_listener(self) -> None:
        if self._listener is None:
            return
        self._stop.set()
        assert self._accepting is not None
        self._accepting.join(timeout=5)
        self._listener = None

    def _accept_loop(self, listener: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                self._track(client)
                if self.mode == "blackhole":
                    continue  # held open, never answered
                if self.mode == "silent":
                    threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=2)
                except OSError:
                    self._drop(client)
                    continue
                upstream.settimeout(None)
                self._track(upstream)
                for src, dst in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()
        finally:
            listener.close()

    def _pump(self, src: socket.socket, dst: socket.socket | None) -> None:
        try:
            while data := src.recv(65536):
                if dst is not None and self.mode != "silent":
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(src)
            if dst is not None:
                self._drop(dst)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a pump blocked in recv
        sock.close()

    def _drop_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._drop(sock)


# The app's processes


def database_url(*, port: int | None = None) -> str:
    """The test database (pytest-django's test_… name) as a DATABASE_URL, optionally via a proxy."""
    db = settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgresql"), "needs the services marker"
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or db.get('PORT') or 5432}/{db['NAME']}"


def redis_address() -> tuple[str, int]:
    parsed = urlparse(os.environ["OPSBOARD_TEST_REDIS_URL"])
    return parsed.hostname or "127.0.0.1", parsed.port or 6379


def redis_url_via(port: int) -> str:
    """The test Redis database, reached on loopback `port` (a proxy)."""
    database = urlparse(os.environ["OPSBOARD_TEST_REDIS_URL"]).path.lstrip("/") or "0"
    return f"redis://127.0.0.1:{port}/{database}"


def _settings_variables() -> set[str]:
    source = SETTINGS_PY.read_text(encoding="utf-8")
    return set(re.findall(r'env_(?:str|bool|int|list|datetime)\(\s*"([A-Z][A-Z0-9_]*)"', source))


def app_environ(**overrides: str) -> dict[str, str]:
    """The environment of a child process of the app: none of the parent's settings leak in.

    The secret key is the test process's, so that sessions made here are valid there.
    """
    names = _settings_variables() | {"DJANGO_SETTINGS_MODULE", "OPSBOARD_TEST_REDIS_URL"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in names and not (key.endswith("_FILE") and key[: -len("_FILE")] in names)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="opsboard.settings",
        SECRET_KEY=settings.SECRET_KEY,
        PYTHONUNBUFFERED="1",
        COVERAGE_DEBOUNCE_SECONDS="0",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def run_app_code(code: str, env: dict[str, str], *, timeout: float = 60) -> dict:
    """Run Python in a fresh app process (`manage.py shell -c`); it prints one JSON line."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON line in output: {result.stdout[-2000:]} {result.stderr[-2000:]}"
    return {**json.loads(lines[-1]), "stderr": result.stderr}


class Process:
    """A child process whose output goes to a log file that the test reads and shows on failure."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_output(self, pattern: str, *, timeout: float) -> None:
        def seen():
            if self.popen.poll() is not None:
                raise AssertionError(f"process exited early:\n{self.output()[-4000:]}")
            return re.search(pattern, self.output())

        wait_until(seen, timeout=timeout, what=f"{pattern!r} in {self.log.name}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, as when the kernel's OOM killer strikes."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log_file.close()


@contextmanager
def app_server(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """gunicorn serving the app on a free loopback port; yields its base URL."""
    port = free_port()
    server = Process(
        [
            str(VENV_BIN / "gunicorn"),
            "opsboard.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=60",
        ],
        env,
        log_dir / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _answers(base + "/healthz"), timeout=60, what="gunicorn to answer /healthz"
        )
        yield base
    except BaseException:
        print(server.output()[-6000:])
        raise
    finally:
        server.stop()


def _answers(url: str) -> bool:
    try:
        http_get(url, timeout=2)
    except OSError:
        return False
    return True


@contextmanager
def celery_worker(env: dict[str, str], log: Path, *, pool: str = "solo") -> Iterator[Process]:
    """A real worker. The solo pool runs the task in the process we may SIGKILL; ``prefork``
    runs it as deployed, in one pool child that the worker replaces when it dies."""
    pool_args = ["--pool=prefork", "--concurrency=1"] if pool == "prefork" else ["--pool=solo"]
    worker = Process(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "opsboard",
            "worker",
            *pool_args,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--hostname=hardening-{log.stem}@%h",
        ],
        env,
        log,
    )
    try:
        worker.wait_for_output(r"ready\.", timeout=60)
        yield worker
    except BaseException:
        print(worker.output()[-6000:])
        raise
    finally:
        worker.stop()


@contextmanager
def celery_beat(env: dict[str, str], log: Path) -> Iterator[Process]:
    beat = Process(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "opsboard",
            "beat",
            "--loglevel=INFO",
            f"--schedule={log.with_suffix('.schedule')}",
        ],
        env,
        log,
    )
    try:
        beat.wait_for_output(r"beat: Starting", timeout=60)
        yield beat
    except BaseException:
        print(beat.output()[-6000:])
        raise
    finally:
        beat.stop()


class Response:
    def __init__(self, status: int, body: bytes, elapsed: float, headers=None) -> None:
        self.status = status
        self.body = body
        self.elapsed = elapsed
        self.headers = headers if headers is not None else {}

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def http_get(
    url: str,
    *,
    session_key: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Response:
    """GET without following redirects; 4xx and 5xx are answers, not exceptions."""
    return http_request(url, session_key=session_key, headers=headers, timeout=timeout)


def http_request(
    url: str,
    *,
    data: dict[str, str] | None = None,
    session_key: str | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Response:
    """GET, or POST a form when `data` is given; redirects are answers, never followed."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    jar = dict(cookies or {})
    if session_key:
        jar[settings.SESSION_COOKIE_NAME] = session_key
    if jar:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in jar.items()))
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            return Response(
                response.status, response.read(), time.monotonic() - started, response.headers
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), time.monotonic() - started, error.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx comes back as an HTTPError: an answer to look at


def set_cookies(response: Response) -> dict[str, str]:
    """The cookies a response sets, name → value."""
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def production_environ(var_dir: Path, **overrides: str) -> dict[str, str]:
    """app_environ with the production settings (DEBUG=false), as the Docker image runs them:
    only then does Django answer errors with the project's handlers instead of its debug page.

    Plain HTTP on loopback (OPSBOARD_ALLOW_HTTP), and static files collected into `var_dir`,
    since the manifest storage of production refuses to render a page without them. The secret
    key is the test's (settings.SECRET_KEY), which must therefore pass production's checks.
    """
    env = app_environ(
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        OPSBOARD_ALLOW_HTTP="true",
        OPSBOARD_VAR_DIR=str(var_dir),
        **overrides,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return env


def session_key_for(user) -> str:
    """A signed-in session made directly in the database, as a browser's login would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "opsboard.auth.OpsboardBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@contextmanager
def redis_keyspace() -> Iterator[tuple[str, str]]:
    """This run's own keys in the shared test Redis: (REDIS_URL, REDIS_KEY_PREFIX).

    A unique prefix instead of a database number of its own, so that runs on one host (several
    checkouts, CI jobs, a developer's stack) never read each other's queues; at the end only
    this prefix's keys are deleted, never the database.
    """
    prefix = f"opsboard-test-{uuid4().hex}:"
    url = os.environ["OPSBOARD_TEST_REDIS_URL"]
    client = redis.Redis.from_url(url)
    try:
        yield url, prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()
