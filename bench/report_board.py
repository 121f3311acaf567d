"""make bench: from an urgent report sent from a phone to the incident on the command's board.

In a PostgreSQL database of this run's own (opsboard_bench_board_<pid>_<hex>, created and
dropped by this run only; no Redis, so Celery runs eagerly as in `make run`): the Kediri demo
(839 TPS, its accounts), then urgent reports from guards (through the real service, each
opening its incident and its escalation) until the board holds --open open incidents, the
demo's own among them. Then, in a child process with Django's test client (the whole
request path: middleware, session, views, templates; no network), --rounds interleaved rounds
after two unmeasured ones:

- report → board: a guard POSTs an urgent report to /me/lapor/ (as the phone does, JSON),
  then kabagops GETs /lapangan/kejadian/; the time from the POST's start to the end of the GET,
  checked to hold the new incident's number. The new incident is then rejected (untimed), so
  that every round finds the same number of open incidents.
- board alone: the same GET without a new report (what the report adds is the difference).

Reported: the median and min–max of each, and of the POST alone; with --write the table goes
into docs/benchmarks.md between <!-- report-board-bench --> and <!-- /report-board-bench -->.

    .venv/bin/python bench/report_board.py [--open 50] [--rounds 5] [--write] [--after FILE]

--after FILE: the rounds begin once FILE exists, so that they fall inside a load run beside
(`make loadtest`; docs/benchmarks.md says how the figures were taken).
"""

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# bench/ is on sys.path as a script
from common import (  # noqa: E402
    Figure,
    figures_table,
    interleaved,
    measured_line,
    own_database,
    psql,
    run,
    spread,
    unique_name,
    wait_for_load_beside,
    write_section,
)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; created and dropped by this run only.
DB_NAME = unique_name("board")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ELECTION_DAY = "2024-11-27T09:00:00+07:00"
PASSWORD = secrets.token_urlsafe(12)  # the demo's accounts; nobody signs in with it
WARM_UP = 2


def guards_with_accounts(count: int) -> list:
    """Inside Django: `count` Linmas TPS guards on duty with an account, in a fixed order."""
    from deployments.models import Assignment, Force, PostKind

    guards = list(
        Assignment.objects.filter(
            kind=PostKind.PAM_TPS,
            personnel__force=Force.LINMAS,
            personnel__user__isnull=False,
            status=Assignment.Status.ACTIVE,
        )
        .select_related("personnel__user")
        .prefetch_related("tps")
        .order_by("pk")[:count]
    )
    if len(guards) < count:
        sys.exit(f"only {len(guards)} guards with an account")
    return guards


def open_incidents(open_count: int, guards: list) -> list:
    """Inside Django: urgent reports from the first guards (through the real service, each
    opening its incident and its escalation) until open_count incidents are open, the demo's
    own among them; the guards left over."""
    import uuid

    from field.incidents.models import Incident
    from field.services import situation_report_create

    to_open = max(open_count - Incident.objects.open().count(), 0)
    for duty in guards[:to_open]:
        situation_report_create(
            person=duty.personnel,
            kind="gangguan",
            text="Massa berkumpul (laporan sintetis, bench)",
            urgent=True,
            idempotency_key=uuid.uuid4(),
            tps=duty.tps.all()[0],
        )
    return guards[to_open:]


def environment(url: str, var: str) -> dict:
    """The child's settings: production (DEBUG off), the operation clock on election day, no
    Redis (Celery eager), this run's database; nothing of the caller's OPSBOARD_/REDIS_."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPSBOARD_", "REDIS_"))},
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "opsboard.settings",
        "OPSBOARD_NOW": ELECTION_DAY,
        "OPSBOARD_DEMO_PASSWORD": PASSWORD,
        "OPSBOARD_VAR_DIR": str(ROOT / "var" / var),
        "OPSBOARD_TILE_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "OPSBOARD_ALLOW_HTTP": "true",
        "LOG_LEVEL": "WARNING",
    }


def build(env: dict) -> None:
    """The schema, the static files (DEBUG off) and the Kediri demo in env's database."""
    run([PYTHON, "manage.py", "migrate", "-v", "0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run([PYTHON, "manage.py", "seed_kediri_2024"], env)


def child(rounds: int, open_count: int, after: str = "") -> dict:
    """Inside Django: build the open incidents, then the rounds; the figures as a dict."""
    # The repository first (a script's sys.path starts with bench/): this checkout's code.
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import uuid

    from django.contrib.auth import get_user_model
    from django.test import Client

    from field.incidents.models import Incident
    from field.incidents.services import incident_reject

    guards = guards_with_accounts(open_count + WARM_UP + rounds)
    phones = iter(open_incidents(open_count, guards))
    kabagops = get_user_model().objects.get(username="kabagops")
    board = Client()
    board.force_login(kabagops, backend="opsboard.auth.OpsboardBackend")
    opened = Incident.objects.open().count()

    def board_get() -> bytes:
        response = board.get("/lapangan/kejadian/")
        if response.status_code != 200:
            sys.exit(f"board answered {response.status_code}")
        return response.content

    def report_to_board() -> dict:
        duty = next(phones)
        phone = Client()
        phone.force_login(duty.personnel.user, backend="opsboard.auth.OpsboardBackend")
        fields = {
            "kind": "gangguan",
            "text": "Adu mulut di depan TPS (laporan sintetis, bench)",
            "urgent": "on",
            "tps": duty.tps.all()[0].pk,
            "idempotency_key": str(uuid.uuid4()),
        }
        started = time.perf_counter()
        response = phone.post("/me/lapor/", fields, HTTP_ACCEPT="application/json")
        posted = time.perf_counter()
        page = board_get()
        seen = time.perf_counter()
        if response.status_code != 201:
            sys.exit(f"/me/lapor/ answered {response.status_code}: {response.content[:300]!r}")
        incident = Incident.objects.get(links__report_id=response.json()["id"])
        if incident.number.encode() not in page:
            sys.exit(f"{incident.number} not on the board after its report")
        incident_reject(incident=incident, by=kabagops, reason="Uji beban (bench)")
        return {"total": seen - started, "post": posted - started}

    def board_alone() -> dict:
        started = time.perf_counter()
        board_get()
        return {"total": time.perf_counter() - started}

    wait_for_load_beside(after)  # the rounds under a load beside (`make loadtest`, say)
    contenders = {"report_to_board": report_to_board, "board_alone": board_alone}
    interleaved(WARM_UP, contenders)
    results = interleaved(rounds, contenders)
    if Incident.objects.open().count() != opened:
        sys.exit("the rounds changed the number of open incidents")
    return {"open": opened, **results}


def figures(result: dict) -> list[Figure]:
    def seconds(side: str, key: str) -> str:
        return str(spread([r[key] * 1000 for r in result[side]], unit="ms", digits=0))

    return [
        Figure(
            "urgent report → on the board",
            "",
            seconds("report_to_board", "total"),
            "POST /me/lapor/ (urgent, JSON) by a guard, then GET /lapangan/kejadian/ by "
            "kabagops holding the new incident; test client, eager Celery",
        ),
        Figure(
            "of which the POST",
            "",
            seconds("report_to_board", "post"),
            "the report stored, its incident opened, escalation level 1 told",
        ),
        Figure(
            "the board alone",
            "",
            seconds("board_alone", "total"),
            f"GET /lapangan/kejadian/ with {result['open']} open incidents, interleaved",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 5)))
    parser.add_argument("--open", type=int, default=50, help="open incidents on the board")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--after", default="", help="begin the rounds once this file exists (a load beside)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child(options.rounds, options.open, options.after)))
        return
    load = os.getloadavg()[0]
    with own_database("board", BASE_URL, name=DB_NAME) as url:
        env = environment(url, "bench-board")
        build(env)
        version = psql(BASE_URL, "SHOW server_version").strip()
        args = [PYTHON, str(Path(__file__).resolve()), "--child", "--rounds", str(options.rounds)]
        output = run([*args, "--open", str(options.open), "--after", options.after], env)
    result = json.loads(output.strip().splitlines()[-1])
    table = figures_table(figures(result))
    print(f"Report → board, {result['open']} open incidents, {options.rounds} rounds:\n{table}")
    if options.write:
        text = f"{measured_line(version, load)} Load average {os.getloadavg()[0]:.1f} at the end."
        text += f"\n\n{table}"
        write_section("report-board-bench", "Urgent report to the incident board", text)


if __name__ == "__main__":
    main()
