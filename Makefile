# Every target works on a fresh clone with only Python >= 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab refuses to run as root (containers, CI machines) unless told it may.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint serve stop bench audit demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

lab: $(STAMP)  ## start the embedded server, then JupyterLab on notebooks/
	$(BIN)/runloop-nb serve --background
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

test: $(STAMP)  ## lint, type-check and run the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

serve: $(STAMP)  ## run the embedded Runloop-compatible server in the foreground
	$(BIN)/runloop-nb serve

stop: $(STAMP)
	$(BIN)/runloop-nb serve --stop

audit: $(STAMP)  ## gold audit of the bundled benchmarks
	$(BIN)/runloop-nb audit smoke
	$(BIN)/runloop-nb audit repo-bugfix

demo: $(STAMP)  ## run notebook 03 (reference vs mutant agent) headless on the embedded server; writes demo-report.html
	$(BIN)/python tools/demo.py demo-report.html

bench: $(STAMP)  ## speed figures next to the peers measured in the same run
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
