"""The check of an in-year return is the check of the quarter its data reach into.

A council loads its annual returns (to 31 March 2022), then the in-year 2022/23 ones (their
period runs to 31 March 2023, their data to 30 June 2022). Each load keeps its DfE-rule check,
dated by the day the returns' data reach (`quality.history.as_at`): the in-year one as at its
extraction, 30 June 2022. When it was dated by the period end (31 March 2023), the Q1 2022/23
paper and `scorecard quality --period 2022-Q1` looked for a check as at 30 June 2022 or
before, found the annual one and said '425 faults ... as at 31 March 2022. Since ..., 0 opened
and 0 closed' while the check of the data to 30 June 2022 held 1,274 (h6's two-step store).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all

LA = "371"
RUN = CliRunner()


def cli(*args: object):
    return RUN.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def two_step(tmp_path_factory) -> Path:
    """The annual 2021/22 returns loaded, then the in-year 2022/23 ones (the CIN census header
    dates its extraction 30/06/2022; the 903 states none: given by --extracted), as a council
    loads them."""
    root = tmp_path_factory.mktemp("two_step")
    write_all(generate(SynthConfig(size=0.05, first_year=2021, last_year=2022, la_code=LA)), root)
    store = root / "store.duckdb"
    for part, extracted in (
        (("2022", "cin_2022.xml"), []),
        (("2023", "cin_2023.xml"), ["--extracted", "2022-06-30"]),
    ):
        r = cli("ingest", root / "ssda903" / part[0], root / "cin_census" / part[1],
                "--la", LA, "--store", store, *extracted)  # fmt: skip
        assert r.exit_code == 0, r.output
    return store


def kept(store: Path) -> dict[str, int]:
    """{as_at: faults} of the checks kept, and the faults of the in-year check that the annual
    one did not hold ('opened') and the reverse ('closed')."""
    with duckdb.connect(str(store), read_only=True) as con:
        out = dict(
            con.sql("SELECT as_at::VARCHAR, count(*) FROM dq_rule_faults GROUP BY 1").fetchall()
        )
        on = " AND ".join(
            f'a."{c}" IS NOT DISTINCT FROM b."{c}"'
            for c in ("return", "rule", "child", "table", "field")
        )
        for name, a, b in (("opened", "2022-06-30", "2022-03-31"),
                           ("closed", "2022-03-31", "2022-06-30")):  # fmt: skip
            out[name] = con.sql(
                f"SELECT count(*) FROM (FROM dq_rule_faults WHERE as_at = '{a}') a ANTI JOIN "
                f"(FROM dq_rule_faults WHERE as_at = '{b}') b ON {on}"
            ).fetchall()[0][0]
    return out


def test_the_in_year_check_is_the_quarter_its_data_reach_into(two_step, tmp_path):
    n = kept(two_step)
    assert sorted(n) == ["2022-03-31", "2022-06-30", "closed", "opened"]
    assert n["2022-06-30"] != n["2022-03-31"]
    r = cli("report", "--period", "2022-Q1", "--store", two_step, "--formats", "html",
            "--out", tmp_path)  # fmt: skip
    assert r.exit_code == 0, r.output
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        f"The DfE validation rules found {n['2022-06-30']:,} faults in the data as at 30 June "
        f"2022 . Since the data as at 31 March 2022 , {n['opened']:,} opened and "
        f"{n['closed']:,} closed."
    ) in text

    out = tmp_path / "faults.csv"
    r = cli("quality", "--period", "2022-Q1", "--store", two_step, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    assert (
        f"LA {LA}, data as at 2022-06-30: {n['2022-06-30']:,} faults, the rules run now on the "
        f"data held; since 2021-Q4: {n['opened']:,} opened, {n['closed']:,} closed (faults kept "
        "for the data as at 2022-03-31 and 2022-06-30)"
    ) in " ".join(r.output.split())
    # the quarter before keeps the annual returns' check
    r = cli("quality", "--period", "2021-Q4", "--store", two_step, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    assert f"data as at 2022-03-31: {n['2022-03-31']:,} faults, as kept" in r.output
