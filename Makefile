# Kesu: `make run` sets everything up and runs Kesu on SQLite; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run lint test clean

CATALOGUES := $(patsubst %.po,%.mo,$(wildcard kesu/locale/*/LC_MESSAGES/*.po))

setup: $(VENV)/.installed $(CATALOGUES)

kesu/locale/%.mo: kesu/locale/%.po $(VENV)/.installed
	$(BIN)/python -m kesu.lib.i18n

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: setup
	$(BIN)/kesu init --process call_center
	$(BIN)/kesu run

lint: setup
	$(BIN)/ruff check kesu
	$(BIN)/ruff format --check kesu

test: setup lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache
