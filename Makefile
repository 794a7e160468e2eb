# motcua: `make demo` runs the portal with demo data; `make test` runs every test.
# Needs only Python >= 3.11 and make; everything else is installed into .venv from requirements.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo PKI's CRL/OCSP/TSA server (manage.py pki_services); its certificates name this address.
PKI_PORT ?= 8731
MOTCUA_PKI_BASE_URL ?= http://127.0.0.1:$(PKI_PORT)/
MOTCUA_TSA_URL ?= $(MOTCUA_PKI_BASE_URL)tsa
# The sandbox of state databases (manage.py connector_sandbox): synthetic population, business and results data.
CONNECTOR_PORT ?= 8732
MOTCUA_CONNECTOR_URL ?= http://127.0.0.1:$(CONNECTOR_PORT)/

.PHONY: demo test lint format typecheck lock schema check-schema migrate messages clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "motcua needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

migrate: $(STAMP)
	$(MANAGE) migrate --no-input -v 0

demo: export MOTCUA_DEMO_KEY_PASSWORD ?= motcua-demo
demo: export MOTCUA_CONNECTOR_SECRET ?= motcua-demo-connector-secret
demo: export MOTCUA_CONNECTOR_POPULATION_URL ?= $(MOTCUA_CONNECTOR_URL)
demo: export MOTCUA_CONNECTOR_BUSINESS_URL ?= $(MOTCUA_CONNECTOR_URL)
demo: export MOTCUA_CONNECTOR_RESULTS_URL ?= $(MOTCUA_CONNECTOR_URL)
demo: migrate
	$(MANAGE) compilemessages -v 0 --ignore '.venv/*' 2>/dev/null || true
	$(MANAGE) load_catalog src/motcua/catalog/demo
	$(MANAGE) load_demo_data
	$(MANAGE) make_demo_pki
	$(MANAGE) install_signing_key --demo
	$(MANAGE) load_demo_dossiers
	MOTCUA_PKI_BASE_URL='$(MOTCUA_PKI_BASE_URL)' $(MANAGE) make_demo_pki
	$(MANAGE) load_trust_store $${MOTCUA_PKI_DIR:-var/pki}
	@echo "Starting the demo PKI services (CRL, OCSP, TSA on $(MOTCUA_PKI_BASE_URL)), the connector sandbox (state databases on $(MOTCUA_CONNECTOR_URL)), the task worker, the deadline sweep and the portal on http://$(HOST):$(PORT)/ (Ctrl+C stops all)"
	@export MOTCUA_PKI_BASE_URL='$(MOTCUA_PKI_BASE_URL)' MOTCUA_TSA_URL='$(MOTCUA_TSA_URL)'; \
	 $(MANAGE) pki_services & PKI=$$!; \
	 $(MANAGE) connector_sandbox --port $(CONNECTOR_PORT) & SANDBOX=$$!; \
	 MOTCUA_TASKS_BACKEND=database $(MANAGE) db_worker --interval 1 & WORKER=$$!; \
	 MOTCUA_TASKS_BACKEND=database $(MANAGE) sweep_deadlines --every 300 & SWEEP=$$!; \
	 trap 'kill $$PKI $$SANDBOX $$WORKER $$SWEEP 2>/dev/null' EXIT INT TERM; \
	 MOTCUA_TASKS_BACKEND=database $(MANAGE) runserver --noreload $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(MANAGE) spectacular --file docs/openapi.yaml --validate --fail-on-warn

check-schema: $(STAMP)
	$(MANAGE) spectacular --file $(VENV)/openapi.yaml --validate --fail-on-warn
	@diff -u docs/openapi.yaml $(VENV)/openapi.yaml || (echo "docs/openapi.yaml is out of date: run 'make schema' and commit it"; exit 1)

# Refresh the English catalogue from the code (then translate its new entries, and run it again to compile).
# --no-location --no-wrap --no-obsolete: one line per string and no line numbers, so diffs show real changes.
messages: $(STAMP)
	$(MANAGE) makemessages -l en --ignore '.venv/*' --ignore 'bench/*' --no-location --no-wrap --no-obsolete
	$(MANAGE) compilemessages -l en --ignore '.venv/*'

# Regenerate the pinned lock from pyproject.toml (needs the network to PyPI).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --extra dev --strip-extras --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var
