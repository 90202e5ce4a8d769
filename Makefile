# The two commands: `make run` and `make test`. Both build .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/threadbase.db
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest openapi bench clean

$(BIN)/threadbase: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/threadbase
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

run: $(BIN)/threadbase
	$(BIN)/threadbase ingest fixtures/ --db $(DB) --if-empty
	$(BIN)/threadbase serve --db $(DB) --host $(HOST) --port $(PORT)

test: lint typecheck pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

pytest: $(VENV)/.test-deps
	$(BIN)/pytest

# Load test against Datasette, a minimal handler and fixed-bytes ceilings; writes BENCHMARKS.md. Needs wrk
# (Debian's package, installed here when missing) and the bench extras (Datasette, py-spy).
bench: $(VENV)/.bench-deps
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

$(VENV)/.bench-deps: $(BIN)/threadbase
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

openapi: $(BIN)/threadbase
	$(BIN)/threadbase openapi --output openapi.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
