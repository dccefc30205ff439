# nmo — two entry points: `make demo` (the main job, offline) and `make test` (lint, types, tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit install clean-demo system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The main job on the embedded default: ingest the sample brand, plan two weeks for two platforms,
## draft the first two items, run the gate, leave them pending review, print the commands to review.
demo: $(STAMP)
	$(BIN)/nmo demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy agents/nmo

## pytest exits 5 when it collects no test; that is not a failure of the suite.
unit: $(STAMP)
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; exit 0; fi; exit $$rc

## The Debian packages the browser, chart and PostgreSQL tests need: installed when root with apt-get,
## otherwise make stops with the exact command to run (no test is skipped for a missing package).
system-packages:
	bash .ci/system-packages

test: system-packages lint typecheck unit
