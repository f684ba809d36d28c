"""Every DfE rule's faults over a fixed set of inputs, written to one Parquet file, so that a
rewrite of the rules can be shown to change nothing: take a snapshot on main, another on the
branch, and compare.

    .venv/bin/python scripts/faults_snapshot.py base.parquet --synth /tmp/synth05
    .venv/bin/python scripts/faults_snapshot.py new.parquet --synth /tmp/synth05 --compare base.parquet

The inputs: the peer projects' 903 and CIN files (`../shared/data/peer-fixtures`), each read by
`scorecard validate`'s path (one return, with last year's where the fixture has one), and a
synthetic authority with realistic faults (`--synth DIR`, made there by `scorecard synth
--imperfections 0.05 --years 2019-2021` when missing) loaded into an in-memory store and checked
over every year at once, as `scorecard ingest` does (the 903 CSVs, CIN census, Annex A and
workforce census; not the SSD or the 903 XML, which would replace the same returns). Prints IDENTICAL, or each rule whose faults
differ with the counts missing and extra. Synthetic and published fake data only: nothing real.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "data" / "peer-fixtures"


def _peer_inputs() -> list[tuple[str, list[Path], list[Path] | None]]:
    """(name, files, last year's files) for every peer fixture."""
    d2i = PEERS / "d2i-903-fake"
    csvs = sorted(p for p in d2i.glob("*.csv") if "errors" not in p.name)
    inputs = [
        ("d2i-903-csv", csvs, None),
        ("d2i-903-xml", [d2i / "fake_903.xml"], None),
        ("cscsynth-903", [PEERS / "cscsynth-903-5k"], None),
        ("liiatools-903", [PEERS / "liiatools-samples" / "SSDA903_2020_episodes.csv"], None),
        ("liiatools-cin", [PEERS / "liiatools-samples" / "cin-2022.xml"], None),
        ("liiatools-cin-2000", [PEERS / "liiatools-cin-generator-2000-children.xml"], None),
    ]
    inputs += [
        (f"d2i-cin-{p.stem}", [p], None) for p in sorted((PEERS / "d2i-cin-fake").glob("*.xml"))
    ]
    years = sorted((PEERS / "cs-demand-model-sample-v1").iterdir())
    for last, year in zip([None, *years], years, strict=False):
        inputs.append((f"demand-model-{year.name}", [year], [last] if last else None))
    return inputs


def _tagged(faults: pa.Table, name: str) -> pa.Table:
    """Every column as text (so tables from different inputs stack), tagged with the input."""
    cols = {c: pc.cast(faults[c], pa.string()) for c in faults.column_names}
    return pa.table({"input": pa.array([name] * faults.num_rows, pa.string()), **cols})


def snapshot(synth: Path) -> pa.Table:
    from csc_scorecard.quality.runner import run_rules
    from csc_scorecard.quality.validate import read_files, validate_files
    from csc_scorecard.store import Store

    parts = []
    for name, files, previous in _peer_inputs():
        checked = validate_files(files, la_code="371", previous=previous)
        parts.append(_tagged(checked.result.faults, name))
        print(f"{name}: {checked.result.faults.num_rows} faults", file=sys.stderr)
        for line in checked.unreadable:
            print(f"  unreadable: {line}", file=sys.stderr)
    if not (synth / "ssda903").exists():
        subprocess.run(
            [sys.executable, "-m", "csc_scorecard", "synth", "--imperfections", "0.05",
             "--years", "2019-2021", "--out", str(synth)],
            check=True,
        )  # fmt: skip
    batches, errors = read_files(
        [synth / f for f in ("ssda903", "cin_census", "annex_a", "csww")], la_code="371"
    )
    if errors:
        sys.exit(f"the synthetic authority did not read: {errors[0]}")
    with Store(":memory:") as store:
        store.load(batches)
        result = run_rules(store.con, multi_year=True)
    parts.append(_tagged(result.faults, "synth05"))
    print(f"synth05: {result.faults.num_rows} faults", file=sys.stderr)
    names = sorted({c for p in parts for c in p.column_names}, key=lambda c: (c != "input", c))
    table = pa.concat_tables([p.select([c for c in names if c in p.column_names]) for p in parts],
                             promote_options="default")  # fmt: skip
    return table.sort_by([(c, "ascending") for c in table.column_names])


def compare(new: pa.Table, base: pa.Table) -> int:
    """Print IDENTICAL, or what differs per rule; the number of differing rows."""
    import pandas as pd

    a, b = new.to_pandas().fillna("<null>"), base.to_pandas().fillna("<null>")
    cols = sorted(set(a.columns) & set(b.columns))
    if set(a.columns) != set(b.columns):
        print(f"columns differ: new {sorted(set(a.columns) - set(b.columns))}, "
              f"gone {sorted(set(b.columns) - set(a.columns))}")  # fmt: skip
    merged = pd.merge(
        a[cols].value_counts().rename("new").reset_index(),
        b[cols].value_counts().rename("base").reset_index(),
        on=cols,
        how="outer",
    ).fillna(0)
    diff = merged[merged["new"] != merged["base"]]
    if diff.empty and set(a.columns) == set(b.columns):
        print(f"IDENTICAL ({len(a):,} faults)")
        return 0
    rule = "rule" if "rule" in cols else cols[0]
    by_rule = diff.assign(extra=(diff["new"] - diff["base"]).clip(lower=0),
                          missing=(diff["base"] - diff["new"]).clip(lower=0))  # fmt: skip
    print(by_rule.groupby(["input", rule])[["missing", "extra"]].sum().to_string())
    return int(by_rule["extra"].sum() + by_rule["missing"].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the Parquet file to write")
    parser.add_argument("--synth", type=Path, default=Path("/tmp/faults-snapshot-synth05"))
    parser.add_argument("--compare", type=Path, help="an earlier snapshot to compare with")
    args = parser.parse_args()
    table = snapshot(args.synth)
    pq.write_table(table, args.out)
    print(f"{table.num_rows:,} faults -> {args.out}")
    if args.compare:
        sys.exit(1 if compare(table, pq.read_table(args.compare)) else 0)


if __name__ == "__main__":
    main()
