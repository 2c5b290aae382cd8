# Kesu: `make run` sets everything up and runs Kesu on SQLite; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run lint test packages bench clean

CATALOGUES := $(patsubst %.po,%.mo,$(wildcard kesu/locale/*/LC_MESSAGES/*.po))

setup: $(VENV)/.installed $(CATALOGUES) node_modules/.installed

# Front-end assets (htmx, Bootstrap, ECharts) from npm, pinned by package-lock.json; Django serves them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests need: Chromium (with CJK fonts for the Chinese pages) for the browser
# tests, Dovecot for the e-mail intake tests (each test starts its own instance on free ports), Pango
# for WeasyPrint's PDF reports and poppler's pdffonts/pdftoppm that check them, PgBouncer for the test of
# several machines.
PACKAGES := chromium fonts-noto-cjk dovecot-imapd dovecot-lmtpd libpango-1.0-0 libpangoft2-1.0-0 poppler-utils pgbouncer
packages:
	@if ! dpkg -s $(PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES); \
	  else \
	    echo "Install $(PACKAGES) (apt-get, as root) to run the browser and e-mail tests."; \
	  fi; \
	fi

kesu/locale/%.mo: kesu/locale/%.po $(VENV)/.installed
	$(BIN)/python -m kesu.lib.i18n

# What running needs; the test tools (pytest, Playwright, ruff…) only for `make test` and `make lint`.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Ends with one block: the address, the admin account and its first password, and where to go next.
run: setup
	@$(BIN)/kesu init --process call_center
	@$(BIN)/kesu run

lint: setup $(VENV)/.installed-test
	$(BIN)/ruff check kesu bench
	$(BIN)/ruff format --check kesu bench

test: setup $(VENV)/.installed-test lint packages
	$(BIN)/pytest

# Kesu measured as production runs it (PostgreSQL from DATABASE_URL): see bench/README.md.
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules test-output
