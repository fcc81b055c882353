# smartunion — `make run` to try it, `make test` to check it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ORGS ?= 1000
DEMO_MEMBERS ?= 50000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The suites run in parallel processes (pytest-xdist): `auto` is one per CPU; TEST_WORKERS=0 runs
# them in this process (for pdb). Tests are dealt out one by one and an idle process takes work
# from a busy one (worksteal): dealt a file at a time, one process was left with the largest
# files while the other stood idle (SQLite 5:51 → 4:05, PostgreSQL 8:29 → 7:06, session 15).
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist worksteal
# The demo logs straight in: no second factor (the login page says so). DEMO_OTP=1 turns it on.
DEMO_OTP ?= 0
export DEBUG ?= 1

.PHONY: help install install-test assets run migrate demo test test-sqlite test-postgres test-api test-browser lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml .python-version
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python >= 3.12 needed (see .python-version)"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed ## create .venv and install the project

install-test: $(VENV)/.installed-test browser-deps ## install what the tests need (incl. Debian chromium, CJK fonts)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.package-lock.json ## install Leaflet and ECharts from the npm lockfile

.PHONY: browser-deps
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto.*CJK'; then \
	  echo "installing Debian chromium and fonts-noto-cjk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

migrate: install assets ## apply migrations and load the administrative divisions
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions

demo: migrate ## load the demo data set (once) and create the demo accounts
	$(MANAGE) seed --demo --orgs $(DEMO_ORGS) --members $(DEMO_MEMBERS)

run: demo ## install, migrate, load demo data, serve http://$(HOST):$(PORT) with the task worker
	@echo "serving http://$(HOST):$(PORT)  (Ctrl-C stops the server and the task worker)"
	@echo "职工之家: http://$(HOST):$(PORT)/portal/ — sign in as 13900001111; the SMS code lands in $(CURDIR)/var/sms-outbox/ (one file per message); bind with the demo member printed above (马兰花)"
	@$(MANAGE) db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	SMARTUNION_OTP_REQUIRED=$(DEMO_OTP) $(MANAGE) runserver $(HOST):$(PORT)

test: install-test assets ## the whole suite on SQLite, then PostgreSQL, schemathesis, the browser tests
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	@# Side by side: each keeps about one core busy (a live server and its client), so together
	@# they take the time of the longer one; output is kept per target.
	$(MAKE) -j2 --output-sync=target test-api test-browser

test-sqlite: ## the suite on SQLite
	DATABASE_URL= $(PY) -m pytest -q -m "not browser and not fuzz" $(XDIST)

test-postgres: ## the suite on PostgreSQL ($(PG_URL); the suite creates and drops test_test)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -m "not browser and not fuzz" $(XDIST)

test-api: ## schemathesis against a live gunicorn on a fresh PostgreSQL database (schemathesis.toml)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -m fuzz

test-browser: ## Playwright tests in Debian's chromium against a live server
	DATABASE_URL= $(PY) -m pytest -q -m browser

lint: install-test ## ruff
	$(VENV)/bin/ruff check smartunion bench

clean: ## remove the virtualenv, node_modules and local databases (keys stay)
	rm -rf $(VENV) node_modules var staticfiles
