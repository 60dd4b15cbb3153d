# Two commands set up everything on a fresh machine (Python 3.11+ and make):
#   make run    create .venv, install, run the example city's baseline, print where the results are
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPS ?= 50
SEED ?= 1

.PHONY: install run test test-lowest bench backtest baseline docs lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tuoyu-sim needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/tuoyu run scenarios/example_city/baseline.yaml --reps $(REPS) --seed $(SEED) --force

test: install
	$(BIN)/ruff check sim tests scenarios
	$(BIN)/python -m pytest

# The lowest supported versions (constraints-lowest.txt) in an environment of their own; not part of `make test`
# (a second environment takes a few minutes to install): run it before raising a floor or a release.
LOWEST := .venv-lowest
test-lowest:
	test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c constraints-lowest.txt -e '.[test]'
	$(LOWEST)/bin/python -m pytest --deselect tests/test_package.py

bench: install
	$(BIN)/python -m sim.bench

backtest: install
	$(BIN)/python -m sim.calibration.backtest --workers 2

baseline: install
	$(BIN)/python -m tests.regression

docs: install
	$(BIN)/python -m sim.reference

lint: install
	$(BIN)/ruff check sim tests scenarios

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .hypothesis .ruff_cache
