"""The CIN rule conditions rewritten for speed flag exactly the rows the plain forms flagged:
each old form (kept here as the rule text reads) against the rule's own condition, over
awkward values as well as valid ones."""

from __future__ import annotations

import itertools
from datetime import date

import duckdb
import pytest

from csc_scorecard.model.codes import codes
from csc_scorecard.quality.rules import codes_in, get
from csc_scorecard.quality.rules.cin.child import CHILD_REPEATS, child_repeats
from csc_scorecard.quality.rules.cin.factors import _any_not_in
from csc_scorecard.quality.rules.sql import any_of
from csc_scorecard.quality.runner import row_filter

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _condition(code: str) -> str:
    shape = row_filter(get("cin", code).sql)
    assert shape is not None, f"{code} is no longer a row filter"
    return shape[1]


def _upns() -> list[str | None]:
    """Valid UPNs (every check letter), wrong letters, LA codes on and off the list, pseudo-LA
    codes of a later year, non-digits, short and long texts, UPNunknown codes."""
    found: list[str | None] = [None, "", "UN1", "un7", "A", "A12345678901", "A1234567890123"]
    for body in ("201200001000", "942123456789", "943000000001", "999123456780", "00112345678X"):
        found += [letter + body for letter in CHECK_LETTERS + "IOS9a"]
    found += ["A20120000100 ", "A2012000010+0", "A-20120000100", "Ä201200001000", "A201 00001000"]
    return found


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    years = [2013, 2023, 2024, 2025]
    upns = [(u, y) for u, y in itertools.product(_upns(), years)]
    con.execute("CREATE TABLE child (upn VARCHAR, cy_end DATE)")
    con.executemany("INSERT INTO child VALUES (?, make_date(?, 3, 31))", upns)
    parts = ["1A", "2B", "21", "18A", "9Z", "", "NONE", "1a", "1A1"]
    texts = [None] + [" ".join(p) for n in (1, 2, 3) for p in itertools.product(parts, repeat=n)]
    texts += [" 1A", "1A ", "1A  2B", "1A\t2B", "1A 2B 9Z 1A", "21 21 1A 21", "21 21 21 21"]
    con.execute("CREATE TABLE t (factors VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [(x,) for x in texts])
    return con


def _same(con, table: str, old: str, new: str) -> int:
    flagged = f"SELECT rowid FROM {table} WHERE coalesce({{}}, false) ORDER BY rowid"
    was = con.execute(flagged.format(old)).fetchall()
    assert con.execute(flagged.format(new)).fetchall() == was
    return len(was)


def test_1530_la_codes_as_one_pattern(con) -> None:
    from csc_scorecard.quality.rules.sql import valid_code

    old = f"""upn IS NOT NULL AND upper(upn) NOT IN {codes_in("upn_unknown")}
        AND length(upn) = 13 AND NOT {valid_code("substr(upn, 2, 3)", "upn_la")}"""
    assert 0 < _same(con, "child", old, _condition("1530")) < con.sql("FROM child").shape[0]


@pytest.mark.parametrize("name", ["assessment_factor", "disability"])
def test_codes_outside_a_list_as_one_pattern(con, name: str) -> None:
    """8897Q (assessment factors) and 8540 (disabilities): a code outside the list."""
    listed = codes_in(name)
    old = f"len(list_filter(string_split(factors, ' '), lambda x: x NOT IN {listed})) > 0"
    assert 0 < _same(con, "t", old, _any_not_in("factors", name)) < con.sql("FROM t").shape[0]
    column, code = ("f", "8897Q") if name == "assessment_factor" else ("c.disabilities", "8540")
    assert _any_not_in(column, name) in get("cin", code).sql


def test_any_of_matches_only_the_values() -> None:
    values = ["a.b", "c|d", "x y", "(?)", "q\\z", "[", "1A"]
    pattern = any_of(values)
    texts = [*values, "axb", "c", "1a", "1A1", "", "(", "q\\\\z"]
    found = duckdb.execute(
        "SELECT list(s ORDER BY s) FROM unnest(?) t(s) WHERE regexp_full_match(s, ?)",
        [texts, pattern],
    ).fetchall()[0][0]
    assert found == sorted(values)
    assert set(codes("assessment_factor")) == {
        c
        for c in codes("assessment_factor")
        if duckdb.execute(
            "SELECT regexp_full_match(?, ?)", [c, any_of(tuple(codes("assessment_factor")))]
        ).fetchall()[0][0]
    }


def test_1510_check_letter_worked_out_with_the_children(con) -> None:
    """The check letter `with_upn_check` gives the children (quality.scope builds `child`
    with it) flags what the letter worked out digit by digit in the rule flagged."""
    from csc_scorecard.quality.rules.cin.identifiers import with_upn_check

    con.execute(f"CREATE OR REPLACE TEMP TABLE child_u AS {with_upn_check('FROM child')}")
    weighted = " + ".join(f"{i} * CAST(substr(upn, {i}, 1) AS INTEGER)" for i in range(2, 14))
    guard = "length(upn) = 13 AND regexp_full_match(substr(upn, 2), '[0-9]{12}')"
    old = f"""CASE WHEN {guard} THEN substr(upn, 1, 1) IS DISTINCT FROM
        substr('{CHECK_LETTERS}', ({weighted}) % 23 + 1, 1) END AND upper(upn) NOT IN
        {codes_in("upn_unknown")}"""
    got = _same(con, "child_u", old, _condition("1510"))
    assert 0 < got < con.sql("FROM child_u").shape[0]
    wrong = con.sql(f"SELECT count(*) FROM child_u WHERE (upn_check IS NULL) = ({guard})")
    assert wrong.fetchall()[0][0] == 0  # a letter exactly for the UPNs the rule reads


def test_8869_8898_8897q_test_each_distinct_text_once(con) -> None:
    """8869 (21 beside another factor), 8898 (a factor twice) and 8897Q (a factor off the list,
    or none, on an assessment authorised in the year) look each assessment's text up among
    the distinct texts that meet the test (`_factor_texts`), and flag what splitting each
    row's text into a list and testing the list flagged (texts repeated, blank and missing)."""
    parts = "string_split(factors, ' ')"
    listed = codes_in("assessment_factor")
    old = {
        "8869": f"list_contains({parts}, '21') AND len(list_filter({parts}, lambda x: x <> '21')) > 0",
        "8898": f"len({parts}) > 1 AND len({parts}) > len(list_distinct({parts}))",
        "8897Q": f"""authorised_date >= cy_start AND (factors IS NULL
            OR len(list_filter({parts}, lambda x: x NOT IN {listed})) > 0)""",
    }
    con.execute(
        """CREATE OR REPLACE TEMP TABLE assessments AS SELECT t.rowid AS id, factors,
            d.authorised_date, DATE '2022-04-01' AS cy_start
        FROM t, (SELECT unnest([NULL, DATE '2022-03-31', DATE '2022-04-01']) AS authorised_date) d,
            range(2)"""  # every text on six rows: with and without a date in the year, twice
    )
    for code, condition in old.items():
        sql = get("cin", code).sql
        assert row_filter(sql) is None and "list(DISTINCT factors)" in sql, code
        flagged = "SELECT list(id ORDER BY id, authorised_date) FROM ({})"
        was = con.execute(flagged.format(f"FROM assessments WHERE {condition}")).fetchall()[0][0]
        assert 0 < len(was) < con.sql("FROM assessments").shape[0], code
        assert con.execute(flagged.format(sql)).fetchall()[0][0] == was, code


@pytest.mark.parametrize("code", ["21", "18A", "1A"])
def test_a_code_among_the_factors_read_from_the_text(con, code: str) -> None:
    """A code among the factors (8873Q, 8945Q, 8950Q) read from the text flags what finding it
    in the text split into a list flagged."""
    from csc_scorecard.quality.rules.cin.factors import _has

    old = f"list_contains(string_split(factors, ' '), '{code}')"
    assert 0 < _same(con, "t", old, _has("factors", code)) < con.sql("FROM t").shape[0]
    assert _has("factors", "18A") in get("cin", "8945Q").sql
    assert _has("a.factors", "21") in get("cin", "8873Q").sql


def test_8606_reads_only_the_children_referred_early_enough() -> None:
    """8606 with the children's earliest referral (`first_referral`) tested first flags what
    the join of every child flagged: a referral flagged is never before its child's first."""
    con = duckdb.connect()
    con.execute("""CREATE TABLE referrals AS SELECT * FROM (VALUES
        ('1', 'a', DATE '2020-01-01'), ('1', 'a', DATE '2021-06-01'), ('1', 'b', DATE '2021-01-01'),
        ('1', 'b', NULL), ('2', 'a', DATE '2019-01-01'), ('1', 'c', DATE '2022-01-01'),
        (NULL, 'a', DATE '2010-01-01')) t(la_code, child_id, referral_date)""")
    con.execute("""CREATE TABLE child AS SELECT c.*, f.first_referral
        FROM (VALUES ('1', 'a', DATE '2021-06-01', NULL), ('1', 'a', NULL, DATE '2021-03-01'),
            ('1', 'b', DATE '2021-10-20', NULL), ('2', 'a', NULL, NULL),
            ('1', 'c', DATE '2020-01-01', DATE '2023-01-01'), (NULL, 'a', DATE '2011-01-01', NULL))
            c(la_code, child_id, date_of_birth, expected_date_of_birth)
        LEFT JOIN (SELECT la_code, child_id, min(referral_date) AS first_referral
            FROM referrals GROUP BY ALL) f USING (la_code, child_id)""")
    old = """SELECT r.* FROM referrals r SEMI JOIN child c
        ON c.la_code = r.la_code AND c.child_id = r.child_id
          AND (r.referral_date < c.date_of_birth - INTERVAL 280 DAY
               OR r.referral_date < c.expected_date_of_birth - INTERVAL 280 DAY)"""
    ordered = "SELECT * FROM ({}) ORDER BY ALL"
    was = con.execute(ordered.format(old)).fetchall()
    assert len(was) == 3
    assert con.execute(ordered.format(get("cin", "8606").sql)).fetchall() == was


# (rule, table, column, code list, the plain condition the rule read before)
_CODED = [
    ("4180", "child", "sex", "sex", None),
    ("4220", "child", "ethnicity", "ethnicity", None),
    ("8866", "referrals", "referral_source", "referral_source", "referral_date >= '2013-04-01'"),
    ("8640", "referrals", "closure_reason", "closure_reason", "closure_reason IS NOT NULL"),
    ("8650", "referrals", "primary_need_code", "primary_need", "primary_need_code IS NOT NULL"),
]


@pytest.mark.parametrize(("code", "table", "column", "name", "also"), _CODED)
def test_codes_looked_up_among_the_distinct_texts(code, table, column, name, also) -> None:
    """4180, 4220, 8866, 8640, 8650 look the row's text up among the column's distinct texts
    that are not codes (child.not_a_code), out of the fused scan, and flag what the code list
    compared with every row flagged: blank, empty, lower-case, repeated and unknown texts."""
    from csc_scorecard.quality.rules.sql import valid_code

    listed = list(codes(name))
    texts = [None, "", " ", "X", listed[0].lower(), f" {listed[0]}", *listed, listed[-1] * 2]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE {table} ({column} VARCHAR, referral_date DATE, cy_end DATE)")
    rows = [(t, d) for t in texts * 3 for d in ("2012-06-01", "2019-06-01")]
    con.executemany(f"INSERT INTO {table} VALUES (?, ?, DATE '2020-03-31')", rows)
    plain = f"NOT coalesce({valid_code(column, name)}, false)"
    plain = f"{also} AND {plain}" if also else plain
    flagged = "SELECT rowid FROM ({}) ORDER BY rowid"
    was = con.execute(flagged.format(f"SELECT rowid, * FROM {table} WHERE {plain}")).fetchall()
    rule = get("cin", code).sql.replace("SELECT *", "SELECT rowid, *", 1)
    assert 0 < len(was) < len(rows)
    assert con.execute(flagged.format(rule)).fetchall() == was
    assert row_filter(get("cin", code).sql) is None  # out of the fused scan


def _flagged_rowids(con: duckdb.DuckDBPyConnection, code: str) -> list[tuple[int]]:
    """The rowids of the rows CIN rule `code` flags in `con`'s tables, in order."""
    rule = get("cin", code).sql.replace("SELECT *", "SELECT rowid", 1)
    return con.execute(f"{rule} ORDER BY rowid").fetchall()


@pytest.mark.parametrize("seed", [1, 2])
def test_1520_counts_only_the_children_whose_hash_is_shared(seed: int) -> None:
    """1520 counts children by load and UPN only among those whose hash of both another child
    shares, and flags what counting every child flagged: UPNs repeated within and across
    loads, blank loads, UPNunknown codes in either case, blank UPNs."""
    import random

    from csc_scorecard.quality.rules.cin.identifiers import UPN_GIVEN

    rng = random.Random(seed)
    upns = [None, "UN1", "un1", "UN7", "A201200001000", "B201200001000", "a201200001000", ""]
    upns += [f"C2012{n:08d}" for n in range(30)]
    rows = [(rng.choice([None, 1, 2, 3]), rng.choice(upns)) for _ in range(300)]
    con = duckdb.connect()
    con.execute("CREATE TABLE child (load_id INTEGER, upn VARCHAR)")
    con.executemany("INSERT INTO child VALUES (?, ?)", rows)
    plain = f"""SELECT rowid FROM child WHERE {UPN_GIVEN}
        QUALIFY count(*) OVER (PARTITION BY load_id, upn) > 1 ORDER BY rowid"""
    was = con.execute(plain).fetchall()
    assert 0 < len(was) < len(rows)
    assert _flagged_rowids(con, "1520") == was
    assert "hash(load_id, upn) IN" in get("cin", "1520").sql
    assert "lag(h) OVER (ORDER BY h)" in get("cin", "1520").sql


@pytest.mark.parametrize("seed", [1, 2])
def test_8510_counts_only_the_children_whose_hash_is_shared(seed: int) -> None:
    """8510 counts child records by authority, load and LAchildID only among those whose load
    and LAchildID's hash another record shares (child.CHILD_REPEATS, built once for a run by
    the scope: child.hashes_repeated, the hashes sorted, each compared with the one before),
    and flags what counting every record flagged: LAchildIDs repeated within and across loads
    and authorities, blank loads and LAchildIDs."""
    import random

    rng = random.Random(seed)
    rows = [
        (rng.choice([None, "201", "202"]), rng.choice([None, 1, 2]), rng.choice([None, "", "a"]))
        for _ in range(40)
    ]
    rows += [("201", 1, f"C{n}") for n in range(200)]  # each once
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE child (id INTEGER, la_code VARCHAR, load_id INTEGER, child_id VARCHAR)"
    )
    con.executemany("INSERT INTO child VALUES (?, ?, ?, ?)", [(i, *r) for i, r in enumerate(rows)])
    con.execute(f"CREATE TABLE {CHILD_REPEATS} AS {child_repeats()}")  # as the scope builds it
    plain = """SELECT id FROM child
        QUALIFY count(*) OVER (PARTITION BY la_code, load_id, child_id) > 1 ORDER BY id"""
    was = con.execute(plain).fetchall()
    assert 0 < len(was) < len(rows)
    assert con.execute(f"SELECT id FROM ({get('cin', '8510').sql}) ORDER BY id").fetchall() == was
    assert "SEMI JOIN child_repeats" in get("cin", "8510").sql
    assert "lag(h) OVER (ORDER BY h)" in child_repeats()


@pytest.mark.parametrize("seed", [1, 2])
def test_8815_counts_only_the_episodes_whose_hash_is_shared(seed: int) -> None:
    """8815 counts a child's open episodes that are not NFA referrals only among those whose
    child's hash another such episode shares (child.hashes_repeated), and flags what counting
    every one flagged: closed, NFA and blank-NFA episodes, children in two authorities, blank
    keys."""
    import random

    rng = random.Random(seed)
    rows = [
        (
            rng.choice([None, "201", "202"]),
            rng.choice([None, "a", "b", "c", "d"]),
            rng.choice([None, date(2022, 5, 1)]),
            rng.choice([None, True, False]),
        )
        for _ in range(80)
    ]
    con = duckdb.connect()
    con.execute("""CREATE TABLE referrals (la_code VARCHAR, child_id VARCHAR,
        closure_date DATE, referral_nfa BOOLEAN)""")
    con.executemany("INSERT INTO referrals VALUES (?, ?, ?, ?)", rows)
    plain = """SELECT rowid FROM referrals WHERE closure_date IS NULL AND referral_nfa IS NOT TRUE
        QUALIFY count(*) OVER (PARTITION BY la_code, child_id) > 1 ORDER BY rowid"""
    was = con.execute(plain).fetchall()
    assert 0 < len(was) < len(rows)
    assert _flagged_rowids(con, "8815") == was
    assert "lag(h) OVER (ORDER BY h)" in get("cin", "8815").sql
