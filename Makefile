# Quick start: `make run` (demo dashboard on port 8501) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export POSTLOAN_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test lint seed clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

seed: install
	$(BIN)/postloan seed --if-empty

# POSTLOAN_DEMO=1: a random cookie key per server process when POSTLOAN_COOKIE_KEY is not set.
run: seed
	POSTLOAN_DEMO=1 $(BIN)/streamlit run dashboard/app.py --server.port 8501 --server.headless true

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) data

bench: install
	$(BIN)/python bench/pages.py
