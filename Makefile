# dealsync: two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
EMULATOR_PORT ?= 8443

.PHONY: install demo test test-ops dev emulator bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipelines.demo

test: install
	$(PY) -m pytest -q

test-ops: install
	$(PY) -m pytest -q -m ops tests/ops

dev: install $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -w workspace.yaml

emulator: install
	$(PY) -m emulator serve --port $(EMULATOR_PORT) --org demo --scale small

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) .dagster_home data .emulator
