# Oversight: `make run` serves the course locally, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP_TOOLS := pip-tools==7.6.2
PORT ?= 8000
export OVERSIGHT_ENV ?= development
FLASK := $(BIN)/flask --app app

.PHONY: install lock run test test-fast test-repeat validate lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, every download checked against its hash, then the app itself
# without resolving or fetching anything more (setuptools, its build backend, is in the lock).
# Reinstall only when the lock or pyproject.toml changes, so repeated runs cost nothing.
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check || { echo "$(LOCK) does not satisfy pyproject.toml: run make lock"; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# Resolve pyproject.toml's ranges (with every extra) into $(LOCK) with hashes. Pins already in the
# lock stay while they fit the ranges; `make lock UPGRADE=1` moves everything to the newest in range.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(PIP_TOOLS)"
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --build-deps-for editable --extra dev --extra postgres --extra redis \
		$(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml

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

# Lint and types as CI checks them: ruff (rules and formatting) and mypy (strict on course/, ordinary on app/).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Rewrite the tree in the project's format and apply ruff's safe fixes.
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

validate: install
	$(FLASK) course validate

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
