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

.PHONY: install lock run test test-fast test-repeat validate lint format bench clean db demo users user password export flask

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, every download checked against its hash, then the app itself
# without resolving or fetching anything more (setuptools, its build backend, is in the lock).
# Reinstall only when the lock or pyproject.toml changes, so repeated runs cost nothing.
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	@# setuptools warns on every editable install that a folder named like the package could shadow it: it is this one, on purpose
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
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
	$(BIN)/gunicorn --no-control-socket --bind 127.0.0.1:$(PORT) --config python:app.gunicorn_conf --access-logfile - "app:create_app()"

# Everyday commands on the local database, with no venv to activate and no SECRET_KEY to set
# (development settings, as `make run`). In production use .venv/bin/flask --app app ... with the
# production environment (docs/deployment.md).
db: install
	@$(FLASK) db upgrade >/dev/null 2>&1 || $(FLASK) db upgrade
	@$(FLASK) course load

LEARNERS ?= 200
SEED ?= 1
demo: db
	$(FLASK) demo --learners $(LEARNERS) --seed $(SEED)

users: db
	@$(FLASK) users list

ROLE ?= student
user: db
	@test -n "$(EMAIL)" || { echo 'Usage: make user EMAIL=someone@example.org ROLE=student|instructor|admin (prompts for the password)'; exit 2; }
	$(FLASK) users create --email "$(EMAIL)" --role "$(ROLE)" $(if $(PASSWORD_STDIN),--password-stdin)

password: db
	@test -n "$(EMAIL)" || { echo 'Usage: make password EMAIL=someone@example.org (a temporary password, changed at the next log-in)'; exit 2; }
	$(FLASK) users set-password --email "$(EMAIL)" $(if $(PASSWORD_STDIN),--password-stdin)

WHAT ?= grades
FORMAT ?= $(if $(filter grades,$(WHAT)),canvas,moodle-xml)
OUT ?= $(if $(filter grades,$(WHAT)),grades-$(FORMAT).csv,$(if $(filter cartridge,$(WHAT)),unit.imscc))
export: db
	@case "$(WHAT)" in grades|questions|cartridge) ;; *) echo 'Usage: make export WHAT=grades|questions|cartridge [FORMAT=...] [OUT=file]'; exit 2;; esac
	$(FLASK) export $(WHAT) $(if $(filter cartridge,$(WHAT)),,--format $(FORMAT)) $(if $(OUT),--out $(OUT))

# Any other command of the app's CLI, e.g. make flask ARGS="attempts close-expired"
flask: install
	$(FLASK) $(ARGS)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Run the whole suite N times; list every test that failed in any run. In CI mode: bash .ci/repeat N
N ?= 5
test-repeat: install
	$(BIN)/python -m tests.repeat --runs $(N) -- $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Lint and types as CI checks them: ruff (rules and formatting) and mypy (strict on course/, ordinary on app/ and bench/).
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
