# Two commands do all set-up on a fresh machine:
#   make demo   - virtualenv with pinned dependencies, demo archive, served on http://127.0.0.1:8000
#   make test   - the same set-up, then lint, type checks and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DATA ?= ./demo-data

.PHONY: install demo test lint typecheck pytest bench clean lock

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Test-only JavaScript (axe-core for the accessibility checks), from the npm registry.
BROWSER_STAMP := tests/browser/node_modules/.installed-stamp
$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $(BROWSER_STAMP)

demo: install
	$(BIN)/chancery --data $(DEMO_DATA) demo --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# Two processes (pytest-xdist), a test file each at a time: each has its own PostgreSQL
# database and Redis db (tests/conftest.py). PYTEST_WORKERS=0 runs the suite in one.
PYTEST_WORKERS ?= 2
pytest: install $(BROWSER_STAMP)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

bench: install
	$(BIN)/python benchmarks/import_frus.py

# Re-pin every dependency after changing pyproject.toml (developers only).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]' setuptools
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) $(DEMO_DATA) .mypy_cache .pytest_cache .ruff_cache
