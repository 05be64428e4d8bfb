# Samenhuis: `make run` serves the site, `make test` runs the whole suite.
# Everything else here is what those two need; see README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The machine's pip configuration may point at local mirrors that do not exist; hide only that noise.
PIP_QUIET := 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

.PHONY: help run test install install-dev translations messages lint lock browser-deps clean reset

help:
	@echo "make run    install, migrate, load demo content, serve on http://$(HOST):$(PORT)"
	@echo "make test   install the dev tools and run the whole test suite"
	@echo "make lint   ruff"
	@echo "make lock   re-resolve requirements/*.in into requirements/*.lock"
	@echo "make reset  empty the development database and uploads (keeps .venv); make run loads the demo again"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Samenhuis needs Python 3.11 or newer; set PYTHON=/path/to/python3.11.")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip $(PIP_QUIET)

$(VENV)/.base-installed: requirements/base.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements/base.lock $(PIP_QUIET)
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements/dev.lock $(PIP_QUIET)
	@touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed translations $(VENV)/.identifier-tables
install-dev: $(VENV)/.dev-installed translations browser-deps $(VENV)/.identifier-tables

# deduce's lookup tables for intervision/identifiers.py: built once here (about a minute, written
# inside .venv), never on a request; rebuilt when the locked packages change.
$(VENV)/.identifier-tables: $(VENV)/.base-installed
	$(PY) -m intervision.build_identifier_tables
	@touch $@

# Compiled catalogues (.mo) are build output: made with Babel, so no GNU gettext is needed.
translations: $(VENV)/.base-installed
	@$(PY) manage.py compiletranslations

# Developers who add strings: extract them (needs GNU gettext's xgettext), translate, commit the .po.
messages: install-dev
	$(PY) manage.py makemessages --locale nl --ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*" --no-obsolete
	$(PY) manage.py makemessages --locale nl --domain djangojs --ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*" --ignore "static/CACHE/*" --no-obsolete

# axe-core for the accessibility checks in the browser tests and vnu-jar (the Nu Html Checker, run with
# Java) for their HTML checks; skipped with a message when npm is absent.
browser-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the browser tests will be skipped (they need axe-core from npm)."; \
	fi

# Unless BASE_URL is set, the site's own address follows HOST and PORT (links in mails, feeds,
# canonical links and the Wagtail site), so `make run PORT=8401` links to port 8401.
RUN_ENV = BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}"

run: install
	@mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo "Samenhuis draait op http://$(HOST):$(PORT)/ (Ctrl+C stopt de server)"
	$(RUN_ENV) $(PY) manage.py serve --bind $(HOST) --port $(PORT)

# Start again from an empty database and uploads (the next `make run` loads the demo anew);
# the installed packages in .venv/ stay.
reset:
	rm -rf var/samenhuis.sqlite3 var/samenhuis.sqlite3-wal var/samenhuis.sqlite3-shm var/media var/private

test: install-dev
	@mkdir -p var
	$(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lock: | $(VENV)/bin/python
	$(PY) requirements/lock.py $(PIP_QUIET)

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/test-* .pytest_cache
