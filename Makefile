# The whole developer loop. A fresh machine needs only `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PUBLIC ?= ../shared/data/public
DEMO := demo

.PHONY: demo serve test test-fast lint docs bench clean reference-bundle

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $(STAMP)

## The main job: synthetic demo authority -> extracts -> store -> quarterly report
## (`scorecard demo`: needs nothing but the package; the reference data ships inside it).
demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/scorecard demo --out $(DEMO)

## Rebuild the shipped reference data from a folder of DfE/ONS releases (after a new release).
reference-bundle: $(STAMP)
	$(BIN)/python -m csc_scorecard.reference.bundle $(PUBLIC) src/csc_scorecard/reference/data

## The dashboard on the demo store, with a demo admin whose password is printed once.
serve: $(STAMP)
	test -f $(DEMO)/scorecard.duckdb || $(MAKE) demo
	-$(BIN)/scorecard users add demo-admin --role admin --generate-password --store $(DEMO)/scorecard.duckdb
	$(BIN)/scorecard serve --store $(DEMO)/scorecard.duckdb --framework examples/doncaster-2022/framework.yaml

## Every test CI runs: the fast suite, the DfE-validator oracle and the Spark parity suite,
## one test module per worker process on every core (pytest-xdist; module fixtures stay in one process).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

## The quick loop while developing (no oracle venvs, no JVM).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not oracle and not spark and not slow" -x -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

## Regenerate the checked-in references (tests fail when they are stale).
docs: $(STAMP)
	$(BIN)/python -m csc_scorecard.docgen docs

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .oracle-venv-*
