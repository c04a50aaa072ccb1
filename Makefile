# The two entry points the README promises: `make demo` and `make test`.
# Both build their own virtual environment, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

PIP := $(BIN)/python -m pip --disable-pip-version-check
SETUP_LOG := $(VENV)/setup.log

.PHONY: demo test lint bench mutation fuzz dist clean

# The set-up steps keep their output in .venv/setup.log and print it only when they fail, so
# that `make demo` shows the demo, not the package managers.
# Azurite (the Azure Storage emulator), pinned in package.json / package-lock.json.
node_modules/.bin/azurite-blob: package.json package-lock.json
	@echo "installing Azurite (npm ci)…"
	@npm ci --no-audit --no-fund --loglevel=error > .npm-setup.log 2>&1 || { cat .npm-setup.log; exit 1; }
	@node_modules/.bin/azurite-blob --version > /dev/null
	@rm -f .npm-setup.log
	@touch $@

$(BIN)/tratool: pyproject.toml
	@echo "creating $(VENV) (pip's output: $(SETUP_LOG))…"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip > $(SETUP_LOG) 2>&1 || { cat $(SETUP_LOG); exit 1; }
	@$(PIP) install --quiet -e '.[test]' >> $(SETUP_LOG) 2>&1 || { cat $(SETUP_LOG); exit 1; }
	@touch $@

demo: $(BIN)/tratool node_modules/.bin/azurite-blob
	@bash scripts/demo.sh

lint: $(BIN)/tratool
	$(BIN)/ruff check tratool tests fixtures benchmarks
	$(BIN)/ruff format --check tratool tests fixtures benchmarks
	$(BIN)/mypy tratool tests

# Debian's Chromium and its driver, for the HTML report's browser test (CI runs as root on a
# fresh machine; elsewhere install both packages once by hand).
.PHONY: browser
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update && apt-get install -y chromium chromium-driver)

test: lint node_modules/.bin/azurite-blob browser
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

# Not part of make test (which runs 25 examples per property, 40 for the engines): a long fuzz
# campaign of the CLI, of the fast validation engine against the reference one (STD and ETE
# files) and of convert's grid path against the builder, e.g. make fuzz FUZZ_EXAMPLES=20000.
# Hypothesis prints the examples run per property.
FUZZ_EXAMPLES ?= 5000
fuzz: $(BIN)/tratool
	TRATOOL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_cli_fuzz.py \
		tests/test_engines_differential.py tests/test_engines_extended_differential.py \
		tests/test_convert_grid_differential.py -q \
		--hypothesis-show-statistics

# A wheel to install the tool for use (pipx install dist/tratool-*.whl): see the README.
dist: $(BIN)/tratool
	rm -rf dist
	$(PIP) wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

clean:
	rm -rf $(VENV) node_modules dist build .mypy_cache .pytest_cache .ruff_cache .hypothesis test-artifacts
