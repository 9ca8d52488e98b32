# Quick start: `make run` (demo dashboard on port 8501) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# pytest-xdist workers: one per core by default.
WORKERS ?= auto
export POSTLOAN_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test test-fast lint seed clean bench lock

# The exact versions of requirements.lock (dev tools included), then the project itself without resolving
# anything anew: every machine runs what the tests ran.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

seed: install
	$(BIN)/postloan seed --if-empty

# POSTLOAN_DEMO=1: a random cookie key per server process when POSTLOAN_COOKIE_KEY is not set.
# Listens on this machine only unless told otherwise (make run ADDRESS=0.0.0.0): a deployment puts a
# reverse proxy in front (README, Security).
# The port: make run PORT=8502 when 8501 is taken.
ADDRESS ?= 127.0.0.1
PORT ?= 8501
run: seed
	POSTLOAN_DEMO=1 $(BIN)/streamlit run dashboard/app.py --server.address $(ADDRESS) --server.port $(PORT) \
		--server.headless true

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Everything: SQLite and PostgreSQL, the browser tests; in parallel, a migrated template per worker.
# --dist loadfile: a module's tests share a worker, so a module-scoped app (tests/browser) or book starts
# once. (loadgroup would be finer, but pytest-xdist 3.8 cannot set the group on pytest 9's node ids.)
# --no-loadscope-reorder: the files go out in the order tests/conftest.py gives them, longest first, so the
# slow browser files do not start last and leave one worker running alone.
DIST := --dist loadfile --no-loadscope-reorder
# Python's compiled files (__pycache__, git-ignored) are written even where the environment says not to:
# without them each worker, and each CLI or app process the tests start, compiles the project again.
test test-fast: export PYTHONDONTWRITEBYTECODE =
test: lint
	$(BIN)/pytest -n $(WORKERS) $(DIST)

# The inner loop: SQLite only, no browser.
test-fast: install
	$(BIN)/pytest -n $(WORKERS) $(DIST) -m "not postgres and not browser"

# After changing the dependencies in pyproject.toml: resolve and pin them anew (commit requirements.lock).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) data

bench: install
	$(BIN)/python bench/pages.py
