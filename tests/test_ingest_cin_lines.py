"""CIN census returns longer than 65,535 lines: every row, issue and refusal names its own line.

libxml2 keeps an element's line in 16 bits, and past line 65,535 lxml's `sourceline` is a guess
from a neighbouring text node (one too high for most containers); the reader counts lines itself.
"""

from __future__ import annotations

import pytest

from csc_scorecard.ingest.formats import cin_census
from csc_scorecard.ingest.formats.cin_census import read_return
from csc_scorecard.model.batch import FormatError
from tests.test_cin_census_ingest import CHILD, cin, save

CHILDREN = 2400  # about 81,600 lines


def long_return(late: str = "", *, children: int = CHILDREN) -> str:
    """A return of `children` children; the fifth from last (past line 65,535 in a return of
    CHILDREN) gets `late` in its episode."""
    return cin(
        "\n    ".join(
            CHILD.format(cid=f"K{i}", extra=late if i == children - 5 else "")
            for i in range(children)
        )
    )


def lines_of(text: str, start_tag: str) -> list[int]:
    """The 1-based line of every occurrence of `start_tag`, in file order."""
    out, at = [], text.find(start_tag)
    while at >= 0:
        out.append(text.count("\n", 0, at) + 1)
        at = text.find(start_tag, at + 1)
    return out


def test_rows_past_line_65535_keep_their_lines(tmp_path):
    text = long_return()
    assert text.count("\n") > 80_000
    batch = read_return(save(tmp_path, text))
    for table, tag in [
        ("children", "<Child>"),
        ("referrals", "<CINdetails>"),
        ("assessments", "<Assessments>"),
        ("cp_plans", "<ChildProtectionPlans>"),
        ("cp_reviews", "<CPPreviewDate>"),
    ]:
        rows = batch.tables[table].column("source_row").to_pylist()
        assert rows == lines_of(text, tag), table
        assert rows[-1] > 65_535


@pytest.mark.parametrize(
    ("late", "tag", "rule"),
    [
        # a value's issue names its record's line: the episode's
        ("<CINclosureDate>2022-13-01</CINclosureDate>", "<CINdetails>", "invalid_date"),
        ("<Mystery>1</Mystery>", "<Mystery>", "unknown_element"),  # read by the walk
        ("<ReferralNFA>1</ReferralNFA>", "<ReferralNFA>1", "repeated_element"),
    ],
)
def test_an_issue_past_line_65535_names_its_line(tmp_path, late, tag, rule):
    text = long_return(late)
    batch = read_return(save(tmp_path, text))
    [issue] = [i for i in batch.issues if i.rule == rule]
    lines = lines_of(text, tag)
    assert issue.row == lines[CHILDREN - 5 if len(lines) > 1 else 0] > 65_535


def test_a_refusal_past_line_65535_names_its_line(tmp_path):
    text = long_return()
    gone = text.rindex("<CINreferralDate>")
    text = text[:gone] + text[text.index("\n", gone) :]  # the last episode's referral date
    with pytest.raises(FormatError) as err:
        read_return(save(tmp_path, text))
    assert err.value.field == "CINreferralDate"
    assert err.value.line == lines_of(text, "<CINdetails>")[-1] > 65_535


# Children giving UPN (empty) for UPNunknown and Sex for GenderCurrent: the usual shape still.
OTHER_CHILDREN = {
    "<UPNunknown>UN1</UPNunknown>": "<UPN/>",
    "<GenderCurrent>2</GenderCurrent>": "<Sex>F</Sex>",
}


@pytest.mark.parametrize(
    ("late", "children", "others"),
    [
        ("", CHILDREN, False),
        ("<Mystery>1</Mystery>", CHILDREN, False),
        ("", 80, True),
        ("", 6, True),
    ],
)
def test_the_readers_agree(tmp_path, monkeypatch, late, children, others):
    """Read by position (the usual shape, its tables typed a column or a cell at a time) or by
    the walk (always, or for a quirk) and by the defused reader (a comment sends it there): the
    same rows with the same lines, the same issues."""
    text = long_return(late + "<CINclosureDate>2022-13-01</CINclosureDate>", children=children)
    for old, new in OTHER_CHILDREN.items() if others else ():
        text = text.replace(old, new, 3)
    real, shaped = cin_census.records_by_shape, []
    monkeypatch.setattr(
        cin_census, "records_by_shape", lambda *a: shaped.append(real(*a) is not None) or real(*a)
    )
    plain = read_return(save(tmp_path, text))
    assert shaped == [not late]  # a quirk, and only a quirk, sends the return to the walk
    defused = read_return(save(tmp_path, text.replace("<Children>", "<Children><!-- x -->")))
    monkeypatch.setattr(cin_census, "records_by_shape", lambda *args: None)
    walked = read_return(save(tmp_path, text))
    assert any(i.rule == "invalid_date" for i in plain.issues)
    assert plain.tables["children"].column("source_row").to_pylist()[-1] > 65_535 * (children > 99)
    for other in (defused, walked):
        assert other.issues == plain.issues
        assert other.tables.keys() == plain.tables.keys()
        for name, table in plain.tables.items():
            assert other.tables[name].equals(table), name
