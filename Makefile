# Two commands do all set-up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config/config.json

UI_SOURCES := static/package.json static/package-lock.json static/build.mjs $(wildcard static/src/*.js static/src/*.jsx static/src/*.css static/src/*/*.jsx)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast lint fmt lock ui bench clean postgres

$(BIN)/.installed: pyproject.toml setup.cfg constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $@

# The web UI: npm installs the pinned packages from static/package-lock.json, esbuild bundles them.
static/dist/index.html: $(UI_SOURCES)
	cd static && npm ci --no-audit --no-fund --loglevel=error && npm run build

ui: static/dist/index.html

# The browser tests drive Debian's Chromium (never a browser download).
$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)

run: $(BIN)/.installed ui
	$(BIN)/ftserver trade --config $(CONFIG)

lint: $(BIN)/.installed
	$(BIN)/ruff check ftserver tests bench
	$(BIN)/ruff format --check ftserver tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# The PostgreSQL server binaries for the tests that run on both databases (installed when missing).
postgres:
	scripts/ensure-postgres.sh

test: lint ui $(CHROMIUM) postgres
	$(BIN)/pytest

# Everything but the browser tests: no UI build, no Chromium.
test-fast: lint postgres
	$(BIN)/pytest -m "not browser"

# Pin what the virtualenv holds now (after changing setup.cfg: rm -rf .venv, install, test, lock).
lock: $(BIN)/.installed
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.tmp && mv constraints.tmp constraints.txt

fmt: $(BIN)/.installed
	$(BIN)/ruff format ftserver tests bench
	$(BIN)/ruff check --fix ftserver tests bench

bench: $(BIN)/.installed ui
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/loop.py
	$(BIN)/python bench/pair_history.py
	$(BIN)/python bench/ws_fanout.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/ui_load.py
	$(BIN)/python bench/connection_flood.py
	$(BIN)/python bench/blacklist_flood.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info static/node_modules static/dist
