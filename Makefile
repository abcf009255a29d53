# The two commands: `make run` and `make test`. Both call `make setup`.
PORT ?= 8000
PY := .venv/bin/python
export DJANGO_SETTINGS_MODULE := cpaudit.settings

.PHONY: setup setup-test run test lint migrate demo worker beat serve messages bench clean

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
	.venv/bin/gunicorn cpaudit.wsgi:application --bind $(BIND) --workers 2

beat: setup
	mkdir -p var
	.venv/bin/celery -A cpaudit beat -l info --schedule var/celerybeat-schedule

# Benchmarks against the seeded province (PostgreSQL: set DATABASE_URL). Seeds it first
# when missing (`seed_scale`, a few minutes), then prints the table of tests/bench/bench.py.
bench: migrate
	$(PY) manage.py seed_scale --if-missing
	$(PY) -m tests.bench.bench

messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=var
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf .venv db.sqlite3 media
