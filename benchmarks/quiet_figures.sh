#!/usr/bin/env bash
# The top table of docs/benchmarks.md, one figure after another, in a checkout that has run
# `make demo` (its .venv and demo/): run it on a quiet machine, nothing else running.
#
#   benchmarks/quiet_figures.sh ENGLAND_STORE [ORACLE_VENV_ROOT] > figures.log
#
# ENGLAND_STORE: a store from `scorecard synth --england --years 2013-2022 --out DIR` (copied by
# the benchmarks that write). ORACLE_VENV_ROOT: where the DfE validators' venvs are (made by
# `make test`; default this checkout). Each line says its start time and load average.
set -uo pipefail
# Python keeps each module's bytecode after its first run on a user's machine; a shell that
# forbids it makes every process compile every module again (docs/benchmarks.md, eleventh round).
unset PYTHONDONTWRITEBYTECODE
cd "$(dirname "$0")/.."
england=${1:?give the synthetic England store}
oracle=${2:-$PWD}
B=.venv/bin; T='%e s wall %U+%S cpu %M KB'; tmp=$(mktemp -d)
say() { echo; echo "=== $* ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"; }
say make demo; /usr/bin/time -f "$T" make demo >"$tmp/demo.log" 2>&1; tail -1 "$tmp/demo.log"
for i in 1 2; do
  say scorecard demo $i; /usr/bin/time -f "$T" $B/scorecard demo --out "$tmp/d$i" 2>&1 | tail -1
done
say every measure, 25 quarters; $B/python benchmarks/measures.py --store demo/scorecard.duckdb --la 371 2>&1 | tail -6
$B/scorecard reference --store "$tmp/ref.duckdb" >/dev/null 2>&1
for i in 1 2 3; do  # the folders the demo ingests (commands/demo.py DEMO_EXTRACTS)
  say ingest + report $i; cp "$tmp/ref.duckdb" "$tmp/s$i.duckdb"
  /usr/bin/time -f "ingest $T" $B/scorecard ingest demo/extracts/{ssda903,cin_census,annex_a,csww,templates} \
    --la 371 --store "$tmp/s$i.duckdb" 2>&1 | tail -1
  /usr/bin/time -f "report $T" $B/scorecard report --period 2022-Q1 --store "$tmp/s$i.duckdb" \
    --framework examples/doncaster-2022/framework.yaml --paper examples/doncaster-2022/paper.yaml \
    --narrative examples/doncaster-2022/narrative.md --out "$tmp/r$i" --formats html,pdf,docx,xlsx 2>&1 | tail -1
done
say the PDF; $B/python benchmarks/report.py --store demo/scorecard.duckdb --paper --formats pdf 2>&1 | tail -12
say England, every measure; $B/python benchmarks/england.py --store "$england" --steps compute 2>&1 | tail -18
say DfE 903 rules beside D2I; ORACLE_VENV_ROOT=$oracle $B/python benchmarks/quality.py 2>&1 | tail -30
say England validated; /usr/bin/time -f "$T" $B/python benchmarks/quality.py --england "$england" \
  --max-rows 9000000 --out "$tmp/faults.csv" 2>&1 | grep -v "not run:" | tail -5
say done; rm -rf "$tmp"
