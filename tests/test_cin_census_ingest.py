"""CIN census reader: what it loads, what it records as issues, what it refuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csc_scorecard.ingest.formats.cin_census import ADAPTER, read_return
from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.model.batch import FormatError

HEADER = """<Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2022</Year><ReferenceDate>2022-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>371</LEA><SoftwareCode>x</SoftwareCode></Source>
  </Header>"""

CHILD = """<Child>
      <ChildIdentifiers>
        <LAchildID>{cid}</LAchildID>
        <UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2019-01-02</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2021-05-04</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2021-05-05</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2021-06-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>4B</AssessmentFactors>
            <AssessmentFactors>16a</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2021-06-11</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2021-09-01</CPPreviewDate><CPPreviewDate>2022-02-20</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
        {extra}
      </CINdetails>
    </Child>"""


def cin(children: str | None = None, *, header: str = HEADER, prolog: str = "") -> str:
    body = CHILD.format(cid="K1", extra="") if children is None else children
    return f"{prolog}<Message>\n  {header}\n  <Children>\n    {body}\n  </Children>\n</Message>\n"


def save(tmp_path: Path, text: str, name: str = "cin.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first occurrence of `fragment`."""
    return text[: text.index(fragment)].count("\n") + 1


def refused(path: Path, **kw) -> FormatError:
    with pytest.raises(FormatError) as err:
        read_return(path, **kw)
    return err.value


# -- loading -----------------------------------------------------------------------------------


def test_a_return_maps_onto_the_canonical_tables(tmp_path):
    text = cin()
    batch = read_return(save(tmp_path, text))
    assert (batch.source_format, batch.la_code) == ("cin_census", "371")
    assert (batch.period_start, batch.period_end) == (date(2021, 4, 1), date(2022, 3, 31))
    kid = batch.tables["children"].to_pylist()[0]
    assert {k: kid[k] for k in ("child_id", "sex", "upn", "disabilities", "source_row")} == {
        "child_id": "K1",
        "sex": "F",
        "upn": "UN1",
        "disabilities": "NONE",
        "source_row": line_of(text, "<Child>"),
    }
    assert batch.tables["referrals"].column("source_row").to_pylist() == [
        line_of(text, "<CINdetails>")
    ]
    assert (
        batch.tables["cp_reviews"].column("source_row").to_pylist()
        == [line_of(text, "<Reviews>")] * 2
    )
    assessment = batch.tables["assessments"].to_pylist()[0]
    assert (assessment["referral_date"], assessment["factors"]) == (date(2021, 5, 4), "4B 16A")
    assert batch.tables["referrals"].to_pylist()[0]["referral_nfa"] is False
    assert [r["review_date"] for r in batch.tables["cp_reviews"].to_pylist()] == [
        date(2021, 9, 1),
        date(2022, 2, 20),
    ]
    assert (
        batch.tables["cp_reviews"].column("plan_start_date").to_pylist() == [date(2021, 6, 11)] * 2
    )
    assert batch.tables["cp_plans"].column("previous_plans").to_pylist() == [0]
    assert batch.issues == []


def test_sex_element_and_census_year(tmp_path):
    header = HEADER.replace("2022", "2025")
    batch = read_return(
        save(
            tmp_path,
            cin(
                CHILD.format(cid="K1", extra="").replace(
                    "<GenderCurrent>2</GenderCurrent>", "<Sex>f</Sex>"
                ),
                header=header,
            ),
        )
    )
    assert batch.tables["children"].column("sex").to_pylist() == ["F"]
    assert batch.issues == []
    batch = read_return(save(tmp_path, cin(header=header)))  # GenderCurrent in a 2024-25 return
    assert batch.tables["children"].column("sex").to_pylist() == ["F"]
    assert [(i.rule, i.field) for i in batch.issues] == [("schema_year", "GenderCurrent")]


def test_blank_values_are_issues_not_refusals(tmp_path):
    text = (
        cin()
        .replace("<LAchildID>K1</LAchildID>", "<LAchildID> </LAchildID>")
        .replace("<ReferralSource>2A</ReferralSource>", "")
    )
    batch = read_return(save(tmp_path, text))
    assert batch.tables["children"].column("child_id").to_pylist() == [None]
    assert sorted((i.rule, i.field, i.row) for i in batch.issues) == [
        ("missing_value", "LAchildID", line_of(text, "<Child>")),
        ("missing_value", "ReferralSource", line_of(text, "<CINdetails>")),
    ]


def test_structure_quirks_are_recorded(tmp_path):
    extra = """<PreProceedingsandFGDM><PPStartDate>2022-01-01</PPStartDate></PreProceedingsandFGDM>
        <Mystery>1</Mystery><Mystery>2</Mystery>"""
    body = (
        CHILD.format(cid="K1", extra=extra)
        .replace(
            "<UPNunknown>UN1</UPNunknown>", "<UPN>A123456789012</UPN><UPNunknown>UN1</UPNunknown>"
        )
        .replace(
            "<Reviews><CPPreviewDate>2021-09-01</CPPreviewDate><CPPreviewDate>2022-02-20</CPPreviewDate></Reviews>",
            "<Reviews/><CPPendDate>2022-01-01</CPPendDate><CPPendDate>2022-01-02</CPPendDate>",
        )
    )
    body += "\n    <Child><ChildIdentifiers><LAchildID>K2</LAchildID><GenderCurrent>1</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics></Child>"
    batch = read_return(save(tmp_path, cin(body)))
    assert batch.tables["children"].column("upn").to_pylist() == ["A123456789012", None]
    assert batch.tables["cp_plans"].column("end_date").to_pylist() == [date(2022, 1, 1)]
    assert batch.tables["cp_reviews"].num_rows == 0
    found = sorted((i.rule, i.field, i.severity) for i in batch.issues)
    assert found == [
        ("alternative_ignored", "UPNunknown", "info"),
        ("child_without_episode", "CINdetails", "warning"),
        ("empty_group", "Reviews", "warning"),
        ("repeated_element", "CPPendDate", "warning"),
        ("unknown_element", "Mystery", "info"),
    ]
    mystery = next(i for i in batch.issues if i.rule == "unknown_element")
    assert "2 times" in mystery.message
    # issues name the canonical column they affect, for measure availability
    columns = {(i.rule, i.table, i.column) for i in batch.issues if i.rule != "unknown_element"}
    assert columns == {
        ("alternative_ignored", "children", "upn"),
        ("child_without_episode", "referrals", None),
        ("empty_group", "cp_reviews", "review_date"),
        ("repeated_element", "cp_plans", "end_date"),
    }


def test_namespaced_and_utf16_files_load(tmp_path):
    text = cin().replace("<Message>", '<Message xmlns="http://www.example.org/cin">')
    assert read_return(save(tmp_path, text)).tables["children"].num_rows == 1
    path = tmp_path / "utf16.xml"
    path.write_text('<?xml version="1.0" encoding="utf-16"?>\n' + cin(), encoding="utf-16")
    assert ADAPTER.sniff(path)
    assert read_return(path).tables["referrals"].column("referral_source").to_pylist() == ["2A"]


def _same_batch(a, b) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.issues == b.issues
    assert (a.la_code, a.period_start, a.period_end) == (b.la_code, b.period_start, b.period_end)


@pytest.mark.parametrize("namespace", ["", ' xmlns="http://www.example.org/cin"'])
def test_the_plain_reader_gives_what_the_defused_reader_gives(tmp_path, monkeypatch, namespace):
    """A plain file is read by expat's own callbacks (`_parse_plain`); a comment sends the same
    file to the defused reference reader. Rows (with their source lines), issues and the header
    are identical, quirks included; and a file the plain reader stops on gets the reference
    reader's refusal, word for word."""
    from csc_scorecard.ingest.formats import cin_census

    extra = "<Mystery>1</Mystery><CINclosureDate>2022-13-01</CINclosureDate>"
    body = "\n    ".join(
        CHILD.format(cid=f"K{i}", extra=extra if i % 2 else "") for i in range(1, 40)
    ).replace("<ReferralSource>2A</ReferralSource>", "<ReferralSource>ZZ</ReferralSource>", 3)
    text = cin(body).replace("<Message>", f"<Message{namespace}>")
    plain = read_return(save(tmp_path, text))
    commented = save(tmp_path, text.replace("<Children>", "<Children><!-- x -->"))  # same name
    taken = []
    real = cin_census._Return._parse_expat
    monkeypatch.setattr(
        cin_census._Return, "_parse_expat", lambda self: taken.append(1) or real(self)
    )
    reference = read_return(commented)
    assert taken == [1]  # the comment sent it to the reference reader
    _same_batch(plain, reference)
    assert plain.tables["children"].num_rows == 39
    assert {i.rule for i in plain.issues} >= {"unknown_element", "invalid_date", "unknown_code"}
    taken.clear()
    assert read_return(save(tmp_path, text, "again.xml")).issues is not None and taken == []
    broken = save(tmp_path, text.replace("</Children>", "</Childre>"), "broken.xml")
    message = str(refused(broken))
    assert taken == [1] and "is not well-formed XML (mismatched tag" in message


# -- header: authority and period --------------------------------------------------------------


def test_lea_wins_over_the_argument_and_disagreement_is_recorded(tmp_path):
    batch = read_return(save(tmp_path, cin()), la_code="372")
    assert batch.la_code == "371"
    assert [(i.rule, i.value) for i in batch.issues] == [("la_code_mismatch", "371")]
    no_lea = cin(header=HEADER.replace("<LEA>371</LEA>", ""))
    assert read_return(save(tmp_path, no_lea), la_code="372").la_code == "372"
    err = refused(save(tmp_path, no_lea))
    assert err.field == "LEA" and "LA code" in err.reason
    bad = read_return(save(tmp_path, cin(header=HEADER.replace("371", "E08000017"))), la_code="372")
    assert batch.la_code == "371" and bad.la_code == "372"
    assert [i.rule for i in bad.issues] == ["invalid_la_code"]


def test_census_period_from_reference_date_year_or_argument(tmp_path):
    odd = read_return(save(tmp_path, cin(header=HEADER.replace("2022-03-31", "2022-07-21"))))
    assert (odd.period_start, odd.period_end) == (date(2021, 7, 22), date(2022, 7, 21))
    assert [i.rule for i in odd.issues] == ["reference_date"]
    no_ref = cin(header=HEADER.replace("<ReferenceDate>2022-03-31</ReferenceDate>", ""))
    assert read_return(save(tmp_path, no_ref)).period_end == date(2022, 3, 31)
    neither = cin(header="")
    assert read_return(save(tmp_path, neither), la_code="371", year=2021).period_end == date(
        2021, 3, 31
    )
    err = refused(save(tmp_path, neither), la_code="371")
    assert err.field == "ReferenceDate"


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "field", "words"),
    [
        (cin()[:400], "<end>", None, "not well-formed"),  # truncated: expat stops at the end
        ("<Return><Children/></Return>", "<Return>", "Return", "not <Message>"),
        ("<Message>\n" + HEADER + "\n</Message>", None, None, "no <Children>"),
        ("<Message><Children>\n</Children></Message>", None, "Child", "no <Child>"),
        (cin().replace(">CIN<", ">CLA<"), "<Collection>", "Collection", "CLA return"),
        (
            cin().replace("<LAchildID>K1</LAchildID>", ""),
            "<ChildIdentifiers>",
            "LAchildID",
            "<ChildIdentifiers> has no <LAchildID>",
        ),
        (
            cin().replace("<CINreferralDate>2021-05-04</CINreferralDate>", ""),
            "<CINdetails>",
            "CINreferralDate",
            "<CINdetails> has no <CINreferralDate>",
        ),
        (
            cin().replace("<CPPstartDate>2021-06-11</CPPstartDate>", ""),
            "<ChildProtectionPlans>",
            "CPPstartDate",
            "<ChildProtectionPlans> has no <CPPstartDate>",
        ),
        (
            cin().replace("<AssessmentActualStartDate>2021-05-05</AssessmentActualStartDate>", ""),
            "<Assessments>",
            "AssessmentActualStartDate",
            "identifies the record",
        ),
    ],
)
def test_unreadable_returns_are_refused(tmp_path, text, at, field, words):
    err = refused(save(tmp_path, text), la_code="371", year=2022)
    assert words in err.reason
    line = (text.count("\n") + 1 if at == "<end>" else line_of(text, at)) if at else None
    assert (err.line, err.field) == (line, field)
    assert err.file == str(tmp_path / "cin.xml")


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
"""
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize("prolog", [ENTITY_BOMB, EXTERNAL, '<!DOCTYPE Message SYSTEM "cin.dtd">\n'])
def test_dtd_and_entities_are_refused_and_the_store_is_unchanged(store, tmp_path, prolog):
    good = tmp_path / "2021" / "cin.xml"
    good.parent.mkdir()
    good.write_text(cin(header=HEADER.replace("2022", "2021")))
    ingest(store, [good])
    before = {
        t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("loads", "children", "referrals", "dq_issues")
    }
    bad = save(tmp_path, cin(CHILD.format(cid="&lol2;", extra=""), prolog=prolog), "bomb.xml")
    assert ADAPTER.sniff(bad)
    with pytest.raises(IngestRefused) as err:
        ingest(store, [good, bad])
    [error] = err.value.errors
    assert error.file == str(bad) and "DTD or entities" in error.reason
    assert error.line == line_of(bad.read_text(), "<!DOCTYPE")
    after = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    assert after == before == {"loads": 1, "children": 1, "referrals": 1, "dq_issues": 0}


def test_two_returns_for_one_year_are_refused(tmp_path):
    a, b = save(tmp_path, cin(), "a.xml"), save(tmp_path, cin(), "b.xml")
    with pytest.raises(FormatError, match="second CIN census return"):
        ADAPTER.read([a, b], la_code=None, year=None)


def test_sniff_claims_cin_returns_only(tmp_path):
    assert ADAPTER.sniff(save(tmp_path, cin(), "x.XML"))
    assert ADAPTER.sniff(save(tmp_path, cin(header=""), "noheader.xml"))
    assert not ADAPTER.sniff(save(tmp_path, cin(), "cin.csv"))
    csww = "<Message><Header><CollectionDetails><Collection>CSWW</Collection></CollectionDetails></Header></Message>"
    assert not ADAPTER.sniff(save(tmp_path, csww, "csww.xml"))
    assert not ADAPTER.sniff(
        save(tmp_path, "<EXPSSDA903><CHILD><HEADER/></CHILD></EXPSSDA903>", "903.xml")
    )
    assert not ADAPTER.sniff(tmp_path / "missing.xml")


def test_reload_of_a_year_replaces_it(store, tmp_path):
    first = save(tmp_path, cin(CHILD.format(cid="K1", extra="") + CHILD.format(cid="K2", extra="")))
    ingest(store, [first])
    assert store.con.execute("SELECT count(*) FROM children").fetchone() == (2,)
    ingest(store, [save(tmp_path, cin(CHILD.format(cid="K3", extra="")))])
    assert store.con.execute("SELECT child_id FROM children").fetchall() == [("K3",)]
    assert store.con.execute("SELECT count(*) FROM loads").fetchone() == (1,)
