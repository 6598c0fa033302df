# The two commands a fresh machine needs: `make run` and `make test`. Both create .venv and install what is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKER := $(BIN)/huey_consumer corroborate.jobs.huey --workers 1 --max-delay 1 --quiet

.PHONY: run test test-browser bench system-deps browser-deps setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

system-deps:
	@bash scripts/system-deps.sh

browser-deps:
	@bash scripts/browser-deps.sh

setup: system-deps $(VENV)/.runtime
	$(FLASK) corpus stats
	$(FLASK) curriculum build --handouts
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty

# The web server, and beside it the worker that renders handouts (jobs.py); Ctrl-C stops both.
run: setup
	@echo "Corroborate on http://$(HOST):$(PORT)/ (logins above; Ctrl-C stops it)"
	$(WORKER) & worker=$$!; \
	CORROBORATE_BIND=$(HOST):$(PORT) $(BIN)/gunicorn 'app:create_app()'; status=$$?; \
	kill $$worker 2>/dev/null; wait $$worker; exit $$status

# The database tests run on SQLite and, when PostgreSQL can be started here, on PostgreSQL too.
test: system-deps browser-deps $(VENV)/.dev
	$(BIN)/ruff check .
	TEST_POSTGRES_URL="$${TEST_POSTGRES_URL:-$$(bash scripts/postgres.sh)}" $(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the real-browser tests (Playwright driving Debian's Chromium).
test-browser: PYTEST_ARGS = -m browser
test-browser: test

bench: system-deps $(VENV)/.dev
	$(BIN)/python bench/corpus_build.py
	$(BIN)/python bench/search_latency.py

clean:
	rm -rf $(VENV) instance/cache .pytest_cache node_modules test-artifacts
