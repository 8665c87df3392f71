# The two commands a newcomer needs are `make run` and `make test`.
# `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
export DJANGO_SETTINGS_MODULE ?= campaign.settings.local

.DEFAULT_GOAL := help

help: ## List the make targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(BIN)/.installed-run

install: $(BIN)/.installed-run ## Create .venv and install the pinned requirements

install-test: $(BIN)/.installed-test ## Also install the test requirements

messages: install ## Compile the translation catalogues
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

setup: install messages ## Migrate, collect static files and load the seed content (idempotent)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_seed

# `make run` always runs the local settings, whatever the shell exports; the
# WSGI entry point on its own defaults to production.
run: export DJANGO_SETTINGS_MODULE = campaign.settings.local
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: export PORT := $(PORT)
run: export WORKERS := $(WORKERS)
run: setup ## Serve the site at http://127.0.0.1:$(PORT): web server and worker, DEBUG off (Ctrl-C stops both)
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/honcho --procfile Procfile --no-colour start

# axe-core and the Nu HTML Checker (vnu.jar) for the browser tests, pinned in
# package-lock.json. --ignore-scripts: vnu-jar's install script would fetch a
# Java runtime; the tests use the system's java. Without npm the browser tests
# skip (or fail when REQUIRE_BROWSER=1, as in CI).
NPM := $(shell command -v npm 2>/dev/null)

node_modules/.installed: package.json package-lock.json
ifdef NPM
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@
else
	@echo "npm is not installed: skipping node_modules/ (axe-core, vnu.jar); their tests will skip"
endif

node-tools: node_modules/.installed ## Install axe-core and vnu.jar for the browser tests (needs npm)

test: install-test messages node-tools ## Run the whole test suite (SQLite, or DATABASE_URL/REDIS_URL if set)
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=campaign.settings.test
	$(BIN)/ruff check .
	$(BIN)/pytest --ds=campaign.settings.test

superuser: setup ## Create the first staff account
	$(BIN)/python manage.py createsuperuser

bench: setup ## Run the benchmarks in bench/ (see README)
	$(BIN)/python bench/run.py

makemessages: install ## Extract UI strings into locale/ (ar, fr, es)
	$(BIN)/python manage.py makemessages --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules --ignore=bench --ignore=tests -l ar -l fr -l es

.PHONY: help install install-test messages node-tools setup run test superuser bench makemessages
