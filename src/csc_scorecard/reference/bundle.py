"""The reference data shipped inside the package, so the product works with no other files.

Built by this product's own importer (`reference_batches`) from DfE's and ONS's published files
and written as compressed Parquet under `reference/data/`, with a manifest naming the files it
came from and the Open Government Licence attribution. `scorecard reference` with no `--from`
loads it; `scorecard reference --from DIR` imports newer DfE releases over it (same source
formats, so either replaces the other). Rebuild it with `make reference-bundle`:

    python -m csc_scorecard.reference.bundle ../shared/data/public src/csc_scorecard/reference/data
"""

from __future__ import annotations

import sys
from dataclasses import asdict, fields
from datetime import date
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.reference.calendar import bank_holidays, calendar_table
from csc_scorecard.reference.load import ImportSummary, reference_batches

MANIFEST = "manifest.yaml"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Department for Education and Office for National Statistics, Crown copyright)."
)
_ISSUE_COLUMNS = [f.name for f in fields(Issue)]


def bundled_folder() -> Path:
    return Path(str(resources.files("csc_scorecard.reference").joinpath("data")))


def write_bundle(public_dir: Path, out: Path) -> dict:
    """Import `public_dir` with the product's importer and write the result as the bundle."""
    batches, summary = reference_batches(public_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {}
    for batch in batches:
        name = batch.source_format.split(":", 1)[1]
        if name == "calendar":  # built from bank_holidays.yaml at load time
            continue
        (rows,) = batch.tables.values()
        pq.write_table(rows, out / f"{name}.parquet", compression="zstd", compression_level=19)
        issues = pa.Table.from_pylist(
            [asdict(i) for i in batch.issues],
            schema=pa.schema(
                [(c, pa.int64() if c == "row" else pa.string()) for c in _ISSUE_COLUMNS]
            ),
        )
        pq.write_table(issues, out / f"{name}.issues.parquet", compression="zstd")
        tables[name] = {
            "rows": rows.num_rows,
            "issues": len(batch.issues),
            "files": sorted(Path(f).name for f in batch.files),
        }
    manifest = {
        "built": date.today().isoformat(),
        "built_by": "csc_scorecard.reference.bundle (the product's own importer)",
        "licence": "Open Government Licence v3.0",
        "attribution": ATTRIBUTION,
        "notes": summary.notes,
        "tables": tables,
    }
    (out / MANIFEST).write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return manifest


def bundle_manifest() -> dict:
    return parse_yaml((bundled_folder() / MANIFEST).read_text(encoding="utf-8"))


def bundle_batches() -> tuple[list[LoadBatch], ImportSummary]:
    """The bundled tables as the same batches `reference --from` makes (replacing each other)."""
    folder = bundled_folder()
    manifest = bundle_manifest()
    summary = ImportSummary(folder)
    holidays = bank_holidays()
    batches = [
        LoadBatch(
            "reference:calendar",
            None,
            None,
            None,
            [f"bank_holidays.yaml version {holidays.version}"],
            {"calendar": calendar_table()},
        )
    ]
    for name, entry in manifest["tables"].items():
        rows = pq.read_table(folder / f"{name}.parquet")
        issues = [
            Issue(**record)
            for record in pq.read_table(folder / f"{name}.issues.parquet").to_pylist()
        ]
        label = f"bundled {manifest['built']} from {', '.join(entry['files'])}"
        batches.append(
            LoadBatch(f"reference:{name}", None, None, None, [label], {name: rows}, issues)
        )
    for b in batches:
        name = b.source_format.split(":", 1)[1]
        summary.rows[name] = b.row_count
        summary.issues[name] = len(b.issues)
        summary.files[name] = b.files
    summary.notes.append(f"the reference data shipped with the product, built {manifest['built']}")
    summary.notes.append(manifest["attribution"])
    return batches, summary


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m csc_scorecard.reference.bundle PUBLIC_DIR OUT_DIR")
    made = write_bundle(Path(sys.argv[1]), Path(sys.argv[2]))
    for table, entry in made["tables"].items():
        print(f"{table}: {entry['rows']:,} rows, {entry['issues']:,} notes")
