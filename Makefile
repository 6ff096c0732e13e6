# dealsync: two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
EMULATOR_PORT ?= 8443
DAGSTER_PORT ?= 3000

.PHONY: install demo test check lint test-ops chaos chromium dev emulator bench docs clean

$(STAMP): pyproject.toml emulator/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' -e ./emulator
	$(VENV)/bin/dealsync dbt parse
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dealsync demo

# The whole suite: the main suite on two workers (one test file each at a time), then the
# operations tests (tests/ops: real code server, webserver and daemon on a PostgreSQL instance,
# the UI in headless Chromium), which share one deployment and so run in one process. Both are
# CPU-bound on two cores: run side by side, or on four workers, they took longer, not shorter
# (bench/RESULTS.md).
test: install chromium
	$(PY) -m pytest -q -n 2 --dist loadfile --ignore=tests/ops --ignore=tests/chaos
	$(PY) -m pytest -q tests/ops

# The developer loop, under 3 minutes: lint, then every test not marked slow (no end-to-end
# runs, no Dagster processes, no browser).
check: install lint
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow" --ignore=tests/ops/test_ui_browser.py \
	  --ignore=tests/chaos

lint: install
	$(VENV)/bin/ruff check .

# The operations tests alone, when working on the deployment.
test-ops: install chromium
	$(PY) -m pytest -q tests/ops

# Chaos against the whole deployment (faults, kills, late commits, poison records, then the
# reconciliation), once per engine, about 35 minutes each (50 rounds); not part of `make test`.
# Figures: bench/out/chaos-<engine>.json, quoted in bench/RESULTS.md. CHAOS_ENGINES=duckdb
# runs one engine.
chaos: install
	$(PY) -m pytest -q tests/chaos

# Debian's chromium for the browser test, only when missing; apt-get needs root (CI runs as
# root). Nothing here downloads a browser build. Not root and missing: the browser test says how
# to install it (and fails under CI=true).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { test "$$(id -u)" = 0 && echo "installing Debian's chromium" \
	  && apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
	     apt-get install -y -qq chromium >$(VENV)/chromium-install.log 2>&1; } \
	  || echo "chromium missing: run 'apt-get install chromium' as root (log: $(VENV)/chromium-install.log)"

# Webserver and daemon together (`dagster dev`) on the local SQLite instance, with the pool
# limits the deployment uses (deploy/set-pools.sh). `make dev DAGSTER_PORT=3001` for another port.
dev: install $(DAGSTER_HOME)/dagster.yaml
	DAGSTER=$(VENV)/bin/dagster sh deploy/set-pools.sh
	$(VENV)/bin/dagster dev -w workspace.yaml -p $(DAGSTER_PORT)

emulator: install
	$(PY) -m salesforce_emulator serve --port $(EMULATOR_PORT) --org demo --scale small

bench: install
	$(PY) -m bench.run_all

# The data dictionary: dbt docs of the deal warehouse, as one static page in docs/deal_warehouse/
# (reads the warehouse named by DEALSYNC_WAREHOUSE & co. for the built column types).
docs: install
	$(VENV)/bin/dealsync docs

clean:
	rm -rf $(VENV) .dagster_home data .emulator transforms/target
