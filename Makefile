# Quick start: `make run` serves the demo site; `make test` runs the whole suite.
# Both set up what they need first: .venv from the pinned requirements, node_modules
# from package-lock.json, and the collected static files. Each step is skipped when its
# inputs have not changed, so a second run is quick.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
PORT ?= 8000
# `make test` runs the suite in this many processes, each with its own test database.
TEST_WORKERS ?= 2
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help run test lint setup static translations messages migrate demo check clean

help:
	@echo "make run    set up, migrate, load the demo content and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   set up, then run the whole test suite in $(TEST_WORKERS) processes (DATABASE_URL picks the database)"
	@echo "make lint   ruff (lint and format check) and import-linter"
	@echo "make check  Django's system checks and the missing-migrations check"
	@echo "make messages  refresh the translation catalogues from the code (needs GNU gettext)"
	@echo "make clean  remove .venv, node_modules and var/ (the SQLite database included)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

STATIC_SOURCES := $(shell find cms/static home evidence consultations -path '*/static/*' -type f 2>/dev/null)

setup: $(VENV)/.installed node_modules/.installed static translations

# The site's translation catalogues, compiled with Python alone (no GNU gettext needed);
# the command compiles only those whose .po is newer than their .mo (or that have none).
translations: $(VENV)/.installed
	$(MANAGE) compile_translations --verbosity 0

# For developers after changing words in the code: needs xgettext (GNU gettext). Each app
# keeps its catalogue in <app>/locale/; templates/ and cms/ share the one in locale/.
LANGUAGE_CODES ?= pl ar
messages: $(VENV)/.installed
	mkdir -p locale home/locale evidence/locale consultations/locale
	$(MANAGE) makemessages $(LANGUAGE_CODES:%=-l %) --no-obsolete --add-location=file \
		-i '.venv/*' -i 'node_modules/*' -i 'var/*' -i 'tests/*' -i 'docs/*' -i 'bench/*' \
		-i '*/migrations/*' -i '*/static/*'

static: var/static/.collected

var/static/.collected: $(VENV)/.installed node_modules/.installed $(STATIC_SOURCES)
	$(MANAGE) collectstatic --noinput --verbosity 0
	touch $@

migrate: setup
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the admin is at /admin/). Stop with Ctrl+C."
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# worksteal gives each worker one half of the suite in file order, so the data a module builds
# once for its tests (the demo content, the security tests' cast) is built in one worker,
# not in both; a worker that runs out takes over the end of the other's queue.
# The browser tests run in a process of their own (tests/browser/conftest.py says why).
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --ignore=tests/browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal tests/browser

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(VENV)/.installed
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run --noinput

clean:
	rm -rf $(VENV) node_modules
	find var -mindepth 1 ! -name .gitkeep -delete
