# Dateline: `make demo` and `make test` set themselves up (.venv/, dependencies,
# a private Redis under var/). `make` alone lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.DEFAULT_GOAL := help
.PHONY: help setup demo test eval eval-dedupe bench bench-throughput bench-dedupe bench-scale chaos fixtures lint clean stop-redis

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	@touch $@

setup: $(STAMP)  ## create .venv/ with the dateline command (skipped when done)

demo: $(STAMP)  ## crawl the bundled offline demo site end to end and show a record
	$(BIN)/dateline demo

test: $(STAMP)  ## run the test suite (starts its own redis-server)
	$(BIN)/python -m pytest -q

eval: $(STAMP)  ## score extraction on the shared evaluation pages (needs ../shared)
	@test -d $(SHARED)/eval || { echo "make eval: no $(SHARED)/eval here"; exit 1; }
	$(BIN)/python -m tests.eval.extraction --shared $(SHARED)

eval-dedupe: $(STAMP)  ## cluster precision/recall on a syndication set built from ../shared
	@test -d $(SHARED)/eval || { echo "make eval-dedupe: no $(SHARED)/eval here"; exit 1; }
	$(BIN)/python -m tests.eval.dedupe --shared $(SHARED)

bench-dedupe: $(STAMP)  ## dedupe index at 100,000 articles: memory and latency
	$(BIN)/python -m tests.bench.dedupe

bench-throughput: $(STAMP)  ## real pages (../shared/eval): end to end on SQLite and PostgreSQL against the extraction ceiling (PAGES=DIR, GENERATED=1, DB=sqlite)
	$(BIN)/python -m tests.bench.throughput --shared $(SHARED) $(if $(PAGES),--pages $(PAGES)) $(if $(GENERATED),--generated) $(if $(DB),--db $(DB))

bench-scale: $(STAMP)  ## cost as the store grows: 10^4, 10^5, 10^6 records (SIZES=a,b,c)
	$(BIN)/python -m tests.bench.scale $(if $(SIZES),--sizes $(SIZES))

bench: $(STAMP)  ## every benchmark; ends with e2e/ceiling=R.RR
	@# each prints its table whether or not the other missed a target; exit 1 if any did
	@status=0; \
	$(MAKE) --no-print-directory bench-dedupe || status=1; \
	$(MAKE) --no-print-directory bench-throughput || status=1; \
	exit $$status

fixtures: $(STAMP)  ## regenerate tests/fixtures/*/article.json (review the diff!)
	$(BIN)/python -m tests.regenerate_fixtures

chaos: $(STAMP)  ## inject faults into real processes; every page accounted for (LOAD=2 RUNS=5)
	$(BIN)/python -m tests.chaos $(if $(LOAD),--load $(LOAD)) $(if $(RUNS),--runs $(RUNS))

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy config crawler workers dateline tests/harness.py tests/bench tests/chaos tests/eval tests/regenerate_fixtures.py

stop-redis: $(STAMP)  ## stop the private redis-server under var/redis
	$(BIN)/python -c "from dateline.private_redis import stop_private; from workers import settings; stop_private(settings.VAR_DIR)"

clean: stop-redis  ## stop the private Redis and delete var/ (all stored data)
	rm -rf var
