"""make bench: from a panic press on an officer's phone to the alarm on the wall screen.

Built as bench/report_board.py builds its board (its helpers: the same settings, the Kediri
demo, urgent reports until --open incidents are open, the demo's own among them), in a
PostgreSQL database of this run's own (opsboard_bench_panic_<pid>_<hex>, created and dropped
by this run only; no Redis, so Celery runs eagerly as in `make run`). Then, in a child process
with Django's test client (the whole request path: middleware, session, views, templates; no
network), --rounds interleaved rounds after two unmeasured ones:

- panic → wall: a Linmas guard on duty at a TPS, signed in, POSTs a confirmed press to
  /me/darurat/ (as field.js does after its countdown: confirm, latitude, longitude, accuracy,
  idempotency_key; JSON), then kabagops GETs the wall screen's alarm part /lapangan/darurat/;
  the time from the POST's start to the end of the GET, checked to hold the new incident's
  number and one alarm more than before (data-alarms). The incident is then rejected
  (untimed), so that every round finds the same board and the same alarm.
- alarm alone: the same GET without a press (what the press adds is the difference).

Reported: the median and min–max of each, and of the POST alone; with --write the table goes
into docs/benchmarks.md between <!-- panic-wall-bench --> and <!-- /panic-wall-bench -->.

    .venv/bin/python bench/panic_wall.py [--open 50] [--rounds 5] [--write] [--after FILE]

--after FILE: the rounds begin once FILE exists, so that they fall inside a load run beside
(`make loadtest`, whose locust writes its CSV files when the load starts).
"""

import argparse
import json
import os
import re
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
from report_board import (  # noqa: E402
    PYTHON,
    WARM_UP,
    build,
    environment,
    guards_with_accounts,
    open_incidents,
)

BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# This run's own; created and dropped by this run only.
DB_NAME = unique_name("panic")
ALARMS = re.compile(rb'data-alarms="(\d+)"')


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
    from field.incidents.selectors import ALARM_LIMIT
    from field.incidents.services import incident_reject

    guards = guards_with_accounts(open_count + WARM_UP + rounds)
    phones = iter(open_incidents(open_count, guards))
    kabagops = get_user_model().objects.get(username="kabagops")
    wall = Client()
    wall.force_login(kabagops, backend="opsboard.auth.OpsboardBackend")
    opened = Incident.objects.open().count()

    def alarm_get() -> tuple[bytes, int]:
        response = wall.get("/lapangan/darurat/", HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            sys.exit(f"the alarm answered {response.status_code}")
        found = ALARMS.search(response.content)
        if found is None:
            sys.exit("no data-alarms in the alarm's part")
        return response.content, int(found.group(1))

    _, ringing = alarm_get()
    if ringing >= ALARM_LIMIT:  # the newest would not be listed: the rounds would fail
        sys.exit(f"{ringing} alarms already ringing (the list shows {ALARM_LIMIT})")

    def panic_to_wall() -> dict:
        duty = next(phones)
        phone = Client()
        phone.force_login(duty.personnel.user, backend="opsboard.auth.OpsboardBackend")
        fields = {
            "confirm": "true",
            "latitude": "-7.816600",
            "longitude": "112.011900",
            "accuracy": "12",
            "idempotency_key": str(uuid.uuid4()),
        }
        started = time.perf_counter()
        response = phone.post("/me/darurat/", fields, HTTP_ACCEPT="application/json")
        posted = time.perf_counter()
        page, alarms = alarm_get()
        seen = time.perf_counter()
        if response.status_code != 201:
            sys.exit(f"/me/darurat/ answered {response.status_code}: {response.content[:300]!r}")
        incident = Incident.objects.get(pk=response.json()["id"])
        if incident.number.encode() not in page or alarms != ringing + 1:
            sys.exit(f"{incident.number} not in the alarm after its press ({alarms} ringing)")
        incident_reject(incident=incident, by=kabagops, reason="Uji beban (bench)")
        return {"total": seen - started, "post": posted - started}

    def alarm_alone() -> dict:
        started = time.perf_counter()
        alarm_get()
        return {"total": time.perf_counter() - started}

    wait_for_load_beside(after)  # the rounds under a load beside (`make loadtest`, say)
    contenders = {"panic_to_wall": panic_to_wall, "alarm_alone": alarm_alone}
    interleaved(WARM_UP, contenders)
    results = interleaved(rounds, contenders)
    if Incident.objects.open().count() != opened or alarm_get()[1] != ringing:
        sys.exit("the rounds changed the number of open incidents or of alarms")
    return {"open": opened, "ringing": ringing, **results}


def figures(result: dict) -> list[Figure]:
    def seconds(side: str, key: str) -> str:
        return str(spread([r[key] * 1000 for r in result[side]], unit="ms", digits=0))

    return [
        Figure(
            "panic press → on the wall screen",
            "",
            seconds("panic_to_wall", "total"),
            "POST /me/darurat/ (confirmed, with a position, JSON) by a Linmas guard, then GET "
            "/lapangan/darurat/ by kabagops holding the new incident; test client, eager Celery",
        ),
        Figure(
            "of which the POST",
            "",
            seconds("panic_to_wall", "post"),
            "the press stored, its darurat incident opened, command, team and reserves told",
        ),
        Figure(
            "the alarm alone",
            "",
            seconds("alarm_alone", "total"),
            f"GET /lapangan/darurat/ with {result['open']} open incidents "
            f"({result['ringing']} of them ringing), interleaved",
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
    with own_database("panic", BASE_URL, name=DB_NAME) as url:
        env = environment(url, "bench-panic")
        build(env)
        version = psql(BASE_URL, "SHOW server_version").strip()
        args = [PYTHON, str(Path(__file__).resolve()), "--child", "--rounds", str(options.rounds)]
        output = run([*args, "--open", str(options.open), "--after", options.after], env)
    result = json.loads(output.strip().splitlines()[-1])
    table = figures_table(figures(result))
    print(f"Panic → wall, {result['open']} open incidents, {options.rounds} rounds:\n{table}")
    if options.write:
        text = f"{measured_line(version, load)} Load average {os.getloadavg()[0]:.1f} at the end."
        write_section("panic-wall-bench", "Panic press to the wall screen", f"{text}\n\n{table}")


if __name__ == "__main__":
    main()
