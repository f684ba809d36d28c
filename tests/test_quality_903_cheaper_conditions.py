"""903 row-filter conditions written more cheaply (issue 11 item 6) keep the truth of the form
they replace on every value, blanks and NULLs included: a row filter keeps a row where its
condition is true, and drops it where it is false or NULL, so the two forms must agree on
"true" and on "not true" (tests/test_quality_fused.py compares every rule's fused faults with
its own query's on whole returns; tests/test_quality_rules_903_postcodes.py has 392c's cases)."""

from __future__ import annotations

import duckdb

from csc_scorecard.quality.rules.ssda903 import postcodes

# Texts a postcode field may hold: blank, spaces only, spaces around, lower case, a tab or a
# non-breaking space (not a space to `replace(..., ' ', '')`), non-ASCII, a NUL-free oddity.
TEXTS = [None, "", " ", "   ", "a", " a", "a ", "  x  ", "DN1 1BE", "dn1 1be", "\t", " \t ",
         "\u00a0", "é", "ß", "\n", " ' "]  # fmt: skip


def _truth(con: duckdb.DuckDBPyConnection, condition: str) -> list[bool]:
    """Whether a row filter on `condition` keeps each of TEXTS (as column `t`)."""
    return [
        kept
        for (kept,) in con.execute(
            f"SELECT coalesce(({condition}), false) FROM texts ORDER BY i"
        ).fetchall()
    ]


def test_a_postcode_is_given_exactly_where_its_directory_key_is_not_blank():
    con = duckdb.connect()
    con.execute("CREATE TABLE texts (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO texts VALUES (?, ?)", list(enumerate(TEXTS)))
    keyed = _truth(con, f"{postcodes._key('t')} IS NOT NULL")
    given = _truth(con, postcodes._given("t"))
    assert given == keyed
    # spaces only (or nothing) is blank; any other character, a tab included, is given
    assert given == [False, False, False, False] + [True] * (len(TEXTS) - 4)


def test_each_spelling_of_a_postcode_is_found_once_per_episode():
    """`located` looks the directory up once per distinct text given (HOME_POST or PL_POST),
    each put in the directory's form: three spellings of DN1 1BE are each found, every episode
    is there once, and a blank, spaces only or NULL postcode is not found (rule 392c does not
    count it as given)."""
    con = duckdb.connect()
    spellings = ["DN1 1BE", "dn11be", " DN1  1BE ", None, "", "  ", "XX1 1XX"]
    con.execute("CREATE TABLE episodes (row INTEGER, la_code VARCHAR, home_post VARCHAR)")
    con.executemany(
        "INSERT INTO episodes VALUES (?, '371', ?)", list(enumerate(spellings, start=1))
    )
    con.execute("ALTER TABLE episodes ADD COLUMN pl_post VARCHAR DEFAULT 'DN1 3BU'")
    for column in ("_table", "load_id", "child_id", "cy_start", "cy_end", "decom", "dec", "rne",
                   "ls", "place", "place_provider", "urn", "pl_location"):  # fmt: skip
        con.execute(f"ALTER TABLE episodes ADD COLUMN {column} VARCHAR")
    rows = con.execute(
        f'SELECT "row", home_found, pl_found, pl_la, pl_distance FROM ({postcodes.located()}) '
        'ORDER BY "row"'
    ).fetchall()
    found = [(n, True, True, "E08000017", 0.3) for n in (1, 2, 3)]
    assert rows == found + [(n, False, True, "E08000017", None) for n in (4, 5, 6, 7)]
    given = con.execute(
        f'SELECT "row" FROM ({postcodes.located()}) WHERE {postcodes._given("home_post")} '
        'AND NOT home_found ORDER BY "row"'
    ).fetchall()
    assert given == [(7,)]


def test_rule_371_keeps_the_rows_its_year_first_form_kept():
    """371 (supported accommodation before 16; H5 up to 2023-24, from 14 up to 2022-23; K3
    from 2024-25) tests the place first: on every combination of place, year, DECOM and DOB,
    blanks included, it keeps exactly the rows the year-first form kept."""
    from csc_scorecard.quality.rules import rules
    from csc_scorecard.quality.runner import row_filter

    (rule,) = [r for r in rules("ssda903") if r.code == "371"]
    table, condition = row_filter(rule.sql)
    assert table == "episodes_h"
    younger = {n: f"decom < h_dob + INTERVAL {n} YEAR" for n in (14, 16)}
    before = f"""CASE WHEN year(cy_end) <= 2023 THEN place = 'H5' AND {younger[14]}
        WHEN year(cy_end) = 2024 THEN place = 'H5' AND {younger[16]}
        ELSE place = 'K3' AND {younger[16]} END"""
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE episodes_h AS SELECT * FROM
        (VALUES ('H5'), ('K3'), ('P2'), (NULL)) p(place),
        (VALUES (DATE '2023-03-31'), (DATE '2024-03-31'), (DATE '2025-03-31'), (NULL)) y(cy_end),
        (VALUES (DATE '2008-06-01'), (DATE '2010-06-01'), (NULL)) b(h_dob),
        (VALUES (DATE '2023-01-01'), (DATE '2024-06-01'), (DATE '2026-06-02'), (NULL)) d(decom)"""
    )
    kept = "SELECT * FROM episodes_h WHERE {} ORDER BY ALL"
    now, then = (con.execute(kept.format(c)).fetchall() for c in (condition, before))
    assert now == then
    # by hand: H5 in 2022-23 before the 14th birthday (1: born 2010, begun 2023-01-01), H5 in
    # 2023-24 before the 16th (3), K3 in 2024-25 or a blank year before the 16th (3 each)
    assert len(now) == 10
    assert {(p, y.year if y else None) for p, y, _, _ in now} == {
        ("H5", 2023),
        ("H5", 2024),
        ("K3", 2025),
        ("K3", None),
    }


def test_reviews_h_keeps_the_reviews_on_the_wrong_side_of_the_fourth_birthday():
    """`reviews_h` (rules 440, 441): PN0 after the 4th birthday, PN1-PN7 before it, the
    birthday worked out once per Header row as a date; born 29 February 2020, the 4th birthday
    is 29 February 2024, and a review on the day is on neither side."""
    from csc_scorecard.quality.rules.ssda903.derived_c import reviews_h

    con = duckdb.connect()
    con.execute(
        """CREATE TABLE header AS SELECT * FROM (VALUES ('371', 'A', DATE '2020-02-29'),
            ('371', 'B', NULL)) t(la_code, child_id, date_of_birth)"""
    )
    con.execute(
        """CREATE TABLE reviews AS SELECT 'Reviews' AS _table, '371' AS la_code, 1 AS load_id,
            "row", child_id, DATE '2024-03-31' AS cy_end, review_date, review_code FROM (VALUES
            (1, 'A', DATE '2024-02-28', 'PN0'), (2, 'A', DATE '2024-02-29', 'PN0'),
            (3, 'A', DATE '2024-03-01', 'PN0'), (4, 'A', DATE '2024-02-28', 'PN1'),
            (5, 'A', DATE '2024-02-29', 'PN7'), (6, 'A', DATE '2024-03-01', 'PN2'),
            (7, 'A', DATE '2024-03-01', 'PN8'), (8, 'B', DATE '2024-03-01', 'PN0'),
            (9, 'C', DATE '2024-03-01', 'PN0')) t("row", child_id, review_date, review_code)"""
    )
    rows = con.execute(f'SELECT "row", date_of_birth FROM ({reviews_h()}) ORDER BY 1').fetchall()
    assert [r for r, _ in rows] == [3, 4]


def test_header_x_reads_a_childs_episodes_once_whatever_its_header_rows():
    """`header_x` (rules 393, 210): a child with two Header rows of one year has the same
    episode facts on both; a child without episodes has none; another year's Header row has
    that year's 24 March."""
    from csc_scorecard.quality.rules.ssda903.derived import header_x

    con = duckdb.connect()
    con.execute(
        """CREATE TABLE header AS SELECT 'Header' AS _table, '371' AS la_code, 1 AS load_id,
            "row", child_id, cy_end, 'M' AS sex, NULL::BOOLEAN AS mother, NULL AS upn
            FROM (VALUES (1, 'A', DATE '2024-03-31'), (2, 'A', DATE '2024-03-31'),
                (3, 'A', DATE '2023-03-31'), (4, 'B', DATE '2024-03-31'))
            t("row", child_id, cy_end)"""
    )
    con.execute(
        """CREATE TABLE episodes AS SELECT '371' AS la_code, * FROM (VALUES
            ('A', 'V3', DATE '2024-03-01', DATE '2024-03-02'),
            ('A', 'C2', DATE '2024-03-20', NULL)) t(child_id, ls, decom, dec)"""
    )
    con.execute(
        """CREATE TABLE bad (load_id INTEGER, "row" INTEGER, column_name VARCHAR,
            child_id VARCHAR)"""
    )
    rows = con.execute(
        f'SELECT "row", ep_not_respite, ep_open, ep_week_before FROM ({header_x()}) ORDER BY 1'
    ).fetchall()
    assert rows == [
        (1, True, True, True),
        (2, True, True, True),
        (3, True, True, False),  # 24 March 2023: before both episodes
        (4, False, False, False),
    ]


def test_oc2_b_cla_is_the_continuously_looked_after_test_of_each_row():
    """`oc2_b.cla` (the health rules' OC2 cohort) joins the test made once per child and year;
    on each row it is what the correlated `continuously_looked_after` gives: looked after all
    year (true), a short break or none in the year (false), no episode or a NULL child or
    year (false, not NULL), and the same on a child's two OC2 rows of one year."""
    from csc_scorecard.quality.rules.sql import continuously_looked_after
    from csc_scorecard.quality.rules.ssda903.derived_b import OC2_GIVEN, oc2_rows

    con = duckdb.connect()
    items = ", ".join(f"NULL::VARCHAR AS {c}" for c in OC2_GIVEN)
    con.execute(
        f"""CREATE TABLE oc2 AS SELECT 'OC2' AS _table, '371' AS la_code, 1 AS load_id,
            "row", child_id, CAST(cy_start AS DATE) AS cy_start,
            CAST(cy_end AS DATE) AS cy_end, {items}
            FROM (VALUES (1, 'A', '2023-04-01', '2024-03-31'), (2, 'A', '2023-04-01',
                '2024-03-31'), (3, 'B', '2023-04-01', '2024-03-31'), (4, 'C', '2023-04-01',
                '2024-03-31'), (5, NULL, '2023-04-01', '2024-03-31'), (6, 'A', NULL, NULL),
                (7, 'A', '2021-04-01', '2022-03-31')) t("row", child_id, cy_start, cy_end)"""
    )
    con.execute(
        """CREATE TABLE episodes AS SELECT '371' AS la_code, * FROM (VALUES
            ('A', 'C2', 'L', NULL, DATE '2023-01-01', NULL::DATE),
            ('B', 'C2', 'L', NULL, DATE '2023-01-01', NULL),
            ('B', 'V3', 'S', NULL, DATE '2023-06-01', DATE '2023-06-02'))
            t(child_id, ls, rne, rec, decom, dec)"""
    )
    con.execute(
        """CREATE TABLE bad (load_id INTEGER, "row" INTEGER, column_name VARCHAR,
            child_id VARCHAR)"""
    )
    rows = con.execute(
        f'SELECT "row", cla FROM ({oc2_rows(["oc2", "episodes"])}) ORDER BY 1'
    ).fetchall()
    correlated = con.execute(
        f'SELECT "row", {continuously_looked_after("o")} FROM oc2 o ORDER BY 1'
    ).fetchall()
    assert rows == correlated
    assert rows == [(1, True), (2, True), (3, False), (4, False), (5, False), (6, False),
                    (7, False)]  # fmt: skip


def test_integrity_x_finds_each_recorded_issue_in_its_own_tables_rows():
    """`integrity_x` joins every recorded issue to the keys of all its tables at once: an issue
    recorded for the Missing table is reported for a child the load's Missing rows hold (with
    their year), not for one only the Episodes hold; the Episodes' issue with the Episodes'."""
    from csc_scorecard.quality.rules.ssda903.integrity import integrity_x

    con = duckdb.connect()
    for table, rows in (("episodes", "('A', 2024), ('B', 2024)"), ("missing", "('A', 2023)")):
        con.execute(
            f"""CREATE TABLE {table} AS SELECT '371' AS la_code, 1 AS load_id, child_id,
                make_date(y, 3, 31) AS cy_end FROM (VALUES {rows}) t(child_id, y)"""
        )
    con.execute(
        """CREATE TABLE bad AS SELECT 1 AS load_id, "row", child_id,
            'child_not_in_header' AS rule, NULL AS field, child_id AS value, message,
            'x' AS table_name FROM (VALUES (7, 'A', 'Missing: not in the Header'),
                (8, 'B', 'Missing: not in the Header'), (9, 'B', 'Episodes: not in it'))
            t("row", child_id, message)"""
    )
    rows = con.execute(
        f"""SELECT _table, "row", child_id, year(cy_end) FROM
            ({integrity_x(["episodes", "missing"])}) ORDER BY 2"""
    ).fetchall()
    assert rows == [("Missing", 7, "A", 2023), ("Episodes", 9, "B", 2024)]
