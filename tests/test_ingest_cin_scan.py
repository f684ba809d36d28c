"""A plain CIN census return's elements read from its bytes (`cin_census_scan`), whatever the
markup: the same rows, lines and issues as the defused reader reads, by position and by the
walk alike."""

from __future__ import annotations

import re

import pytest

from csc_scorecard.ingest.formats import cin_census
from csc_scorecard.ingest.formats.cin_census import read_return
from tests.test_cin_census_ingest import CHILD, cin

QUIRKS = {
    "references": lambda t: t.replace(">2A<", ">&#50;A&amp;&lt;&gt;&quot;&apos;&#x41;<", 7).replace(
        ">WBRI<", ">WB&#13;RI\r\n<", 3
    ),
    "CRLF line ends": lambda t: t.replace("\n", "\r\n"),
    "CR line ends": lambda t: t.replace("\n", "\r"),
    "attributes": lambda t: (
        t.replace("<CINdetails>", "<CINdetails a='x>y' b=\"/>\"  >", 5)
        .replace("<Message>", '<Message xmlns="urn:cin" version="1">')
        .replace("<ReferralNFA>", "<Mystery a='1>2'/><ReferralNFA>", 1)
    ),
    "prefixes": lambda t: re.sub(r"<(/?)(\w+)", r"<\1c:\2", t).replace(
        "<c:Message>", '<c:Message xmlns:c="urn:cin">'
    ),
    "empty elements": lambda t: (
        t.replace("<ReferralSource>2A</ReferralSource>", "<ReferralSource/>", 4)
        .replace(">N1<", "><", 4)
        .replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>  </Ethnicity>", 2)
    ),
    "spaces inside tags": lambda t: (
        t.replace("<Child>", "<Child\n  >", 6)
        .replace("<Disability>NONE</Disability>", "<Disability >none </Disability >", 5)
        .replace("<LAchildID>", "<LAchildID\t>")
    ),
    "other characters": lambda t: t.replace(">WBRI<", ">WBRÏ ≥ 𝄞<", 4).replace(
        ">2A<", ">2A> ]<", 3
    ),
    "one line": lambda t: re.sub(r">\s+<", "><", t),
}


@pytest.mark.parametrize("quirk", QUIRKS)
def test_the_bytes_read_as_the_defused_reader_reads(tmp_path, monkeypatch, quirk):
    body = "\n    ".join(CHILD.format(cid=f"K{i}", extra="") for i in range(30))
    text = QUIRKS[quirk](cin(body))
    path = tmp_path / "cin.xml"
    path.write_bytes(text.encode())
    real, shaped = cin_census.records_by_shape, []
    monkeypatch.setattr(
        cin_census, "records_by_shape", lambda *a: shaped.append(real(*a) is not None) or real(*a)
    )
    plain = read_return(path)
    assert shaped == [quirk != "attributes"]  # <Mystery> is for the walk
    monkeypatch.setattr(cin_census, "records_by_shape", lambda *args: None)
    walked = read_return(path)
    path.write_bytes(text.encode() + b"<!-- not plain: read by the defused reader -->")
    defused = read_return(path)
    assert plain.tables["children"].num_rows == 30
    for other in (walked, defused):
        assert other.issues == plain.issues
        assert other.tables.keys() == plain.tables.keys()
        for name, table in plain.tables.items():
            assert other.tables[name].equals(table), name
