# Oversight: `make run` serves the course locally, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export OVERSIGHT_ENV ?= development
FLASK := $(BIN)/flask --app app

.PHONY: install run test test-fast test-repeat validate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes, so repeated runs cost nothing.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,redis]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) course load
	$(FLASK) users demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/gunicorn --no-control-socket --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - "app:create_app()"

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Run the whole suite N times; list every test that failed in any run. In CI mode: bash .ci/repeat N
N ?= 5
test-repeat: install
	$(BIN)/python -m tests.repeat --runs $(N) -- $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

validate: install
	$(FLASK) course validate

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
