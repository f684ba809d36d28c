"""The DfE rules over a synthetic England store (issue 11 item 6) and over a store holding no
return at all (issue 11: a rule that cannot run says so once).

A synthetic England (`scorecard synth --england`) holds one load per authority covering every
year, written from canonical rows (source format `synthetic_england`). The scope (docs/quality.md
"Scope") gives each of its rows the collection year of the last return that would carry it, from
the row's own dates. Checked two ways:

* on a tiny England (Rotherham 372 and Barnsley 370, 2021/22-2022/23): the rules run, and each
  scoped row's year is worked out by hand from its dates;
* against the statutory route: one per-child synthetic authority written out as its yearly
  SSDA903 and CIN census files and ingested (the returns as sent, merged by the store), and the
  same authority's canonical rows of the tables a synthetic England holds put in one
  `synthetic_england` load. The faults agree except where the returns carry something the
  canonical rows do not, each difference named below.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.rules import get as rules_get
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.store import Store
from csc_scorecard.synth import england

runner = CliRunner()
SPAN = england.Span(2022, 2022)  # history from 1 April 2021, the year 2022/23 complete


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("england") / "two.duckdb"
    with Store(path) as db:
        england.write_store(db, ["372", "370"], SPAN, seed=3)
    return path


def test_a_store_with_no_return_says_no_rule_ran_in_one_line(tmp_path):
    store = tmp_path / "s.duckdb"
    with Store(store) as db:  # a load of another format only
        db.append_load("371", "annex_a", (date(2022, 4, 1), date(2023, 3, 31)), "x", {})
    done = runner.invoke(app, ["quality", "--store", str(store), "--period", "2022-Q4"])
    assert done.exit_code == 1
    assert "0 faults" not in done.output
    (line,) = done.stderr.strip().splitlines()
    assert line == (
        "LA 371, data as at 2023-03-31: no rule ran: the DfE rules read the SSDA903 and CIN "
        "census returns (loads of source format ssda903, cin_census, synthetic_england) of "
        "collection years ending by 2023-03-31, and the store holds none for LA 371 (it holds: "
        "annex_a x 1 (2022-04-01 to 2023-03-31))"
    )


def test_scorecard_quality_runs_the_rules_on_a_synthetic_england(tiny):
    done = runner.invoke(
        app, ["quality", "--store", str(tiny), "--period", "2022-Q4", "--la", "372", "--format",
              "json"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    import json

    payload = json.loads(done.stdout)
    assert payload["returns"] == ["ssda903", "cin"]
    # tables a synthetic England does not simulate are said once per table, not per row
    reasons = [n["reason"] for n in payload["not_run"]]
    assert "no care_leavers (oc3) rows" in reasons
    assert len(reasons) == len(set(reasons))
    with Store(tiny, read_only=True) as db:
        direct = run_rules(db.con, la_codes=["372"], multi_year=True).faults
    assert len(payload["faults"]) == direct.num_rows > 0
    # without multi_year (what the measures ask for) the England loads are not returns
    with Store(tiny, read_only=True) as db:
        assert run_rules(db.con, la_codes=["372"]).returns == []


def test_the_generators_cin_rows_are_what_a_real_return_sends(tiny):
    """These rules flagged millions of the whole England's rows where the generator, not the
    data, was wrong (docs/benchmarks.md): no UPN for any child (8770Q; and 903 rule 442), a
    closure "after assessment" (RC8, RC9) of an episode with an enquiry or a plan (2990), factor
    21 (none) beside another factor (8869), an ICPC target date on a weekend (8870Q), no 903
    MOTHER for a girl (393, 607). Now none of them flags a row, and every school-age child has
    a valid UPN (1510-1550 find none)."""
    codes = {"8770Q", "2990", "8869", "8870Q", "1510", "1520", "1530", "1540", "1550"}
    more = {"442", "393", "607"}
    chosen = [r for r in rules("cin") if r.code in codes]
    chosen += [rules_get("ssda903", c) for c in sorted(more)]
    with Store(tiny, read_only=True) as db:
        result = run_rules(db.con, only=chosen, multi_year=True)
        upns = db.con.sql("SELECT count(*), count(upn) FROM children").fetchall()[0]
    assert {r.code for r in result.rules_run} == codes | more
    assert result.faults.num_rows == 0
    assert upns[0] == upns[1] > 0


def _year_end(day: date | None, load_end: date) -> date:
    day = min(day or load_end, load_end)
    return date(day.year + (day.month >= 4), 3, 31)


def test_each_row_takes_the_year_of_the_last_return_carrying_it(tiny):
    """Worked row by row in Python from the dates: an episode (903) or an episode of need
    (CIN) is carried by every return of a year it is open in, so last by the year its end date
    falls in, or the load's last year (2022/23, ending 31/03/2023) when still open; a row that
    ended before the load's first year (2021/22) is in no return; a child takes the latest year
    of its episodes (903) or episodes of need (CIN)."""
    with Store(tiny, read_only=True) as db:
        scope = scoping.build(db.con, la_codes=["372"], multi_year=True)
        try:
            got = {
                (ret, table): scope.con.execute(
                    f"SELECT child_id, \"row\", cy_start, cy_end FROM {scope.schema(ret)}.{table}"
                ).fetchall()
                for ret, table in [("ssda903", "episodes"), ("cin", "referrals"),
                                   ("ssda903", "header"), ("cin", "child")]
            }  # fmt: skip
        finally:
            scope.close()
        start, end = SPAN.start, SPAN.end
        episodes = db.con.execute(
            "SELECT child_id, source_row, dec FROM cla_episodes WHERE la_code = '372'"
        ).fetchall()
        referrals = db.con.execute(
            "SELECT child_id, source_row, closure_date FROM referrals WHERE la_code = '372'"
        ).fetchall()
    for (ret, table), rows in [
        (("ssda903", "episodes"), episodes),
        (("cin", "referrals"), referrals),
    ]:
        want = {(c, r, _year_end(e, end)) for c, r, e in rows if e is None or e >= start}
        assert {(c, r, cy_end) for c, r, _, cy_end in got[(ret, table)]} == want
        assert all(s == date(e.year - 1, 4, 1) for _, _, s, e in got[(ret, table)])
        latest: dict[str, date] = {}
        for c, _, cy_end in want:
            latest[c] = max(latest.get(c, cy_end), cy_end)
        children = got[(ret, "header" if ret == "ssda903" else "child")]
        assert {(c, e) for c, _, _, e in children} == set(latest.items())
    assert {e for *_, e in got[("ssda903", "episodes")]} == {date(2022, 3, 31), date(2023, 3, 31)}


def test_the_903_children_of_a_multi_year_load_are_their_stored_rows_whole(tiny):
    """A multi-year load's 903 children (the Header) are found by their keys, then their
    stored rows taken by rowid (scope_sql.children_sql): each child with an episode in a
    return once, every stored column as stored (beside the rows of another authority)."""
    sql = scoping.children_sql("ssda903", "children", "SELECT 1", multi=True, single=False)
    assert "t.rowid = c._rid" in sql
    columns = "la_code, child_id, sex, date_of_birth, upn, mother, uasc, load_id"
    with Store(tiny, read_only=True) as db:
        scope = scoping.build(db.con, la_codes=["372"], multi_year=True)
        try:
            got = scope.con.execute(
                f'SELECT {columns}, "row" FROM {scope.schema("ssda903")}.header'
            ).fetchall()
        finally:
            scope.close()
        stored = db.con.execute(
            f"""SELECT {columns}, source_row FROM children WHERE la_code = '372' AND child_id IN
            (SELECT child_id FROM cla_episodes WHERE la_code = '372'
                AND coalesce(dec, DATE '2022-04-01') >= DATE '2021-04-01')"""
        ).fetchall()
    assert len(got) == len({(r[0], r[1]) for r in got}) > 10
    assert sorted(got, key=str) == sorted(stored, key=str)


ENGLAND_TABLES = set(england.TABLES)


def test_faults_agree_with_the_same_authority_sent_as_yearly_returns(tmp_path):
    """One per-child synthetic authority (2021/22 and 2022/23 to 30 June 2022): its 903 Header,
    UASC and Episodes CSVs and CIN census XML of each year, ingested (store A: the returns as
    sent, merged by the store), against its canonical rows of the tables a synthetic England
    holds in one `synthetic_england` load (store B). The per-child simulator, not the England
    generator, because only it writes statutory files: the England generator writes canonical
    rows straight into the store. (OC2, OC3, AD1 and the rest are left out of A: a synthetic
    England holds none of them, so the rules reading them would differ for that reason only.)

    Every (rule, child, table, field, value, year) fault agrees, each as often, except one kind:
    B's children are the canonical rows, which can hold both the date of birth and the expected
    date of birth of a child born during the year; the CIN census carries one of them (the
    writer drops the expected date once the child is born), so 8525Q ("Either Date of Birth or
    Expected Date of Birth must be provided (but not both)") and 8530Q (the expected date
    outside March-December of the census year: it is the birth date, long past) flag such
    children in B only. With the rules of this change: 10 faults of 8525Q and 10 of 8530Q in B
    only, no other difference.
    """
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import cin_census, ssda903

    config = SynthConfig(size=0.03, first_year=2021, last_year=2022, la_code="372")
    authority = generate(config)
    written = ssda903.write(authority, tmp_path) + cin_census.write(authority, tmp_path)
    files = [f for f in written if f.parent.name == "cin_census"]
    files += [f for f in written if f.name in ("header.csv", "episodes.csv", "uasc.csv")]
    key = ("rule", "child", "table", "field", "value", "year")

    def faults(con) -> Counter:
        f = run_rules(con, multi_year=True).faults
        return Counter(zip(*[f.column(k).to_pylist() for k in key], strict=True))

    with Store(":memory:") as a, Store(":memory:") as b:
        ingest(a, files, la_code="372")
        assert {r[0] for r in a.con.execute("SELECT source_format FROM loads").fetchall()} == {
            "ssda903",
            "cin_census",
        }
        tables = {k: v for k, v in authority.tables.items() if k in ENGLAND_TABLES}
        b.append_load("372", "synthetic_england", (config.start, config.end), "same", tables)
        in_a, in_b = faults(a.con), faults(b.con)
        only_a, only_b = in_a - in_b, in_b - in_a
        both = in_a & in_b
        both_dates = {
            c
            for (c,) in b.con.execute(
                "SELECT child_id FROM children WHERE date_of_birth IS NOT NULL "
                "AND expected_date_of_birth IS NOT NULL"
            ).fetchall()
        }
    assert sum(both.values()) > 0
    assert not only_a
    assert {rule for rule, *_ in only_b} <= {"8525Q", "8530Q"}
    assert {(table, child in both_dates) for _, child, table, *_ in only_b} <= {
        ("ChildIdentifiers", True)
    }
