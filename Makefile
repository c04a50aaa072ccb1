# The two entry points the README promises: `make demo` and `make test`.
# Both build their own virtual environment, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

# Azurite (the Azure Storage emulator), pinned in package.json / package-lock.json.
node_modules/.bin/azurite-blob: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	node_modules/.bin/azurite-blob --version
	touch $@

$(BIN)/tratool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/tratool node_modules/.bin/azurite-blob
	@bash scripts/demo.sh

lint: $(BIN)/tratool
	$(BIN)/ruff check tratool tests fixtures
	$(BIN)/ruff format --check tratool tests fixtures
	$(BIN)/mypy tratool

test: lint node_modules/.bin/azurite-blob
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache .hypothesis
