# Two commands do all set-up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config/config.json

.PHONY: run test lint bench clean

$(BIN)/.installed: pyproject.toml setup.cfg
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/ftserver trade --config $(CONFIG)

lint: $(BIN)/.installed
	$(BIN)/ruff check ftserver tests bench scripts
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/loop.py
	$(BIN)/python bench/pair_history.py
	$(BIN)/python bench/ws_fanout.py
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
