# Two commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-fast check install install-dev browser lint typecheck graph bench bench-data image services-up services-down clean

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

run: install
	$(VENV)/bin/wildtrace run

test: install-dev browser
	$(MAKE) services-up
	$(PY) -m pytest -q; status=$$?; $(MAKE) services-down; exit $$status

# Debian's chromium for the browser tests (Playwright drives it through executable_path;
# `playwright install` would download a browser build, which this project never does).
browser:
	test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

# The quick loop while editing: everything but the tests marked `slow` (real crawls,
# model training, whole-pipeline runs). Elasticsearch tests skip if no server answers.
test-fast: install-dev
	$(PY) -m pytest -q -m "not slow"

# What CI runs: lint (ruff, import contracts, size limits), mypy, then the whole suite.
check: lint typecheck test

# The Elasticsearch-API-compatible server (noida-db) the ES contract tests run against, and
# Debian's redis-server (installed when missing) for the distributed-mode tests.
services-up: install-dev
	tools/es-server.sh start
	tools/redis-server.sh start

services-down:
	tools/es-server.sh stop
	tools/redis-server.sh stop

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/arch.py check
	$(PY) tools/sizes.py

typecheck: install-dev
	$(VENV)/bin/mypy

# The import graph in README.md's architecture section, regenerated from the code.
graph:
	$(PY) tools/arch.py readme
	$(PY) tools/arch.py graph

# Every benchmark (benchmarks/bench_*.py), one after another, with Redis and the
# ES-compatible server up for the distributed and Elasticsearch ones. Ends with wall and
# CPU seconds per benchmark and the total. The 1M-listing SQLite tier of bench_scale runs
# only on the store `make bench-data` caches under var/scale/; without it, it is skipped
# and the summary says so.
bench: install-dev
	$(MAKE) services-up
	$(PY) -m benchmarks; status=$$?; $(MAKE) services-down; exit $$status

# One-time: build (and measure the ingest of) the cached 1M-listing SQLite store that
# `make bench` reads (var/scale/, 2.5 GB, about 40 min on 2 busy cores).
bench-data: install-dev
	$(PY) -m benchmarks.bench_scale --sqlite 1000000 --es "" --build-cache

# The container image for the web app, the scheduler and the workers (Containerfile).
# Built only where podman or docker is installed; nothing needs it otherwise.
image:
	@tool=$$(command -v podman || command -v docker || true); \
	if [ -z "$$tool" ] || ! $$tool info >/dev/null 2>&1; then \
	  echo "image: no usable podman or docker here; skipped"; exit 0; fi; \
	$$tool build -f Containerfile -t wildtrace:latest .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
