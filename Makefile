# The two entry points the README promises: `make demo` and `make test`.
# Both build their own virtual environment, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench mutation clean

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
	$(BIN)/ruff check tratool tests fixtures benchmarks
	$(BIN)/ruff format --check tratool tests fixtures benchmarks
	$(BIN)/mypy tratool tests

test: lint node_modules/.bin/azurite-blob
	$(BIN)/pytest

# Not part of make test: measures throughput and memory beside pandas and polars.
bench: $(BIN)/tratool
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# Not part of make test: mutation score per area (docs/testing.md). One area at a time, e.g.
# make mutation MUTATION_ARGS="--area journal --max-children 1".
mutation: $(BIN)/tratool
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache .hypothesis
