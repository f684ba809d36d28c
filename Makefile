# The whole developer loop. A fresh machine needs only `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PUBLIC ?= ../shared/data/public
DEMO := demo
LA := 371

.PHONY: demo test test-fast lint docs bench clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $(STAMP)

## The main job: synthetic demo authority -> extracts -> store -> quarterly report.
demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/scorecard synth --out $(DEMO)/extracts
	$(BIN)/scorecard reference --from $(PUBLIC) --store $(DEMO)/scorecard.duckdb
	# The synthetic authority writes SSDA903 both as CSV and as XML; councils send one, so load the CSV.
	$(BIN)/scorecard ingest $(DEMO)/extracts/ssda903 $(DEMO)/extracts/cin_census $(DEMO)/extracts/annex_a \
		$(DEMO)/extracts/csww $(DEMO)/extracts/templates --la $(LA) --store $(DEMO)/scorecard.duckdb
	$(BIN)/scorecard status --store $(DEMO)/scorecard.duckdb
	$(BIN)/scorecard report --period 2022-Q1 --store $(DEMO)/scorecard.duckdb \
		--framework examples/doncaster-2022/framework.yaml --out $(DEMO)/report --formats html,pdf,docx,xlsx

## Every test CI runs: the fast suite, the DfE-validator oracle and the Spark parity suite.
test: $(STAMP)
	$(BIN)/python -m pytest

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
