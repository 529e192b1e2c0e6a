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
# `make test` runs on two pytest-xdist workers, each with its own test database and caches;
# a module runs whole on one worker (--dist loadfile), so its module fixtures and the Redis
# database it owns are one process's. TEST_WORKERS=0 runs everything in this one process
# (for a debugger or `-x`).
TEST_WORKERS ?= 2
# `make run` always uses the development settings; DATABASE_URL is honoured if set
# (SQLite file ./db.sqlite3 otherwise, the default in newsbase/settings/base.py).
RUN_SETTINGS := DJANGO_SETTINGS_MODULE=newsbase.settings.dev

# The Nu HTML checker for the tests (tests/pages/test_real_clients.py): npm's vnu-jar, pinned,
# inside .venv so every checkout sharing the venv has it; run with the machine's Java. The
# package's postinstall (a Java download) is skipped: --ignore-scripts.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: help venv tools run test fuzz lint format migrations-check lock bench cluster cluster-stop faults scaling clean

help: ## Show this list
	@echo "newsbase: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv with a Python >= 3.12 and install the pinned dependencies

# pyvenv.cfg is written when the venv is created (bin/python is a symlink whose time is
# the base interpreter's), so a recreated .venv is always newer than the stamp.
$(VENV)/pyvenv.cfg:
	@py="$$(bin/find-python)"; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock $(VENV)/pyvenv.cfg
	$(PY) -m pip install --disable-pip-version-check --quiet \
		-c requirements.lock -e ".[test]"
	@touch $@

run: venv ## Migrate, load the Crocus record and serve http://127.0.0.1:8000 (SQLite by default)
	$(RUN_SETTINGS) $(PY) manage.py migrate --noinput
	$(RUN_SETTINGS) $(PY) manage.py load_crocus
	$(RUN_SETTINGS) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_SETTINGS) $(PY) manage.py runserver $(HOST):$(PORT)

tools: $(VNU_JAR) ## Install the test tools that are not Python packages (the Nu HTML checker)

$(VNU_JAR): | $(VENV)/pyvenv.cfg
	npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
		--prefix $(VENV)/vnu-$(VNU_VERSION) vnu-jar@$(VNU_VERSION)
	@test -s $@

test: venv tools ## Run the whole test suite (PostgreSQL when DATABASE_URL points at it, else SQLite)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

fuzz: venv ## The whole fuzz corpus (make test sends a fixed sample of it): API, pages, admin posts
	FUZZ=full $(VENV)/bin/pytest tests/fuzz $(PYTEST_ARGS)

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

cluster: venv ## Start PostgreSQL primary + replica, Redis, two gunicorns and Varnish on loopback
	bin/cluster start

cluster-stop: ## Stop what `make cluster` started (bin/cluster destroy also removes its data)
	bin/cluster stop

faults: venv ## The fault suite on the cluster (wrk c=64, 60 s a case); figures into docs/reliability.md
	nice $(PY) -m bench.faults

scaling: venv ## Per-core throughput, Zipf hit ratio and replica lag on the cluster (docs/scaling.md)
	nice $(PY) -m bench.scaling

clean: ## Remove .venv, its stamp, collected static files and caches (keeps db.sqlite3)
	rm -rf $(VENV) $(STAMP) staticfiles .pytest_cache .ruff_cache
