# The two commands: `make run` and `make test`. Both build .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/threadbase.db
HOST   ?= 127.0.0.1
PORT   ?= 8000
CHROMIUM := /usr/bin/chromium
REDIS    := /usr/bin/redis-server
# What `make run` loads into an empty database: the sample pages (not the crawl-record sample).
# tests/test_readme.py loads the same files before it runs the README's examples.
SEED_PAGES := $(wildcard fixtures/*.txt)

# A pipe in a recipe fails when any command in it does.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Plain `make` installs (and compiles) what changed.
.DEFAULT_GOAL := $(BIN)/threadbase
.PHONY: run test lint typecheck pytest postgresql openapi bench bench-postgresql clean

# The parser's modules, which installing compiles (setup.py): a change to one compiles again.
PARSER := setup.py $(wildcard api/ingest/*.py api/ingest/*/*.py)
# Whether the venv's Python can build extensions: a C compiler and its own headers.
CAN_COMPILE = command -v cc >/dev/null && test -f "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h"
# The requirements of one of pyproject.toml's extras, one a line, for `pip install -r /dev/stdin`
# (installing `-e '.[EXTRA]'` would build the project, and compile the parser, once more).
EXTRA = $(BIN)/python -c 'import sys, tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"][sys.argv[1]], sep="\n")'

$(VENV)/.created:
	@echo "[1/3] creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "[2/3] upgrading pip"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

# Installing compiles the parser where a C compiler and Python's headers are found (Debian's
# gcc and python3-dev, installed when missing; without them the parser runs uncompiled). The
# extensions of an earlier build are deleted first: none outlives its module or its source.
$(BIN)/threadbase: $(VENV)/.created pyproject.toml $(PARSER)
	@$(CAN_COMPILE) || (echo "installing Debian's gcc and python3-dev to compile the parser" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc python3-dev) || echo "no C compiler or Python headers: the parser is installed uncompiled"
	@echo "[3/3] installing threadbase and its dependencies, compiling the parser (a minute or two the first time)"
	find api/ingest -name '*.so' -delete
	$(BIN)/python -m pip install --progress-bar on -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/threadbase
	@echo "installing the test extras"
	$(EXTRA) test | $(BIN)/python -m pip install --quiet -r /dev/stdin
	@touch $@

run: $(BIN)/threadbase
	@echo "loading $(SEED_PAGES) (only into an empty database)"
	$(BIN)/threadbase ingest $(SEED_PAGES) --db $(DB) --if-empty
	@echo "starting the server; it prints the reader, docs and health URLs once it answers"
	$(BIN)/threadbase serve --db $(DB) --host $(HOST) --port $(PORT)

test: lint typecheck pytest

# The TypeScript SDK check's packages, pinned by the committed lockfile (Node.js from Debian
# when the machine has none).
SDK_TS := sdk/typescript
$(SDK_TS)/node_modules/.package-lock.json: $(SDK_TS)/package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	cd $(SDK_TS) && npm ci --no-audit --no-fund --loglevel=error

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

pytest: $(VENV)/.test-deps $(SDK_TS)/node_modules/.package-lock.json $(CHROMIUM) $(REDIS) postgresql
	$(BIN)/pytest

# The contract tests also run on PostgreSQL: Debian's server programs, installed when missing.
# The tests start throwaway clusters of their own (tests/pg_cluster.py); none is kept running.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (echo "installing Debian's postgresql for the tests" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

# The browser tests drive Debian's chromium through Playwright (no browser download).
$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The shared rate limit is tested over a throwaway redis-server (Debian's package).
$(REDIS):
	@echo "installing Debian's redis-server for the shared rate-limit tests"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server

# Load test against Datasette, a minimal handler and same-bytes ceilings (bench/peers.py);
# writes BENCHMARKS.md. Needs wrk
# (Debian's package, installed here when missing) and the bench extras (Datasette, py-spy).
bench: $(VENV)/.bench-deps
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(MAKE) bench-postgresql

# The PostgreSQL section of BENCHMARKS.md alone (bench/postgres.py): the same corpus copied into
# a throwaway cluster, the same rows against both engines. A smaller corpus for a quick look:
# make bench-postgresql PG_BENCH_ARGS="--articles 300 --comments 30000 --duration 2 --rounds 1"
bench-postgresql: $(BIN)/threadbase postgresql
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench.postgres $(PG_BENCH_ARGS)

$(VENV)/.bench-deps: $(BIN)/threadbase
	$(EXTRA) bench | $(BIN)/python -m pip install --quiet -r /dev/stdin
	@touch $@

openapi: $(BIN)/threadbase
	$(BIN)/threadbase openapi --output openapi.json

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache $(SDK_TS)/node_modules $(SDK_TS)/build
	find api -name '*.so' -delete
