# The two commands: `make run` and `make test`. Both call `make setup`.
PORT ?= 8000
PY := .venv/bin/python
export DJANGO_SETTINGS_MODULE := cpaudit.settings

.PHONY: setup setup-test run test lint migrate demo worker beat serve messages bench load clean

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

# Full mode needs the hashed static files (DEBUG off): migrate collects them too.
migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0

demo: migrate
	$(PY) manage.py seed_demo

run: export DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: export DAILY_REMINDERS ?= 1
run: demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in parallel, one process per core (pytest-xdist; each has its own test
# database). PYTEST_ARGS="-n 0 -k …" runs a part of it in one process.
PYTEST_ARGS ?= -n auto --dist loadgroup

test: setup-test lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Style, format and the layers contract (import-linter: one way up, pyproject.toml).
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

worker: setup
	.venv/bin/celery -A cpaudit worker -l info -Q celery,pdf

# Full mode's web process (README "Full mode"): the static files, then gunicorn.
BIND ?= 127.0.0.1:$(PORT)
serve: setup
	$(PY) manage.py collectstatic --noinput -v 0
	.venv/bin/gunicorn -c gunicorn.conf.py cpaudit.wsgi:application --bind $(BIND)

beat: setup
	mkdir -p var
	.venv/bin/celery -A cpaudit beat -l info --schedule var/celerybeat-schedule

# Benchmarks against the seeded province (PostgreSQL: set DATABASE_URL). Every row of the
# province-scale table, timed interleaved with its hand-written SQL floor, on both sizes:
# 20,000 enterprises in DATABASE_URL's database and 5,000 in `<name>_5k` beside it (each
# created, migrated and seeded with `seed_scale --if-missing` when missing), then the
# growth and the load test. BENCH_ARGS="--no-load --only queue" runs a part of it.
bench: migrate
	$(PY) -m tests.bench.bench $(BENCH_ARGS)

# 100 concurrent users for 60 s against gunicorn as deployed (gunicorn.conf.py), on the
# loopback interface, and the audit list's throughput beside a bare DRF view.
# LOAD_ARGS="--configs gthread:2x4,sync:5" compares worker classes.
load: migrate
	$(PY) manage.py seed_scale --if-missing
	$(PY) -m tests.bench.load $(LOAD_ARGS)

messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=var
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf .venv db.sqlite3 media
