# Two commands: `make run` serves the demo, `make test` runs every test.
# Both set everything up first and are quick when nothing changed.
PYTHON ?= $(shell command -v python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
export DEBUG ?= 1
export CAREPATH_DEMO ?= 1

.PHONY: run test setup lint bench check-deploy clean

setup: $(STAMP_PY) $(STAMP_NPM)

$(VENV)/bin/python:
	@pyenv_py=$$(pyenv prefix 3.13 2>/dev/null)/bin/python3; \
	if [ -x "$$pyenv_py" ]; then "$$pyenv_py" -m venv $(VENV); else $(PYTHON) -m venv $(VENV); fi

$(STAMP_PY): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: setup
	$(BIN)/carepath migrate --no-input -v0
	$(BIN)/carepath demo
	@echo ""
	@echo "Demo logins (password, then the 6-digit code from the TOTP secret in an authenticator app):"
	@$(BIN)/carepath demo --credentials
	@echo ""
	@echo "Serving CarePath at http://127.0.0.1:$(PORT)/"
	PORT=$(PORT) $(BIN)/carepath run

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: setup
	DEBUG=0 CAREPATH_DEMO=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=carepath.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: setup
	$(BIN)/python bench/caseload.py $(BENCH_ARGS)
	$(BIN)/python bench/responses.py $(RESPONSES_ARGS)
	$(BIN)/python bench/directory.py $(DIRECTORY_ARGS)
	$(BIN)/python bench/treatment_chart.py $(CHART_ARGS)
	$(BIN)/python bench/checkins.py $(CHECKINS_ARGS)
	$(BIN)/python bench/risk_scan.py $(RISK_SCAN_ARGS)
	$(BIN)/python bench/family_sharing.py $(FAMILY_ARGS)

clean:
	rm -rf $(VENV) node_modules var
