# Lintel: `make run` starts the portal with sandboxes, worker and demo data; `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12 or newer: take the first interpreter that qualifies.
PYTHON ?= $(shell for p in python3.12 python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 python3; do \
	if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$p; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8001
PYTEST_ARGS ?=

.PHONY: run test lint bench venv migrate clean

$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (set PYTHON=/path/to/python3.12)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

run: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-1} $(PY) manage.py run_stack --host $(HOST) --port $(PORT) --sandbox-port $(SANDBOX_PORT)

test: venv
	DEBUG=1 LINTEL_TEST_DB_SUFFIX=$${LINTEL_TEST_DB_SUFFIX:-$$(date +%s)_$$$$} $(PY) -m pytest -n $${TEST_WORKERS:-2} $(PYTEST_ARGS)

# ruff's lint rules (pyproject.toml). The code is not held to `ruff format`: several hands align tables by hand.
lint: venv
	$(VENV)/bin/ruff check .

# Benchmarks (bench/README.md): PostgreSQL from DATABASE_URL, else a throwaway database on 127.0.0.1:5432.
# `make bench BENCH=ingest` runs one.
bench: venv
	@$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) var staticfiles
