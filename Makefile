# essex-contracts: every target builds what it needs itself (see `make help`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-output

.DEFAULT_GOAL := help
.PHONY: help demo test lint bench clean readme

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/contracts: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-extras: pyproject.toml $(BIN)/contracts
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

demo: $(BIN)/contracts ## create .venv, install, and run the demo on the embedded sample
	$(BIN)/contracts demo --out $(DEMO_DIR)

test: $(VENV)/.test-extras ## create .venv with the test extras, run ruff, mypy and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy contracts importers cli.py
	$(BIN)/pytest

readme: $(VENV)/.test-extras ## make the README's example outputs again from the demo
	$(BIN)/python -m tests.readme_examples

lint: $(VENV)/.test-extras ## ruff only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.test-extras ## run the benchmarks (prints figures; copy them to bench/RESULTS.md)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## remove the venv and demo output
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache .hypothesis
