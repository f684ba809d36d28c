"""CIN rules made cheaper by testing a cheap necessary condition first, or by reading the
few rows of one side against the other (rules/cin): each flags exactly the rows its plain form
(kept here as the rule text read) flagged, over awkward values as well as valid ones."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import duckdb
import pytest

from csc_scorecard.quality.rules import codes_in, get
from csc_scorecard.quality.rules.cin.identifiers import with_upn_check
from csc_scorecard.quality.rules.sql import valid_code
from csc_scorecard.quality.runner import row_filter

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
BORN_BY = """CASE WHEN year(cy_end) >= 2025
        THEN cy_end + INTERVAL 4 MONTH + INTERVAL 31 DAY - INTERVAL 6 YEAR
        ELSE cy_end - INTERVAL 6 YEAR END"""
# the rules' conditions before (`UPN_GIVEN`: a UPN that is not a UPNunknown code)
UPN_GIVEN_BEFORE = f"upn IS NOT NULL AND upper(upn) NOT IN {codes_in('upn_unknown')}"
OLD = {
    "8500": "child_id IS NULL OR trim(child_id) = ''",
    "1540": f"upn IS NOT NULL AND NOT regexp_full_match(substr(upn, 5, 8), '[0-9]+') AND {UPN_GIVEN_BEFORE}",
    "1550": f"""upn IS NOT NULL AND length(upn) = 13
        AND NOT contains('0123456789{CHECK_LETTERS}', substr(upn, 13, 1))""",
    "8770Q": f"""date_of_birth <= {BORN_BY} AND (upn IS NULL OR upper(upn) = 'UN1')
        AND further_action""",
    "8772": "upper(upn) = 'UN7' AND further_action",
    "8530Q": """expected_date_of_birth <= cy_end - INTERVAL 30 DAY
        OR expected_date_of_birth >= cy_end + INTERVAL 9 MONTH""",
    "1510": """upn IS NOT NULL AND length(upn) = 13 AND upn_check IS NOT NULL
        AND substr(upn, 1, 1) IS DISTINCT FROM upn_check""",
    "1530": f"""upn IS NOT NULL AND length(upn) = 13
        AND NOT {valid_code("substr(upn, 2, 3)", "upn_la", pattern=True)}""",
}
# what each rule now tests first
GUARD = {
    "8500": "starts_with(child_id, ' ')",
    "1540": "upn_check IS NULL",
    "1550": "upn_check IS NULL AND upn IS NOT NULL",
    "8770Q": "length(c.upn) = 3",
    "8772": "length(c.upn) = 3",
    "8530Q": "expected_date_of_birth IS NOT NULL",
    "1510": "NOT starts_with(upn, upn_check)",
    "1530": "NOT regexp_matches(upn, '^(?s).",
}


def _upns() -> list[str | None]:
    found: list[str | None] = [None, "", "UN1", "un1", "uN1", "UN1 ", "UN7", "un7", "Un7 "]
    found += ["UN", "UN10", "A", "A12345678901", "A1234567890123", "ǗN1", "ßN7", "ÜN1"]
    for body in ("201200001000", "942123456789", "999123456780", "00112345678X", "2012 0001000"):
        found += [letter + body for letter in CHECK_LETTERS[:5] + "IOS9a"]
    found += ["A20120000100 ", "A2012000010+0", "A-20120000100", "Ä201200001000", "A201+0001000"]
    found += ["A20120000100i", "A2012000010 I", "A20120000100\u00e9", "A2012000010 5"]
    found += ["\n201200001000", "\u00e9201200001000", "A20120000100\u00e9", "A2012000010001"]
    return found


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """Children with every awkward UPN, LAchildID and date against census years before and
    after the 2024-25 change, with and without further action."""
    con = duckdb.connect()
    ids = [
        None,
        "",
        " ",
        "   ",
        "\t",
        " a",
        "a ",
        "a",
        "\u00a0",
        " \t ",
        "\u3000 \u2003",
        "é",
        "\x7f",
    ]
    days = [None, date(2005, 3, 31), date(2017, 4, 1), date(2018, 8, 31), date(2019, 1, 1)]
    unborn = [None, date(2023, 2, 28), date(2023, 3, 1), date(2023, 12, 31), date(2024, 1, 1)]
    rows = []
    for n, (upn, year, action) in enumerate(
        itertools.product(_upns(), [2023, 2024, 2025], [True, False, None])
    ):
        rows.append(
            (ids[n % len(ids)], upn, days[n % len(days)], unborn[n % len(unborn)], year, action)
        )
    con.execute("""CREATE TABLE raw (child_id VARCHAR, upn VARCHAR, date_of_birth DATE,
        expected_date_of_birth DATE, year INTEGER, further_action BOOLEAN)""")
    con.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", rows)
    rows = "SELECT * EXCLUDE (year), make_date(year, 3, 31) AS cy_end FROM raw"
    con.execute(f"CREATE TABLE child AS {with_upn_check(rows)}")
    return con


@pytest.mark.parametrize("code", sorted(OLD))
def test_the_guarded_condition_flags_what_the_plain_one_did(con, code: str) -> None:
    shape = row_filter(get("cin", code).sql)
    assert shape is not None and shape[0] == "child", code
    assert GUARD[code] in get("cin", code).sql
    flagged = "SELECT rowid FROM child c WHERE coalesce({}, false) ORDER BY rowid"
    was = con.execute(flagged.format(OLD[code])).fetchall()
    assert 0 < len(was) < con.sql("FROM child").shape[0], code
    assert con.execute(flagged.format(shape[1])).fetchall() == was


def test_upn_given_made_upper_case_only_at_a_code_length(con) -> None:
    """UPN_GIVEN (1520, 1540) tells a UPNunknown code by its length before `upper`: the same
    UPNs as upper-casing every one (`upper` keeps the number of characters); and the check
    letter's digits, read by one pattern over the whole UPN, are there for the UPNs whose
    characters 2-13 the pattern over those characters found digits."""
    from csc_scorecard.quality.rules.cin.identifiers import UPN_GIVEN

    assert "length(upn) IN (3)" in UPN_GIVEN
    flagged = "SELECT rowid FROM child WHERE coalesce({}, false) ORDER BY rowid"
    was = con.execute(flagged.format(UPN_GIVEN_BEFORE)).fetchall()
    assert 0 < len(was) < con.sql("FROM child").shape[0]
    assert con.execute(flagged.format(UPN_GIVEN)).fetchall() == was
    digits = "length(upn) = 13 AND regexp_full_match(substr(upn, 2), '[0-9]{12}')"
    wrong = con.sql(f"SELECT count(*) FROM child WHERE (upn_check IS NULL) = ({digits})")
    assert wrong.fetchall()[0][0] == 0
    assert con.sql("SELECT count(upn_check) FROM child").fetchall()[0][0] > 10


def test_8500_trim_takes_off_no_ascii_character_but_the_space() -> None:
    """8500 trims only a text starting with a space or a character that is not ASCII: what
    `trim` takes off (every code point tried) is the space and characters from chr(128) on."""
    taken = duckdb.sql("""SELECT list(i) FROM range(1, 1114112) t(i)
        WHERE (i < 55296 OR i > 57343) AND trim(chr(i::INTEGER)) = ''""").fetchall()[0][0]
    assert 32 in taken and 160 in taken
    assert [i for i in taken if i < 128] == [32]
    assert duckdb.sql("SELECT '\u00a0a' >= chr(128), '\x7f' >= chr(128)").fetchall() == [
        (True, False)
    ]


def _maybe(rng: random.Random, value, blank: float = 0.15):
    return None if rng.random() < blank else value


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_8867_closed_episodes_read_against_the_assessments_not_authorised(seed: int) -> None:
    """8867 looks the closed episodes up among the few unauthorised assessments' episodes and
    flags what the look-up of every closed episode flagged: repeated referral dates, blank
    keys, closure and authorisation dates."""
    rng = random.Random(seed)
    day = lambda: date(2022, 4, 1) + timedelta(days=rng.randrange(365))
    con = duckdb.connect()
    common = '_table VARCHAR, la_code VARCHAR, load_id INTEGER, "row" INTEGER, '
    common += "child_id VARCHAR, cy_end DATE, referral_date DATE"
    con.execute(f"CREATE TABLE referrals ({common}, closure_date DATE)")
    con.execute(f"CREATE TABLE assessments ({common}, start_date DATE, authorised_date DATE)")
    row = iter(range(1, 10**6))
    for la, child in itertools.product(("370", "372"), range(40)):
        for _ in range(rng.randrange(1, 4)):
            when = rng.choice([day(), date(2022, 5, 1)])
            episode = (la, f"C{child}", when)

            def key(t: str, e: tuple = episode) -> list:  # any part blank, row by row
                la_code, child_id, referral_date = (_maybe(rng, v, 0.05) for v in e)
                return [t, la_code, 1, next(row), child_id, date(2023, 3, 31), referral_date]

            con.execute(
                "INSERT INTO referrals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [*key("CINdetails"), _maybe(rng, day(), 0.5)],
            )
            for _ in range(rng.choice([0, 1, 2])):
                con.execute(
                    "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*key("Assessments"), _maybe(rng, day(), 0.2), _maybe(rng, day(), 0.5)],
                )
    old = """SELECT * FROM assessments a WHERE authorised_date IS NULL AND EXISTS (
        SELECT 1 FROM referrals r WHERE r.la_code = a.la_code AND r.child_id = a.child_id
            AND r.referral_date = a.referral_date AND r.closure_date IS NOT NULL)"""

    def flagged(sql: str) -> list[tuple]:
        return sorted(con.execute(sql).fetchall(), key=repr)

    was = flagged(old)
    assert len(was) > 5
    assert flagged(get("cin", "8867").sql) == was
    assert "WITH o AS MATERIALIZED" in get("cin", "8867").sql
