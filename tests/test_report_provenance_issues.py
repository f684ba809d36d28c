"""The paper's count of data-quality issues and its files-loaded table agree on which loads they
count. The demo paper's summary said 'No data-quality issues were recorded when the authority's
files were loaded.' while the provenance appendix's Issues column listed 40, 2 and 5,801 for the
published reference data (cells DfE and ONS publish suppressed, an authority without
neighbours), and docs/committee-paper.md said the summary's count was that column's sum."""

from __future__ import annotations

from datetime import datetime

from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.report import provenance
from csc_scorecard.report.layout import layout
from csc_scorecard.report.model import Provenance
from csc_scorecard.report.provenance_text import statement
from csc_scorecard.store import Store


def test_the_paper_says_whose_issues_it_counts(tmp_path):
    path = tmp_path / "store.duckdb"
    r = CliRunner().invoke(app, ["reference", "--store", str(path)])
    assert r.exit_code == 0, r.output
    with Store(path, read_only=True) as store:
        loads = provenance.loads(store, "371", layout())
        issues, total = provenance.quality_issues(store, "371")
    assert [x.issues for x in loads] == [0, 40, 0, 2, 5801]  # the shipped reference data's
    assert (issues, total) == ([], 0)  # the summary: 'No data-quality issues were recorded ...'
    prov = Provenance(generated_at=datetime(2022, 9, 8, 9, 0), software_version="1.0",
                      store="store.duckdb", loads=loads, population=[], comparators=[])  # fmt: skip
    assert statement(prov, "1.4.0") == (
        "Produced 8 September 2022 at 09:00 UTC by csc-scorecard 1.0 (report context schema "
        "1.4.0) from the store store.duckdb. Of the issues in the files loaded, the published "
        "reference data's 5,843 are values their publishers suppress or leave out; the summary "
        "and the data-quality section count the authority's files' 0."
    )
    # a store whose reference loads have none says nothing more
    quiet = prov.model_copy(update={"loads": [x.model_copy(update={"issues": 0}) for x in loads]})
    assert statement(quiet, "1.4.0").endswith("from the store store.duckdb.")
