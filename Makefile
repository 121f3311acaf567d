# Opsboard: `make run` serves the demo, `make test` runs the suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
# The demo shows election day (API.md: the operation clock).
export OPSBOARD_NOW ?= 2024-11-27T09:00:00+07:00

ifndef OPSBOARD_DEMO_PASSWORD
DEMO_PASSWORD_DEFAULTED := 1
export OPSBOARD_DEMO_PASSWORD := kediri-demo-2024
endif

.PHONY: install run test lint format lock bench seed clean backup restore loadtest

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_kediri_2024
	@echo
	@echo "Opsboard: http://127.0.0.1:$(PORT)/   (operation clock $(OPSBOARD_NOW))"
	@echo "Demo logins: admin (superuser), operator (admin), kabagops (command staff),"
	@echo "             polsek.mojoroto (Polsek staff), and every personnel by NRP / register number."
ifdef DEMO_PASSWORD_DEFAULTED
	@echo "Demo password (OPSBOARD_DEMO_PASSWORD was not set): $(OPSBOARD_DEMO_PASSWORD)"
endif
	@echo
	PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: install
	@scripts/test.sh $(ARGS)

# The import layers of README.md (Layout) are a contract in pyproject.toml, checked by import-linter;
# scripts/check_module_size.py keeps every module (migrations and tests aside) at 500 lines or less,
# scripts/check_import_cycles.py finds import circles inside an app too.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/check_module_size.py
	$(PY) scripts/check_import_cycles.py
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Benchmarks on PostgreSQL (127.0.0.1:5432 or BENCH_DATABASE_URL), each run in a database of its
# own that only it drops (bench/common.py): the coverage engine against its floor, interleaved
# over BENCH_ROUNDS rounds with median and min-max, the dashboard beside a bare view, and the
# rest, at the demo's and Polda Jatim's size; BENCH_SIZES=839,60312,823000 adds the national
# size; last, an urgent report from /me/ to the incident board and a panic press to the wall
# screen's alarm, each among 50 open incidents (the demo's size). WRITE=1 records the results in docs/benchmarks.md, one table per benchmark.
BENCH_SIZES ?= 839,60312
BENCH_ROUNDS ?= 5
# The imports (bench/imports.py): roster sizes, rounds, and which (personnel, assignment).
IMPORT_SIZES ?= 2285,156000
IMPORT_ROUNDS ?= 3
IMPORT_KINDS ?= personnel,assignment
bench: install
	$(PY) bench/coverage.py --sizes $(BENCH_SIZES) --rounds $(BENCH_ROUNDS) $(if $(WRITE),--write)
	$(PY) bench/dashboard.py --sizes $(BENCH_SIZES) $(if $(WRITE),--write)
	$(PY) bench/me.py --sizes $(BENCH_SIZES) --rounds $(BENCH_ROUNDS) $(if $(WRITE),--write)
	$(PY) bench/imports.py --sizes $(IMPORT_SIZES) --rounds $(IMPORT_ROUNDS) --kinds $(IMPORT_KINDS) $(if $(WRITE),--write)
	$(PY) bench/report_board.py --rounds $(BENCH_ROUNDS) $(if $(WRITE),--write)
	$(PY) bench/panic_wall.py --rounds $(BENCH_ROUNDS) $(if $(WRITE),--write)

seed: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_kediri_2024

# Backups (docs/backup.md): the database that DATABASE_URL names (or the SQLite default) and the
# file stores (photos, attachments) into one archive in
# var/backups/ with a timestamp; `make restore RESTORE=var/backups/opsboard-….tar` replaces the
# database and the stores with a backup's.
backup: install
	@scripts/backup.sh backup

restore: install
	@scripts/backup.sh restore "$(RESTORE)"

# The election-day load test (bench/loadtest/, docs/benchmarks.md): gunicorn, a Celery worker,
# PostgreSQL and Redis on this host, loopback only, under 5 minutes. PostgreSQL at
# LOADTEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), Redis at LOADTEST_REDIS_URL
# (default database 0; keys under a prefix of the run's own); WRITE=1 records the results in docs/benchmarks.md.
loadtest: install
	$(PY) bench/loadtest/run.py $(if $(WRITE),--write) $(LOADTEST_ARGS)

# Regenerate the lock from pyproject.toml in a throwaway environment.
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet --disable-pip-version-check ".[dev]"
	var/lockenv/bin/pip freeze --exclude-editable | grep -v '^opsboard' > requirements.lock
	rm -rf var/lockenv

clean:
	rm -rf $(VENV) var/opsboard.sqlite3* var/static
