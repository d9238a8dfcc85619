# Two entry points: `make serve` (set up, build, serve) and `make test` (set up, run every test).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup serve build check test lint bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)
	$(BIN)/python build_site.py serve

build: $(STAMP)
	$(BIN)/python build_site.py build

check: $(STAMP)
	$(BIN)/python build_site.py check

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/zizmor --offline --quiet .github/workflows/
	$(BIN)/python -m pytest -n 2

# Not part of `make test`: mutants of every pipeline stage against its in-process tests (long).
mutation: $(STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python benchmarks/mutation_report.py

clean:
	rm -rf site .staging-* mutants $(VENV)
