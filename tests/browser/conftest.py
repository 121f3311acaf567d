"""One seeded demo behind a real server, and Debian's chromium, for every browser test.

The server is `manage.py runserver` in a child process on a free port, against a temporary
SQLite file seeded once per session with the Kediri 2024 demo (migrate + seed_kediri_2024, a few
seconds). Tests that change data restore it. Chromium is Debian's (/usr/bin/chromium), driven by
Playwright with `executable_path`; no browser is ever downloaded. The tile URL is empty, so the
page has no reason to ask another host for anything, and each test fails if it does.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = BASE_DIR / "var" / "artifacts"
# A phone as the field officers hold one: 390×844 at 2×, touch, Indonesian, WIB.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-Pass-2024"
ELECTION_DAY = "2024-11-27T09:00:00+07:00"
# Settings the child must not inherit from the developer's shell or from CI.
INHERITED_OUT = (
    "DATABASE_URL",
    "REDIS_URL",
    "OPSBOARD_",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "COVERAGE_",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database: Path, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_OUT)}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "OPSBOARD_VAR_DIR": str(var_dir),
            "OPSBOARD_NOW": ELECTION_DAY,
            "OPSBOARD_DEMO_PASSWORD": PASSWORD,
            "OPSBOARD_TILE_URL": "",
            "DEBUG": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


@dataclass(frozen=True)
class LiveDemo:
    url: str
    database: Path

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the seeded database directly, read-only: which ids a test should use."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory):
    """The seeded demo behind runserver, for the whole session."""
    root = tmp_path_factory.mktemp("browser")
    database = root / "demo.sqlite3"
    env = _environment(database, root / "var")
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_kediri_2024")
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError((root / "server.log").read_text()) from None
            time.sleep(0.2)
    yield LiveDemo(url=base, database=database)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    # One Playwright per module, not per session: while its event loop lives, Django sees the
    # test process's thread as async and refuses the ORM (SynchronousOnlyOperation), so the
    # database tests that pytest-xdist schedules after a browser module in the same worker
    # would fail. A launch costs about a second.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page asked of other hosts and what its console said in error."""

    def __init__(self, base: str) -> None:
        self.host = urlparse(base).netloc
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        if urlparse(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def open_context(browser, live_demo):
    """open_context(username) -> (page, watch): a fresh browser context, signed in, in
    Indonesian, 1440×900, with every request to another host refused and recorded."""
    contexts = []

    def _open(username: str):
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
        contexts.append(context)
        watch = Watch(live_demo.url)
        context.route("**/*", watch.route)
        page = context.new_page()
        page.on("console", watch.console)
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        sign_in(page, live_demo.url, username)
        return page, watch

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def dashboard(open_context, live_demo):
    """The command dashboard as kabagops, its map drawn; checks at the end that the page asked
    no other host for anything and logged no error."""
    page, watch = open_context("kabagops")
    page.goto(live_demo.url + "/")
    page.wait_for_selector("#map[data-markers='839']", timeout=20_000)
    yield page
    assert watch.foreign == [], f"requests to other hosts: {watch.foreign}"
    assert watch.errors == [], f"console errors: {watch.errors}"
