# newsbase: every command a person (or CI) runs. `make help` lists them.
#
# A fresh clone needs only `make run` or `make test`: both build .venv first with a
# Python >= 3.12 found by bin/find-python and the exact versions in requirements.lock.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
# Written after a successful install; older than pyproject.toml or requirements.lock (or a
# recreated .venv) means "install again". It lives beside .venv, not inside it, so a .venv
# that is a symlink to a venv shared between checkouts is never written into by a stamp.
STAMP := .venv.installed

HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 10k
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k settings -x"`.
PYTEST_ARGS ?=
# `make run` always uses the development settings; DATABASE_URL is honoured if set
# (SQLite file ./db.sqlite3 otherwise, the default in newsbase/settings/base.py).
RUN_SETTINGS := DJANGO_SETTINGS_MODULE=newsbase.settings.dev

.PHONY: help venv run test lint format migrations-check lock bench clean

help: ## Show this list
	@echo "newsbase: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv with a Python >= 3.12 and install the pinned dependencies

$(PY):
	@py="$$(bin/find-python)"; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet \
		-c requirements.lock -e ".[test]"
	@touch $@

run: venv ## Migrate, load the Crocus record and serve http://127.0.0.1:8000 (SQLite by default)
	$(RUN_SETTINGS) $(PY) manage.py migrate --noinput
	$(RUN_SETTINGS) $(PY) manage.py load_crocus
	$(RUN_SETTINGS) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_SETTINGS) $(PY) manage.py runserver $(HOST):$(PORT)

test: venv ## Run the whole test suite (PostgreSQL when DATABASE_URL points at it, else SQLite)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv ## ruff check + ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: venv ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

lock: ## Re-resolve pyproject.toml's dependencies in a clean venv into requirements.lock
	@py="$$(bin/find-python)"; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	"$$py" -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --disable-pip-version-check --quiet -e ".[test]"; \
	{ echo "# Exact versions for every fresh clone (pip constraints file). Regenerate with \`make lock\`."; \
	  "$$tmp/venv/bin/pip" freeze --exclude-editable --disable-pip-version-check \
	    | grep -v -i '^newsbase[=@ ]'; } > requirements.lock.new; \
	mv requirements.lock.new requirements.lock; \
	echo "requirements.lock rewritten; review with git diff, then run make venv."

bench: venv ## Run the benchmarks (SCALE=10k by default)
	$(PY) bench/run.py --scale $(SCALE)

clean: ## Remove .venv, its stamp, collected static files and caches (keeps db.sqlite3)
	rm -rf $(VENV) $(STAMP) staticfiles .pytest_cache .ruff_cache
