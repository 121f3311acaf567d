# ruff: noqa: S311 - the load's random choices are test data, not secrets
"""The election-day mix of `make loadtest` (bench/loadtest/run.py starts it; docs/benchmarks.md).

Three kinds of users, each signed in with a session that run.py made in the database beforehand
(no login POSTs, so the login throttle never sees the load):

- field officers: open /me/ and post check-ins, TPS status steps and situation reports, as the
  phone's offline queue does (JSON answers);
- command staff: a dashboard that refreshes every POLL seconds (the live partial, summary.json,
  tps-status.json) and now and then reloads the page and the map layer;
- one admin: changes an assignment in the admin every ADMIN_EVERY seconds (cancels it, or puts
  it back), which moves coverage and queues a recompute. run.py then measures when it landed.

The mix is data: to add an endpoint, add a row to FIELD_OFFICER or DASHBOARD below.
"""

import json
import os
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import count

import gevent
from locust import HttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
EVENTS_PATH = os.environ["LOADTEST_EVENTS"]  # the admin's changes, one JSON line each
RUN_SECONDS = float(os.environ.get("LOADTEST_RUN_SECONDS", "120"))
POLL = float(os.environ.get("LOADTEST_POLL_SECONDS", "30"))  # the dashboard's own interval
# Seconds between two actions of one phone: everyone active at once, a morning peak.
THINK = tuple(float(s) for s in os.environ.get("LOADTEST_THINK_SECONDS", "15,45").split(","))
ADMIN_EVERY = float(os.environ.get("LOADTEST_ADMIN_EVERY", "10"))
# The last change leaves this long for its recompute to land while the load still runs.
ADMIN_QUIET_AT_END = 25.0
JSON = {"Accept": "application/json"}
LIVE = {"HX-Request": "true", "HX-Target": "figures", "X-Opsboard-Poll": "1"}


@dataclass(frozen=True)
class Action:
    """One request of the mix: `name` is its row in the report."""

    name: str
    method: str
    path: str  # may name {tps}: one of the officer's TPS
    weight: int = 1  # field officers: relative frequency
    every: int = 1  # dashboards: in every n-th refresh
    form: Callable[[dict], dict] | None = None  # a POST's fields, from the officer's plan
    headers: dict = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)


def checkin(officer: dict) -> dict:
    lat, lng = officer["position"]
    return {
        "tps": officer["tps"][0],
        "latitude": f"{lat + random.uniform(-0.0005, 0.0005):.6f}",
        "longitude": f"{lng + random.uniform(-0.0005, 0.0005):.6f}",
        "accuracy": str(random.randint(5, 40)),
        "idempotency_key": str(uuid.uuid4()),
    }


def status_step(officer: dict) -> dict:
    return {"step": str(random.choice(PLAN["steps"]))}


def situation_report(officer: dict) -> dict:
    return {
        "kind": random.choice(PLAN["report_kinds"]),
        "text": "Situasi di TPS aman dan kondusif, pemungutan berjalan lancar.",
        "tps": str(officer["tps"][0]),
        "idempotency_key": str(uuid.uuid4()),
    }


FIELD_OFFICER = [
    Action("/me/", "GET", "/me/", weight=6),
    Action("/me/checkin/", "POST", "/me/checkin/", weight=2, form=checkin, ok=(200, 201)),
    Action(
        "/me/tps/[id]/status/",
        "POST",
        "/me/tps/{tps}/status/",
        weight=1,
        form=status_step,
        ok=(200, 201),
    ),
    Action("/me/lapor/", "POST", "/me/lapor/", weight=1, form=situation_report, ok=(200, 201)),
]

DASHBOARD = [
    Action("/ (live refresh)", "GET", "/", headers=LIVE),
    Action("/api/summary.json", "GET", "/api/summary.json"),
    Action("/api/tps-status.json", "GET", "/api/tps-status.json"),
    Action("/", "GET", "/", every=4),
    Action("/api/tps.geojson?fields=map", "GET", "/api/tps.geojson?fields=map", every=4),
]

_next = count()
_next_lock = threading.Lock()


def _take(pool: list):
    with _next_lock:
        return pool[next(_next) % len(pool)]


class SignedIn(HttpUser):
    abstract = True

    def sign_in(self, session_key: str) -> None:
        # CSRF as the browser does it: the cookie's secret, echoed in a header.
        self.csrf = secrets.token_hex(16)
        self.client.cookies.set("sessionid", session_key)
        self.client.cookies.set("csrftoken", self.csrf)

    def send(self, action: Action, fields: dict | None = None, **values) -> None:
        headers = dict(action.headers)
        if action.method == "POST":
            headers.update(JSON, **{"X-CSRFToken": self.csrf})
        with self.client.request(
            action.method,
            action.path.format(**values),
            name=action.name,
            data=fields,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in action.ok:
                response.failure(f"{response.status_code}: {response.text[:200]!r}")


class FieldOfficer(SignedIn):
    fixed_count = int(os.environ.get("LOADTEST_FIELD_OFFICERS", "300"))
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.officer = _take(PLAN["field_officers"])
        self.sign_in(self.officer["session"])
        # Phones already in use, not 300 opening /me/ in the same second: the first request
        # comes at a random point of the think time.
        gevent.sleep(random.uniform(0, THINK[1]))
        self.send(FIELD_OFFICER[0])

    @task
    def act(self) -> None:
        action = random.choices(FIELD_OFFICER, weights=[a.weight for a in FIELD_OFFICER])[0]
        fields = action.form(self.officer) if action.form else None
        self.send(action, fields, tps=random.choice(self.officer["tps"]))


class Dashboard(SignedIn):
    fixed_count = int(os.environ.get("LOADTEST_DASHBOARDS", "30"))
    wait_time = constant(POLL)

    def on_start(self) -> None:
        self.sign_in(_take(PLAN["dashboards"]))
        self.refreshes = 0
        gevent.sleep(random.uniform(0, POLL))  # screens opened at different moments
        self.send(DASHBOARD[3])  # the page itself, then its polls

    @task
    def refresh(self) -> None:
        self.refreshes += 1
        for action in DASHBOARD:
            if self.refreshes % action.every == 0:
                self.send(action)


class Admin(SignedIn):
    """Edits through the admin's own change form, as a person does: load it, change the
    status, save. Every field goes back as the page gave it."""

    fixed_count = 1
    wait_time = constant(ADMIN_EVERY)

    def on_start(self) -> None:
        self.sign_in(PLAN["admin"]["session"])
        self.assignments = list(PLAN["admin"]["assignments"])
        self.started = time.monotonic()

    @task
    def change_assignment(self) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < 5 or elapsed > RUN_SECONDS - ADMIN_QUIET_AT_END:
            return
        pk = self.assignments.pop(0)
        self.assignments.append(pk)
        path = f"/admin/deployments/assignment/{pk}/change/"
        page = self.client.get(path, name="/admin/…/assignment/[id]/change/ (GET)")
        form = AdminForm("assignment_form")
        form.feed(page.text)
        fields = form.fields
        fields["status"] = "active" if fields.get("status") == "cancelled" else "cancelled"
        fields["_save"] = "Simpan"
        with self.client.post(
            path,
            data=fields,
            name="/admin/…/assignment/[id]/change/ (POST)",
            headers={"Referer": self.host + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: the admin refused the change")
                return
        with open(EVENTS_PATH, "a", encoding="utf-8") as events_file:
            events_file.write(json.dumps({"assignment": pk, "saved_at": time.time()}) + "\n")


class AdminForm(HTMLParser):
    """The fields a browser would submit from the form with this id."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str | list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._first_option: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str, multiple: bool = False) -> None:
        if multiple:
            self.fields.setdefault(name, [])
            self.fields[name].append(value)  # type: ignore[union-attr]
        else:
            self.fields[name] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value") or "on", multiple=kind == "checkbox")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._multiple, self._first_option = name, "multiple" in a, None
            if self._multiple:
                self.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._add(self._select, value, multiple=self._multiple)
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data  # type: ignore[operator]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._multiple and self._select not in self.fields:
                self.fields[self._select] = self._first_option or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@events.test_start.add_listener
def _clear_events(**_kwargs) -> None:
    open(EVENTS_PATH, "w").close()
